"""Repeats at the desk, said before or instead of a second verdict: the very dossier received again
(the pipeline answers with the first submission: the desk says when and under which number it was
received), and a dossier of the same submitter, procedure and period as one received the same day (the
officer is warned before receiving it)."""

from __future__ import annotations

import hashlib
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.desk.guard import SUBMITTER_KIND_COMMUNE
from hoso.dossier import parse_envelope
from hoso.errors import CodedError
from hoso.intake.models import Submission


def same_day(kind: str, code: str, procedure_code: str, period: str, on: date) -> Submission | None:
    """The latest dossier accepted on ``on`` for the same submitter, procedure and period, or None."""
    by_submitter = {"commune_id": code} if kind == SUBMITTER_KIND_COMMUNE else {"unit_id": code}
    return (
        Submission.objects.select_related("dossier")
        .filter(
            **by_submitter,
            procedure_code=procedure_code,
            period=period,
            outcome=Submission.Outcome.ACCEPTED,
            received_at__date=on,
        )
        .order_by("-received_at", "-pk")  # the latest; received in the same instant, the last stored
        .first()
    )


def received_words(submission: Submission) -> str:
    """'received at 05/12/2026 09:14, number 00003/2026/00110' in the officer's language."""
    at = timezone.localtime(submission.received_at).strftime("%d/%m/%Y %H:%M")
    if submission.dossier_id:
        return _("received at %(at)s, number %(number)s") % {"at": at, "number": submission.dossier.number}
    return _("refused at %(at)s") % {"at": at}


def same_day_warning(submission: Submission) -> str:
    return _(
        "A dossier of the same submitter, procedure and period was %(received)s. Receive this "
        "one as well only if it is another dossier, not the same paper again."
    ) % {"received": received_words(submission)}


def same_day_of_envelope(envelope: bytes, on: date) -> Submission | None:
    """:func:`same_day` for a dossier not yet received (read from the scanner's symbols): None when
    there is none, when the envelope cannot be read (the pipeline says why), or when the earlier one
    is this very dossier (the pipeline then answers with its first receipt: a repeat, not a twin)."""
    try:
        hoso = parse_envelope(envelope)
    except CodedError:
        return None
    unit, info = hoso.unit, hoso.info
    kind, code = unit.loai_doi_tuong.strip(), unit.ma_so_bhxh.strip().upper()
    twin = same_day(kind, code, info.ma_thu_tuc.strip(), info.ky_ke_khai.strip(), on)
    if twin is None:
        return None
    digest = hashlib.sha256(envelope).hexdigest()
    if twin.sha256 == digest or Submission.objects.filter(sha256=digest, outcome=twin.outcome).exists():
        return None  # this very dossier was received already: the pipeline answers with its receipt
    return twin
