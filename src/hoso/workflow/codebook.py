"""The codes of the desk's work on a dossier — transitions, supplements, refusals, results — declared once
for the code catalogue (:mod:`hoso.codes`). The officer reads them on the desk's pages; the next step is
theirs."""

from __future__ import annotations

from hoso.codes import QD_08_2015, Code, declare

ONE_STOP = (
    "Nghị định 61/2018/NĐ-CP về cơ chế một cửa, một cửa liên thông; Thông tư 01/2018/TT-VPCP (mẫu phiếu "
    "tiếp nhận, yêu cầu bổ sung, từ chối)"
)


def _desk(code: str, vi: str, en: str, next_vi: str, next_en: str, basis: str = ONE_STOP) -> Code:
    return Code(code, vi, en, basis, next_vi, next_en, audience="desk")


CODES = (
    _desk(
        "WORKFLOW_TRANSITION_NOT_ALLOWED",
        "Hồ sơ không thể chuyển từ trạng thái hiện tại sang trạng thái này.",
        "The dossier cannot go from its present state to this one.",
        "Tải lại trang hồ sơ để xem trạng thái hiện tại rồi chọn một thao tác được phép.",
        "Reload the dossier's page to see its present state and choose an action it allows.",
    ),  # fmt: skip
    _desk(
        "WORKFLOW_ACTION_NOT_ALLOWED",
        "Cán bộ không được thực hiện thao tác này với hồ sơ ở trạng thái hiện tại.",
        "The officer may not take this action on the dossier in its present state.",
        "Chuyển hồ sơ cho cán bộ có vai trò phù hợp, hoặc đề nghị bộ phận CNTT cấp quyền.",
        "Hand the dossier to an officer with the right role, or ask the IT department for the permission.",
    ),  # fmt: skip
    _desk(
        "WORKFLOW_ASSIGNEE_OUTSIDE",
        "Cán bộ được giao không thuộc phòng xử lý hồ sơ của cơ quan này.",
        "The assignee is not an officer of the dossier's department at this office.",
        "Giao hồ sơ cho một cán bộ của phòng đang xử lý hồ sơ.",
        "Assign the dossier to an officer of the department handling it.",
    ),  # fmt: skip
    _desk(
        "WORKFLOW_REFUSAL_REASON",
        "Từ chối giải quyết phải ghi rõ lý do.",
        "A refusal must give its reason.",
        "Ghi lý do từ chối (sẽ in trên phiếu từ chối gửi đơn vị) rồi xác nhận lại.",
        "Write the reason (it is printed on the refusal slip the unit gets) and confirm again.",
    ),  # fmt: skip
    _desk(
        "WORKFLOW_SUPPLEMENT_REASON",
        "Yêu cầu bổ sung phải ghi rõ giấy tờ cần bổ sung.",
        "A supplement request must say what is missing.",
        "Ghi rõ giấy tờ, thông tin cần bổ sung rồi gửi lại yêu cầu.",
        "Write what papers or details are missing and send the request again.",
    ),  # fmt: skip
    _desk(
        "WORKFLOW_NO_SUPPLEMENT_REQUESTED",
        "Hồ sơ không có yêu cầu bổ sung đang chờ.",
        "The dossier has no pending supplement request.",
        "Chỉ nhận hồ sơ bổ sung sau khi đã lập yêu cầu bổ sung cho hồ sơ.",
        "Receive a supplement only after a supplement request was made for the dossier.",
    ),  # fmt: skip
    _desk(
        "WORKFLOW_SUPPLEMENT_ELECTRONIC_ONLY",
        "Hồ sơ điện tử chỉ nhận hồ sơ bổ sung điện tử có chữ ký số, không nhận giấy hay mã vạch.",
        "An electronic dossier takes only a digitally signed electronic supplement, not paper or barcodes.",
        "Hướng dẫn đơn vị ký số hồ sơ bổ sung bằng chứng thư số đã đăng ký và gửi qua tổ chức I-VAN đã nộp hồ sơ.",
        "Tell the unit to sign the supplement with its registered certificate and send it through the I-VAN "
        "that filed the dossier.",
        QD_08_2015,
    ),  # fmt: skip
    _desk(
        "WORKFLOW_RECEIVER_REQUIRED",
        "Cần ghi họ tên người nhận kết quả.",
        "The name of the person receiving the result is needed.",
        "Ghi họ tên người nhận kết quả rồi xác nhận trả kết quả.",
        "Write the receiver's name and confirm the hand-over.",
    ),  # fmt: skip
    _desk(
        "RESULT_NO_DOCUMENT",
        "Kết quả phải kèm ít nhất một tài liệu (PDF hoặc XML).",
        "A result needs at least one document (PDF or XML).",
        "Đính kèm tài liệu kết quả (PDF hoặc XML) rồi ghi kết quả.",
        "Attach the result document (PDF or XML) and record the result.",
    ),  # fmt: skip
    _desk(
        "RESULT_DOCUMENT_TYPE",
        "Tài liệu kết quả phải là tệp PDF hoặc XML.",
        "A result document must be a PDF or an XML file.",
        "Lưu tài liệu dưới dạng PDF (hoặc XML) rồi đính kèm lại.",
        "Save the document as PDF (or XML) and attach it again.",
    ),  # fmt: skip
    _desk(
        "RESULT_DOCUMENT_TOO_LARGE",
        "Tài liệu kết quả vượt quá 20 MB.",
        "A result document exceeds 20 MB.",
        "Giảm dung lượng tài liệu (quét ở độ phân giải thấp hơn, tách tệp) rồi đính kèm lại.",
        "Make the document smaller (scan at a lower resolution, split it) and attach it again.",
    ),  # fmt: skip
    _desk(
        "RESULT_DOCUMENT_XML",
        "Tài liệu kết quả dạng XML không phải XML hợp lệ.",
        "An XML result document is not valid XML.",
        "Xuất lại tài liệu XML từ phần mềm nghiệp vụ rồi đính kèm lại.",
        "Export the XML document again from the processing software and attach it again.",
    ),  # fmt: skip
    _desk(
        "RESULT_NO_CHILDREN",
        "Danh sách không có trẻ em nào để cấp thẻ BHYT.",
        "The list has no child to issue a health card for.",
        "Kiểm tra danh sách trẻ em của hồ sơ; nếu danh sách trống, yêu cầu UBND xã bổ sung.",
        "Check the dossier's list of children; if it is empty, ask the commune to supplement it.",
    ),  # fmt: skip
    _desk(
        "RESULT_CARD_INVALID",
        "Không lập được thẻ BHYT cho một số trẻ trong danh sách.",
        "Health cards cannot be made for some children of the list.",
        "Sửa các dòng được nêu (ngày sinh, mã số BHXH) hoặc yêu cầu UBND xã bổ sung rồi lập lại kết quả.",
        "Correct the rows named (birth date, social-insurance number) or ask the commune for a supplement, "
        "then make the result again.",
    ),  # fmt: skip
)

