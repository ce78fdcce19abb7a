"""Which certificates a submitter has registered for electronic transactions, at a moment."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from hoso import fastsql
from hoso.reference.models import CertificateRegistration
from hoso.signature import signer_tax_code


def _active(moment: datetime):
    return CertificateRegistration.objects.filter(
        Q(registered_until__isnull=True) | Q(registered_until__gt=moment),
        registered_from__lte=moment,
    )


def registration_id_sql(
    *, fingerprint_sha256: str, moment: datetime, owner: str, outer: str
) -> tuple[str, list]:
    """:func:`registration_for` as a plain SQL sub-select (and its parameters) giving the registration's
    id, for the submitter whose key is the outer query's column ``outer``; ``owner`` is "unit_id" or
    "commune_id". The reception asks it inside its one submitter query (hoso.intake.pipeline); the
    conditions are those of :func:`_active`."""
    sql = (
        f"(SELECT r.id FROM {fastsql.table(CertificateRegistration)} r WHERE r.{owner} = {outer}"  # noqa: S608
        " AND r.fingerprint_sha256 = %s AND r.registered_from <= %s"
        " AND (r.registered_until IS NULL OR r.registered_until > %s) ORDER BY r.id LIMIT 1)"
    )
    at = fastsql.moment(moment)
    return sql, [fingerprint_sha256.lower(), at, at]


def registration_for(*, fingerprint_sha256: str, moment: datetime, unit=None, commune=None):
    """The registration binding this certificate to this submitter at ``moment``, or None."""
    qs = _active(moment).filter(fingerprint_sha256=fingerprint_sha256.lower())
    qs = qs.filter(unit=unit) if unit is not None else qs.filter(commune=commune)
    return qs.first()


def has_registered_certificate(*, moment: datetime, unit=None, commune=None) -> bool:
    """Whether the submitter had any registered certificate at ``moment`` (a policy fact)."""
    qs = _active(moment).filter(not_before__lte=moment, not_after__gt=moment)
    qs = qs.filter(unit=unit) if unit is not None else qs.filter(commune=commune)
    return qs.exists()


def register_certificate(
    certificate,
    *,
    since: datetime,
    unit=None,
    commune=None,
    ivan: str | None = "00030",
    source: str = "admin",
) -> CertificateRegistration:
    """Record that ``certificate`` (a cryptography X.509 certificate) signs for this unit or commune,
    carried by ``ivan``, from ``since``: the one place where a registration row is made."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding

    return CertificateRegistration.objects.create(
        unit=unit,
        commune=commune,
        ivan_id=ivan,
        serial=format(certificate.serial_number, "X"),
        issuer=certificate.issuer.rfc4514_string(),
        subject=certificate.subject.rfc4514_string(),
        tax_code=signer_tax_code(certificate) or "",
        fingerprint_sha256=certificate.fingerprint(hashes.SHA256()).hex(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        registered_from=since,
        certificate_der=certificate.public_bytes(Encoding.DER),
        source=source,
    )
