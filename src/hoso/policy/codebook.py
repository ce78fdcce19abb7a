"""The codes of the channel policy's refusals, declared once for the code catalogue (:mod:`hoso.codes`).

A refusal by a rule is coded ``POLICY_`` + the rule's id (``barcode-suspended-from-2016-01-01`` →
``POLICY_BARCODE_SUSPENDED_FROM_2016_01_01``); its texts, legal basis and advice are the rule's own, in
the policy file. The rules shipped with the package are declared from those files; a rule an
administrator adds later is covered by the family ``POLICY_*``, whose answer carries the rule's texts.
"""

from __future__ import annotations

from hoso.codes import CV_2671, Code, Family, declare
from hoso.policy.builtin import builtin_policies
from hoso.policy.facts import Outcome


def rule_code(rule_id: str) -> str:
    """The code of a refusal by rule ``rule_id``."""
    return f"POLICY_{rule_id}".upper().replace("-", "_")


def _declared() -> list[Code | Family]:
    found: list[Code | Family] = []
    for policy in builtin_policies(known_tags=None):
        for rule in policy.rules:
            if rule.effect is Outcome.REFUSE:
                found.append(
                    Code(rule_code(rule.id), rule.message_vi, rule.message_en, rule.legal_basis_vi,
                         rule.advice_vi, rule.advice_en)
                )  # fmt: skip
    found.append(
        Family(
            "POLICY_",
            "Hồ sơ không được tiếp nhận qua kênh này theo một quy tắc của chính sách tiếp nhận đang có hiệu lực.",
            "The dossier is not accepted through this channel by a rule of the reception policy in force.",
            f"Văn bản mà quy tắc nêu trong lý do từ chối (ví dụ {CV_2671})",
            "Làm theo hướng dẫn ghi trong lý do từ chối: thường là nộp qua kênh khác (hồ sơ điện tử qua tổ chức "
            "I-VAN, hoặc hồ sơ giấy tại bộ phận một cửa).",
            "Follow the advice the refusal gives: usually filing through another channel (electronic through an "
            "I-VAN, or on paper at the one-stop desk).",
        )
    )
    return found


declare("policy", *_declared())
