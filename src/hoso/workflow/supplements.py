"""Which supplements the one-stop desk may receive: the channel rule of a supplement.

A supplement (the papers that answer a supplement request) continues its dossier in the dossier's own
channel, and is admissible when that channel is, on the day it arrives:

- an **electronic** dossier's supplement comes electronically: signed by the submitter with its registered
  certificate and sent through the I-VAN (``POST /api/v1/dossiers/{id}/supplements``, which verifies the
  signature). The desk never takes it on paper or as barcodes: dispatch 2671/BHXH-CNTT moves units to
  signed electronic dossiers, and Decision 08/2015/QĐ-TTg has a unit that transacts electronically not
  file the same on paper. The channel policy cannot say this (its facts describe a filing, not which
  dossier a filing continues), so it is this module's rule;
- a **barcoded** or **paper** dossier's supplement is received at the desk when the active channel policy
  (``hoso.policies.services.decide``) would accept a filing in that channel from the same submitter, for
  the same procedure, at the same office, *today* — with the submitter's certificate registrations of
  today. Under dispatch 2671 that leaves barcodes, from 2016-01-01, to the health-card list of children
  under 6 of a commune People's Committee without a digital signature; paper is decided by the baseline
  policy (accepted). A supplement the policy refuses is answered with the policy's own message, legal
  basis and advice; the decision is not recorded among the policy decisions (those are receptions, which
  the what-if replay re-decides), and the dossier does not change.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from hoso.policies.errors import UnknownProcedure
from hoso.policies.services import decide, facts_for
from hoso.policy import Facts
from hoso.policy.facts import CHANNEL_LABELS_VI, VN_TZ
from hoso.reference.registrations import has_registered_certificate
from hoso.workflow.models import Channel, Dossier
from hoso.workflow.services import TransitionError

CHANNEL_LABELS_EN = {
    Channel.ELECTRONIC: "electronic dossier",
    Channel.BARCODE: "barcoded semi-electronic dossier",
    Channel.PAPER: "paper dossier",
}
BASIS_ELECTRONIC_VI = (
    "Công văn 2671/BHXH-CNTT ngày 26/11/2015 của BHXH Thành phố Hà Nội (giao dịch hồ sơ điện tử có chữ ký số "
    "từ ngày 01/10/2015); Quyết định 08/2015/QĐ-TTg (đơn vị đã giao dịch điện tử không nộp thêm hồ sơ giấy)"
)
BASIS_ELECTRONIC_EN = (
    "dispatch 2671/BHXH-CNTT of 26 November 2015, Hanoi Social Insurance (electronic dossiers with digital "
    "signatures from 1 October 2015); Decision 08/2015/QĐ-TTg (a unit that transacts electronically does "
    "not also file on paper)"
)


class SupplementChannelError(TransitionError):
    """A supplement the desk may not receive for this dossier (the dossier is unchanged)."""


def desk_refusal(dossier: Dossier, *, at: datetime | None = None) -> SupplementChannelError | None:
    """Why the one-stop desk may not receive a supplement to ``dossier`` at ``at`` (now by default), or
    ``None`` when it may."""
    at = at or timezone.now()
    if dossier.channel == Channel.ELECTRONIC:
        return _electronic_only(dossier)
    decision = decide(_facts(dossier, at))
    if decision.accepted:
        return None
    day = at.astimezone(VN_TZ) if timezone.is_aware(at) else at
    advice_vi = f" Hướng dẫn: {decision.advice_vi}" if decision.advice_vi else ""
    advice_en = f" What to do: {decision.advice_en}" if decision.advice_en else ""
    return SupplementChannelError(
        f"POLICY_{decision.rule_id}".upper().replace("-", "_"),
        f"Bộ phận một cửa không nhận hồ sơ bổ sung của hồ sơ {dossier.number} "
        f"({CHANNEL_LABELS_VI[dossier.channel]}) ngày {day:%d/%m/%Y}: {decision.message_vi} "
        f"Căn cứ: {decision.legal_basis_vi}.{advice_vi}",
        f"The one-stop desk does not receive a supplement to dossier {dossier.number} "
        f"({CHANNEL_LABELS_EN[dossier.channel]}) on {day:%Y-%m-%d}: {decision.message_en} "
        f"Basis: {decision.legal_basis_en}.{advice_en}",
        rule=decision.rule_id,
        policy=decision.policy_id,
        policy_version=decision.policy_version,
    )


def check_at_desk(dossier: Dossier, *, at: datetime | None = None) -> None:
    """Raise :class:`SupplementChannelError` when the desk may not receive a supplement to ``dossier``."""
    refusal = desk_refusal(dossier, at=at)
    if refusal is not None:
        raise refusal


def _electronic_only(dossier: Dossier) -> SupplementChannelError:
    ivan = f"{dossier.ivan.code} {dossier.ivan.name}" if dossier.ivan_id else ""
    through_vi = f"tổ chức I-VAN {ivan} (đã nộp hồ sơ này)" if ivan else "tổ chức I-VAN đã nộp hồ sơ này"
    through_en = (
        f"the I-VAN {ivan} (which filed this dossier)" if ivan else "the I-VAN that filed this dossier"
    )
    return SupplementChannelError(
        "WORKFLOW_SUPPLEMENT_ELECTRONIC_ONLY",
        f"Hồ sơ {dossier.number} là hồ sơ điện tử nên bộ phận một cửa không nhận hồ sơ bổ sung bằng giấy "
        f"hoặc có mã vạch. Căn cứ: {BASIS_ELECTRONIC_VI}. Hướng dẫn: đơn vị ký số hồ sơ bổ sung bằng chứng thư số "
        f"đã đăng ký giao dịch điện tử và gửi qua {through_vi}; cổng tiếp nhận kiểm tra chữ ký trước khi nhận.",
        f"Dossier {dossier.number} is an electronic dossier, so the one-stop desk does not receive its "
        f"supplement on paper or as barcodes. Basis: {BASIS_ELECTRONIC_EN}. What to do: the unit signs the "
        f"supplement with the certificate it registered for electronic transactions and sends it through "
        f"{through_en}; the gateway checks the signature before receiving it.",
        rule="supplement-electronic-only",
    )


def _facts(dossier: Dossier, at: datetime) -> Facts:
    """The facts of a filing in the dossier's channel by its submitter, at ``at``."""
    unit = dossier.unit if dossier.unit_id else None
    commune = dossier.commune if dossier.commune_id else None
    common = {
        "channel": dossier.channel,
        "submitter_kind": "commune" if commune is not None else "unit",
        "has_certificate": has_registered_certificate(moment=at, unit=unit, commune=commune),
        "office_code": dossier.office_id,
        "received_at": at,
        "submitter_code": dossier.unit_id or dossier.commune_id or "",
    }
    try:
        return facts_for(procedure_code=dossier.procedure.code, **common)
    except UnknownProcedure:  # the procedure left the catalogue since: its tags as received
        return Facts(
            procedure_code=dossier.procedure.code,
            procedure_tags=frozenset(dossier.procedure.tags or ()),
            **common,
        )