APOLOGY_BASIS = "Thông tư 01/2018/TT-VPCP, Mẫu số 04 (Phiếu xin lỗi và hẹn lại ngày trả kết quả)"

CODES += (
    _desk(
        "WORKFLOW_APOLOGY_REASON_MISSING",
        "Phiếu xin lỗi và hẹn lại ngày trả kết quả phải nêu lý do chậm trả kết quả.",
        "The apology and new appointment must give the reason for the delay.",
        "Ghi lý do chậm trả kết quả rồi duyệt lại phiếu.",
        "Write the reason for the delay and approve the apology again.",
        APOLOGY_BASIS,
    ),  # fmt: skip
    _desk(
        "WORKFLOW_APOLOGY_DATE_NOT_LATER",
        "Ngày hẹn mới phải sau ngày hẹn cũ và không trước hôm nay.",
        "The new appointment must be after the old one and not before today.",
        "Chọn một ngày làm việc sau ngày hẹn cũ rồi duyệt lại phiếu.",
        "Choose a working day after the old appointment and approve the apology again.",
        APOLOGY_BASIS,
    ),  # fmt: skip
    _desk(
        "WORKFLOW_APOLOGY_DATE_NOT_WORKING_DAY",
        "Ngày hẹn mới không phải ngày làm việc.",
        "The new appointment is not a working day.",
        "Chọn một ngày làm việc (không phải thứ Bảy, Chủ nhật hay ngày nghỉ lễ) rồi duyệt lại phiếu.",
        "Choose a working day (not a Saturday, Sunday or holiday) and approve the apology again.",
        APOLOGY_BASIS,
    ),  # fmt: skip
    _desk(
        "WORKFLOW_APOLOGY_STALE",
        "Phiếu đã được duyệt, hoặc ngày hẹn của hồ sơ đã thay đổi.",
        "The apology was already approved, or the dossier's due date has changed.",
        "Tải lại trang phiếu xin lỗi để xem các phiếu đang chờ duyệt.",
        "Reload the apologies page to see the drafts waiting for approval.",
        APOLOGY_BASIS,
    ),  # fmt: skip
)

declare("workflow", *CODES)
