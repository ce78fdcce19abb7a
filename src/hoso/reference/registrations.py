"""Which certificates a submitter has registered for electronic transactions, at a moment."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from hoso.reference.models import CertificateRegistration


def _active(moment: datetime):
    return CertificateRegistration.objects.filter(
        Q(registered_until__isnull=True) | Q(registered_until__gt=moment),
        registered_from__lte=moment,
    )


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
