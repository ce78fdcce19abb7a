"""The codes the I-VAN API answers before or around a reception — the key, the request, the HTTP server,
problem reports — declared once for the code catalogue (:mod:`hoso.codes`). Pure: no Django."""

from __future__ import annotations

from hoso.codes import BASIS_CONNECTION, Code, declare

_FIX_REQUEST = (
    "Sửa yêu cầu theo tài liệu OpenAPI (/api/v1/openapi.json) và hướng dẫn kết nối, rồi gửi lại.",
    "Correct the request as the OpenAPI document (/api/v1/openapi.json) and the connection guide say, and send "
    "it again.",
)
_ASK_KEY = (
    "Dùng khoá API cơ quan BHXH đã cấp cho tổ chức I-VAN (Authorization: Bearer <khoá>); nếu chưa có hoặc đã mất, "
    "đề nghị cơ quan BHXH cấp khoá mới.",
    "Use the API key the office issued to the I-VAN (Authorization: Bearer <key>); if there is none or it is lost, "
    "ask the office for a new one.",
)
_SEND_AGAIN_LATER = (
    "Gửi lại đúng yêu cầu sau ít phút (an toàn: không tạo hồ sơ trùng); nếu kéo dài, báo vướng mắc "
    "(POST /api/v1/problems).",
    "Send the same request again in a few minutes (safe: no duplicate dossier is made); if it lasts, report a "
    "problem (POST /api/v1/problems).",
)
_SPLIT = (
    "Gửi tệp nhỏ hơn giới hạn (mục 8 của hướng dẫn kết nối); nếu hồ sơ thật sự lớn, tách thành nhiều hồ sơ.",
    "Send a file under the limit (section 8 of the connection guide); if the dossier really is this large, split "
    "it into several dossiers.",
)


def _api(code: str, vi: str, en: str, advice: tuple[str, str] = _FIX_REQUEST, audience: str = "ivan") -> Code:
    return Code(code, vi, en, BASIS_CONNECTION, *advice, audience=audience)


