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
    *, fingerprint_sha256: str, moment: datetime, owner: str, outer: str, ivan: str | None = None
) -> tuple[str, list]:
    """:func:`registration_for` as a plain SQL sub-select (and its parameters) giving the registration's
    id, for the submitter whose key is the outer query's column ``outer``; ``owner`` is "unit_id" or
    "commune_id". The reception asks it inside its one submitter query (hoso.intake.pipeline); the
    conditions are those of :func:`_active` and :func:`_through`."""
    sql = (
        f"(SELECT r.id FROM {fastsql.table(CertificateRegistration)} r WHERE r.{owner} = {outer}"  # noqa: S608
        " AND r.fingerprint_sha256 = %s AND r.registered_from <= %s"
        " AND (r.registered_until IS NULL OR r.registered_until > %s)"
        + (" AND (r.ivan_id IS NULL OR r.ivan_id = %s)" if ivan else "")
        + " ORDER BY r.id LIMIT 1)"
    )
    at = fastsql.moment(moment)
    return sql, [fingerprint_sha256.lower(), at, at, *([ivan] if ivan else [])]


def _through(qs, ivan: str | None):
    """A registration binds the unit, the certificate and the I-VAN its form named (04/05-IVAN): only that
    I-VAN carries the unit's files signed with it. One recorded without an I-VAN (by the office, from a
    paper form) binds none. ``ivan`` None: whichever I-VAN (a supplement, which only the I-VAN that
    carried its dossier can send)."""
    return qs.filter(Q(ivan__isnull=True) | Q(ivan_id=ivan)) if ivan else qs


def registration_for(
    *, fingerprint_sha256: str, moment: datetime, unit=None, commune=None, ivan: str | None = None
):
    """The registration binding this certificate to this submitter (through ``ivan``) at ``moment``, or
    None."""
    qs = _active(moment).filter(fingerprint_sha256=fingerprint_sha256.lower())
    qs = qs.filter(unit=unit) if unit is not None else qs.filter(commune=commune)
    return _through(qs, ivan).first()


def registered_through(*, fingerprint_sha256: str, moment: datetime, unit=None, commune=None) -> str | None:
    """The I-VAN through which this certificate is registered for this submitter at ``moment`` (to name it
    in a refusal to another I-VAN), or None."""
    found = registration_for(fingerprint_sha256=fingerprint_sha256, moment=moment, unit=unit, commune=commune)
    return found.ivan_id if found is not None else None


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
