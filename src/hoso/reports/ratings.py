"""Submitters' ratings of a dossier (1 to 5, an optional comment), left once through the public lookup when
the dossier is finished: the satisfaction group of the scorecard (:mod:`hoso.reports.scorecard`). The lookup
asks for the dossier number and a code of its receipt and is rate-limited per client; a rating is one more
request of the same lookup, so it is limited with it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoso.reports.models import Rating
from hoso.workflow.models import Dossier

FINISHED = ("result_ready", "handed_over", "refused")
COMMENT_CHARS = 1000
CHOICES = (
    (5, _("5 stars: very satisfied")),
    (4, _("4 stars: satisfied")),
    (3, _("3 stars: neither satisfied nor dissatisfied")),
    (2, _("2 stars: dissatisfied")),
    (1, _("1 star: very dissatisfied")),
)


@dataclass(frozen=True)
class RatingRefused:
    """Why a rating was not kept, in words for the person who typed it."""

    message: str


def can_rate(dossier: Dossier) -> bool:
    return dossier.status in FINISHED


def existing(dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


def rate(dossier: Dossier, score_text: str, comment: str) -> Rating | RatingRefused:
    """Keep the rating of ``dossier``, or say why not: not finished yet, a score not from 1 to 5, a comment
    too long, rated already (once per dossier)."""
    if not can_rate(dossier):
        return RatingRefused("Hồ sơ chưa có kết quả: bạn có thể đánh giá khi hồ sơ đã có kết quả.")
    try:
        score = int((score_text or "").strip())
    except ValueError:
        score = 0
    if not 1 <= score <= 5:
        return RatingRefused("Xin chọn mức đánh giá từ 1 sao (rất không hài lòng) đến 5 sao (rất hài lòng).")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_CHARS:
        return RatingRefused(f"Góp ý dài quá {COMMENT_CHARS} ký tự: xin rút gọn rồi gửi lại.")
    try:
        with transaction.atomic():
            return Rating.objects.create(
                dossier=dossier, office_id=dossier.office_id, score=score, comment=comment, at=timezone.now()
            )
    except IntegrityError:
        rated = existing(dossier)
        when = f" ngày {timezone.localtime(rated.at):%d/%m/%Y}" if rated else ""
        return RatingRefused(f"Hồ sơ này đã được đánh giá{when}; mỗi hồ sơ chỉ được đánh giá một lần.")
