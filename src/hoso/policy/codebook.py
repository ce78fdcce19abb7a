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


# Codes an IT officer reads while writing, storing or replaying a policy (the IT pages, `hoso policy`).
_BASIS_AUTHORING = f"{CV_2671}; định dạng tệp chính sách của cổng tiếp nhận (docs/policies.md)"
_FIX_FILE = (
    "Sửa tệp chính sách ở dòng được nêu theo định dạng tệp chính sách, kiểm tra lại rồi lưu.",
    "Correct the policy file at the line named as the policy format says, check it again and store it.",
)
_ASK_IT = (
    "Báo bộ phận CNTT: đây là lỗi cấu hình chính sách của cổng tiếp nhận, không phải lỗi của hồ sơ.",
    "Tell the IT department: the gateway's policy configuration is at fault, not the dossier.",
)


def _authoring(code: str, vi: str, en: str, advice: tuple[str, str] = _FIX_FILE) -> Code:
    return Code(code, vi, en, _BASIS_AUTHORING, *advice, audience="desk")


AUTHORING = (
    _authoring("POLICY_INVALID", "Tệp chính sách không hợp lệ.", "The policy file is not valid."),
    _authoring("POLICY_SYNTAX", "Tệp chính sách sai cú pháp TOML.", "The policy file is not valid TOML."),
    _authoring("POLICY_ENCODING", "Tệp chính sách phải mã hóa UTF-8.", "A policy file must be UTF-8."),
    _authoring("POLICY_TOO_LARGE", "Tệp chính sách quá lớn.", "The policy file is too large."),
    _authoring(
        "POLICY_FILE_UNREADABLE",
        "Không đọc được tệp chính sách.",
        "The policy file cannot be read.",
        (
            "Kiểm tra đường dẫn và quyền đọc của tệp rồi chạy lại.",
            "Check the file's path and permissions and run again.",
        ),
    ),  # fmt: skip
    _authoring("POLICY_MISSING_FIELD", "Thiếu một trường bắt buộc.", "A required field is missing."),
    _authoring(
        "POLICY_UNKNOWN_FIELD", "Tệp có một trường không được hỗ trợ.", "The file has an unsupported field."
    ),
    _authoring("POLICY_BAD_VALUE", "Một trường có giá trị không hợp lệ.", "A field has an invalid value."),
    _authoring("POLICY_BAD_DATE", "Một ngày không đúng dạng YYYY-MM-DD.", "A date is not YYYY-MM-DD."),
    _authoring(
        "POLICY_DATES_OUT_OF_ORDER",
        "Ngày kết thúc đứng trước ngày bắt đầu.",
        "An end date is before its start.",
    ),
    _authoring("POLICY_DUPLICATE_RULE", "Mã quy tắc bị trùng.", "A rule id is repeated."),
    _authoring(
        "POLICY_OVERLAP",
        "Hai quy tắc cùng độ ưu tiên có thể cùng quyết định một hồ sơ.",
        "Two rules of one precedence may decide the same dossier.",
        (
            "Đổi độ ưu tiên của một quy tắc hoặc tách điều kiện của hai quy tắc rồi lưu lại.",
            "Change one rule's precedence or make their conditions disjoint, then store again.",
        ),
    ),  # fmt: skip
    _authoring(
        "POLICY_UNKNOWN_TAG",
        "Nhãn thủ tục không có trong danh mục thủ tục.",
        "A procedure tag is not in the catalogue.",
    ),  # fmt: skip
    _authoring("POLICY_SET_EMPTY", "Chưa có chính sách nào được áp dụng.", "No policy is in force.", _ASK_IT),
    _authoring(
        "POLICY_SET_DUPLICATE",
        "Một chính sách xuất hiện hai lần trong cùng một tập.",
        "A policy appears twice in one set.",
        _ASK_IT,
    ),  # fmt: skip
    _authoring(
        "POLICY_SET_EQUAL_PRECEDENCE",
        "Hai chính sách có cùng độ ưu tiên.",
        "Two policies have one precedence.",
        _FIX_FILE,
    ),  # fmt: skip
    _authoring(
        "POLICY_SET_NOT_TOTAL",
        "Chính sách thấp nhất phải là chính sách nền (không điều kiện).",
        "The lowest policy must be a baseline (unconditional).",
        _ASK_IT,
    ),  # fmt: skip
    _authoring(
        "POLICY_NO_DECISION",
        "Không có quy tắc nào quyết định hồ sơ: thiếu chính sách nền.",
        "No rule decides the dossier: a baseline policy is missing.",
        _ASK_IT,
    ),  # fmt: skip
    _authoring(
        "POLICY_BAD_FACTS",
        "Dữ kiện của hồ sơ không hợp lệ để áp dụng chính sách.",
        "The dossier's facts are not valid for the policy.",
        _ASK_IT,
    ),  # fmt: skip
    _authoring(
        "POLICY_FACT_TOO_LONG",
        "Một dữ kiện quá dài để ghi cùng quyết định.",
        "A fact is too long to record with the decision.",
        _ASK_IT,
    ),  # fmt: skip
    _authoring(
        "POLICY_UNKNOWN_PROCEDURE",
        "Không có thủ tục mã này trong danh mục vào ngày đó.",
        "No procedure with this code in the catalogue on that day.",
        (
            "Chọn mã thủ tục có trong danh mục vào ngày cần xem.",
            "Choose a procedure code in the catalogue on that day.",
        ),
    ),  # fmt: skip
    _authoring(
        "POLICY_UNKNOWN_OFFICE",
        "Không có cơ quan BHXH mã này.",
        "No social-insurance office with this code.",
        ("Chọn mã cơ quan có trong danh mục.", "Choose an office code of the catalogue."),
    ),  # fmt: skip
    _authoring(
        "POLICY_REPLAY_PERIOD",
        "Ngày kết thúc của khoảng xem lại đứng trước ngày bắt đầu.",
        "The replay's end date is before its start.",
        ("Chọn ngày kết thúc sau ngày bắt đầu rồi chạy lại.", "Choose an end after the start and run again."),
    ),  # fmt: skip
    _authoring(
        "POLICY_VERSION_IMMUTABLE",
        "Phiên bản chính sách đã quyết định hồ sơ nên không thể sửa.",
        "A policy version that has decided dossiers cannot change.",
        (
            "Tăng số phiên bản (version) của tệp rồi lưu thành phiên bản mới.",
            "Increase the file's version and store it as a new version.",
        ),
    ),  # fmt: skip
    _authoring(
        "POLICY_VERSION_NOT_STORED",
        "Phiên bản chính sách chưa được lưu nên không ghi được quyết định.",
        "The policy version is not stored, so the decision cannot be recorded.",
        _ASK_IT,
    ),  # fmt: skip
    _authoring(
        "POLICY_STORED_MISMATCH",
        "Nội dung lưu của phiên bản chính sách không khớp mã băm đã ghi.",
        "A stored policy version does not match its recorded hash.",
        _ASK_IT,
    ),  # fmt: skip
    _authoring(
        "POLICY_DECISION_IMMUTABLE",
        "Quyết định đã ghi là chứng cứ, không thể sửa.",
        "A recorded decision is evidence and cannot change.",
        _ASK_IT,
    ),  # fmt: skip
)

declare("policy", *_declared(), *AUTHORING)
