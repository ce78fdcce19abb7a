"""Identifiers of the social-insurance world: build, parse, validate. Pure (no Django).

Every invalid input raises :class:`IdentifierError` with a stable code and a Vietnamese message.
"""

from hoso.identifiers import codebook  # noqa: F401 — declares the package's codes (hoso.codes)
from hoso.identifiers.codes import (
    DossierNumber,
    HealthCardCode,
    IdentifierError,
    build_health_card_code,
    format_dossier_number,
    parse_dossier_number,
    parse_health_card_code,
    tax_code_check_digit,
    validate_office_code,
    validate_social_insurance_number,
    validate_tax_code,
    validate_unit_code,
)
from hoso.identifiers.national import format_national_code, validate_agency_code, validate_template

validate_national_code_template = validate_template

__all__ = [
    "DossierNumber",
    "HealthCardCode",
    "IdentifierError",
    "build_health_card_code",
    "format_national_code",
    "format_dossier_number",
    "parse_dossier_number",
    "parse_health_card_code",
    "tax_code_check_digit",
    "validate_office_code",
    "validate_social_insurance_number",
    "validate_tax_code",
    "validate_unit_code",
    "validate_agency_code",
    "validate_national_code_template",
]