CODES = (
    _api("API_AUTH_MISSING", "Thiếu khoá API.", "The API key is missing.", _ASK_KEY),
    _api(
        "API_AUTH_SCHEME",
        "Tiêu đề Authorization phải có dạng “Bearer <khoá>”.",
        "The Authorization header must read “Bearer <key>”.",
        _ASK_KEY,
    ),  # fmt: skip
    _api("API_AUTH_INVALID", "Khoá API không đúng.", "The API key is not valid.", _ASK_KEY),
    _api("API_AUTH_REVOKED", "Khoá API đã bị thu hồi.", "The API key was revoked.", _ASK_KEY),
    _api(
        "API_IVAN_INACTIVE",
        "Tổ chức I-VAN đang ngừng hoạt động trong danh mục của cơ quan BHXH.",
        "The I-VAN is marked inactive in the office's catalogue.",
        (
            "Liên hệ cơ quan BHXH để được kích hoạt lại trước khi gửi.",
            "Ask the office to make the I-VAN active again before sending.",
        ),
    ),  # fmt: skip
    _api(
        "API_RATE_LIMITED",
        "Tổ chức I-VAN gửi quá nhiều yêu cầu trong thời gian ngắn.",
        "The I-VAN sent too many requests in a short time.",
        (
            "Chờ số giây ghi trong tiêu đề Retry-After rồi gửi lại; giãn nhịp gửi.",
            "Wait the seconds the Retry-After header gives, then send again; pace the requests.",
        ),
    ),  # fmt: skip
    _api(
        "API_NOT_FOUND",
        "Không có đường dẫn hoặc hồ sơ này trong các hồ sơ của tổ chức I-VAN.",
        "No such path, or no such dossier among this I-VAN's.",
        (
            "Kiểm tra đường dẫn và mã giao dịch (MaGiaoDich trong thông báo tiếp nhận).",
            "Check the path and the submission id (MaGiaoDich of the receipt).",
        ),
    ),  # fmt: skip
    _api(
        "API_METHOD_NOT_ALLOWED",
        "Phương thức HTTP không dùng được ở đường dẫn này.",
        "The HTTP method is not allowed at this path.",
        ("Dùng phương thức ghi trong tiêu đề Allow.", "Use a method the Allow header lists."),
    ),  # fmt: skip
    _api(
        "API_INVALID_REQUEST",
        "Một tham số hoặc trường của yêu cầu không hợp lệ.",
        "A parameter or field of the request is not valid.",
    ),  # fmt: skip
    _api("API_BAD_REQUEST", "Yêu cầu không hợp lệ.", "The request is not valid."),
    _api(
        "API_HOST_NOT_ALLOWED",
        "Tiêu đề Host của yêu cầu không phải tên của cổng tiếp nhận.",
        "The request's Host header does not name this gateway.",
        (
            "Gửi tới đúng địa chỉ cổng tiếp nhận cơ quan BHXH đã thông báo.",
            "Send to the gateway address the office gave.",
        ),
    ),  # fmt: skip
    _api(
        "API_BAD_CURSOR",
        "Con trỏ “after” phải là số nguyên không âm, lấy từ trường “next” của lần đọc trước.",
        "The cursor “after” must be a non-negative integer, taken from “next” of the previous answer.",
    ),  # fmt: skip
    _api(
        "API_BAD_IDEMPOTENCY_KEY",
        "Idempotency-Key phải gồm 1–200 ký tự ASCII in được, không có khoảng trắng.",
        "Idempotency-Key must be 1–200 printable ASCII characters without spaces.",
    ),  # fmt: skip
    _api(
        "API_IDEMPOTENCY_CONFLICT",
        "Idempotency-Key đã được dùng cho một hồ sơ khác.",
        "The Idempotency-Key was already used for another dossier.",
        (
            "Dùng một Idempotency-Key mới cho mỗi hồ sơ khác nhau; chỉ dùng lại khóa cũ khi gửi lại đúng tệp cũ.",
            "Use a new Idempotency-Key for each different dossier; reuse a key only to resend the same file.",
        ),
    ),  # fmt: skip
    _api(
        "API_LENGTH_REQUIRED",
        "Cần tiêu đề Content-Length (không nhận kiểu truyền chunked).",
        "A Content-Length header is required (chunked transfer is not accepted).",
    ),  # fmt: skip
    _api("API_BAD_LENGTH", "Tiêu đề Content-Length không hợp lệ.", "The Content-Length header is not valid."),
    _api(
        "API_INCOMPLETE_BODY",
        "Chưa nhận đủ số byte khai báo trong Content-Length (kết nối bị ngắt giữa chừng).",
        "Fewer bytes arrived than Content-Length declares (the upload was cut).",
        _SEND_AGAIN_LATER,
    ),  # fmt: skip
    _api(
        "API_BODY_TOO_LARGE",
        "Nội dung yêu cầu vượt quá dung lượng cho phép.",
        "The request body exceeds the size allowed.",
        _SPLIT,
    ),  # fmt: skip
    _api(
        "API_UNSUPPORTED_MEDIA_TYPE",
        "Kiểu nội dung không được nhận; hồ sơ gửi là tệp XML.",
        "The content type is not accepted; dossiers are sent as XML files.",
        (
            "Gửi tệp XML với Content-Type: application/xml.",
            "Send the XML file with Content-Type: application/xml.",
        ),
    ),  # fmt: skip
    _api(
        "API_NO_DOSSIER",
        "Lần nộp này đã bị từ chối nên không có hồ sơ để bổ sung.",
        "This submission was refused, so there is no dossier to supplement.",
        (
            "Nộp hồ sơ mới (đã sửa theo lý do từ chối) thay vì bổ sung.",
            "File a new, corrected dossier instead of a supplement.",
        ),
    ),  # fmt: skip
    _api(
        "API_INTERNAL_ERROR",
        "Lỗi hệ thống của cổng tiếp nhận; yêu cầu chưa được xử lý.",
        "An internal error of the gateway; the request was not processed.",
        _SEND_AGAIN_LATER,
    ),  # fmt: skip
    _api(
        "API_DATABASE_UNAVAILABLE",
        "Cơ sở dữ liệu của cổng tạm thời không truy cập được; chưa có gì được tiếp nhận.",
        "The gateway's database cannot be reached for the moment; nothing was received.",
        _SEND_AGAIN_LATER,
    ),  # fmt: skip
    _api("HTTP_BAD_REQUEST", "Yêu cầu HTTP không đúng cú pháp.", "The HTTP request is malformed."),
    _api("HTTP_FORBIDDEN", "Yêu cầu bị máy chủ từ chối.", "The server refuses the request."),
    _api(
        "HTTP_URI_TOO_LONG",
        "Dòng yêu cầu (phương thức, đường dẫn và tham số) quá dài.",
        "The request line (method, path and query) is too long.",
    ),  # fmt: skip
    _api(
        "HTTP_EXPECTATION_FAILED",
        "Tiêu đề Expect chỉ nhận giá trị 100-continue.",
        "The Expect header may only be 100-continue.",
    ),  # fmt: skip
    _api(
        "HTTP_HEADERS_TOO_LARGE",
        "Phần tiêu đề của yêu cầu quá lớn.",
        "The request's header fields are too large.",
    ),
    _api(
        "HTTP_TRANSFER_CODING",
        "Kiểu truyền (Transfer-Encoding) này không được hỗ trợ.",
        "This Transfer-Encoding is not supported.",
    ),  # fmt: skip
    _api("PROBLEM_CATEGORY", "Loại vướng mắc không có trong danh mục.", "Unknown problem category."),
    _api(
        "PROBLEM_EMPTY",
        "Vướng mắc cần có tiêu đề và mô tả.",
        "A problem report needs a title and a description.",
    ),
    _api(
        "PROBLEM_TOO_LONG",
        "Tiêu đề hoặc mô tả vướng mắc quá dài.",
        "The problem's title or description is too long.",
    ),
    _api(
        "PROBLEM_DOSSIER_UNKNOWN",
        "Không có hồ sơ số này trong các hồ sơ tổ chức I-VAN đã gửi.",
        "No dossier with this number among those the I-VAN carried.",
        (
            "Ghi số hồ sơ (NNNNN/YYYY/mã cơ quan) của một hồ sơ tổ chức I-VAN đã gửi.",
            "Give the number (NNNNN/YYYY/office) of a dossier the I-VAN carried.",
        ),
    ),  # fmt: skip
    _api(
        "PROBLEM_SUBMISSION_UNKNOWN",
        "Không có lần nộp này trong các lần nộp của tổ chức I-VAN.",
        "No such submission among the I-VAN's.",
        (
            "Ghi mã giao dịch (MaGiaoDich) của một lần nộp tổ chức I-VAN đã gửi.",
            "Give the submission id (MaGiaoDich) of a submission the I-VAN sent.",
        ),
    ),  # fmt: skip
    _api(
        "PROBLEM_EMPTY_REPLY",
        "Nội dung trả lời vướng mắc trống.",
        "The reply is empty.",
        ("Viết nội dung trả lời rồi gửi.", "Write the reply and send it."),
        "desk",
    ),  # fmt: skip
    _api(
        "PROBLEM_STATUS",
        "Trạng thái vướng mắc không có trong danh mục.",
        "Unknown problem status.",
        ("Chọn một trạng thái trong danh sách.", "Choose a status from the list."),
        "desk",
    ),  # fmt: skip
)

declare("api", *CODES)
