"""The I-VAN API, version 1 (mounted at ``/api/v1``).

Receipts are answered as the signed XML the pipeline stored (``application/xml``, bit-identical on every
fetch); everything else is JSON. Every error that is not a receipt has one shape:
``{"code", "message" (Vietnamese), "message_en"}``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from http import HTTPStatus
from pathlib import Path
from uuid import UUID

import ninja
from django.core.exceptions import DisallowedHost, RequestDataTooBig, SuspiciousOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views import defaults
from ninja import Header, NinjaAPI, Query
from ninja import Status as Answer
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from hoso import csp
from hoso.api.auth import IvanAuth
from hoso.api.errors import INTAKE_STATUS, PROBLEM_STATUS, ApiError, not_found
from hoso.api.schemas import (
    FeedOut,
    PingOut,
    RegistrationOut,
    SubmissionList,
    SubmissionOut,
    error_responses,
)
from hoso.dossier.envelope import ENVELOPE_ROOT
from hoso.errors import CodedError
from hoso.intake.registration import ROOT as REGISTRATION_ROOT
from hoso.reports.api import router as problems_router
from hoso.serving import LIMIT_REQUEST_FIELD_SIZE, LIMIT_REQUEST_FIELDS, LIMIT_REQUEST_LINE

logger = logging.getLogger(__name__)
XML_TYPES = ("application/xml", "text/xml")  # the request bodies' media types, as the OpenAPI document says
FEED_MAX = 1000
# A registration refused only because its signer's revocation status is unknown is not held (dossiers and
# supplements are: hoso.intake.pending); the answer says when sending the same file again makes sense.
REVOCATION_RETRY_SECONDS = 300
# Patterns of parameters: django-ninja checks them and writes them into the OpenAPI document (ASCII classes
# only, so that they mean the same to every regular-expression dialect a client may check them with).
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"  # 1-200 printable ASCII characters, no space
# A feed position: the `next` of the previous answer, or 0. An audit-chain event's position is its sequence;
# the decision on a held submission that was refused (no dossier, so no chain event) sits after the chain
# event it followed: `<sequence>.<n>` (hoso.intake.models.DecisionEvent).
CURSOR_PATTERN = r"^[0-9]{1,18}(\.[0-9]{1,18})?$"

DESCRIPTION = """\
Giao diện cho tổ chức I-VAN gửi hồ sơ điện tử đến cổng hoso của cơ quan BHXH, nhận thông báo tiếp nhận có
chữ ký số, theo dõi trạng thái hồ sơ và đăng ký giao dịch điện tử (mẫu 04/ĐK-IVAN).

The API through which an I-VAN provider files signed electronic dossiers with the social-insurance office,
receives signed receipts (`ThongBaoTiepNhan`), follows its dossiers through an ordered event feed and files
registrations for electronic transactions. Authenticate with `Authorization: Bearer <key>` (the office
issues the key with `hoso ivan add <I-VAN code>`). Errors other than receipts are JSON
`{"code", "message", "message_en"}`. See docs/ivan-guide.md.
"""


class Renderer(JSONRenderer):
    """JSON with Vietnamese text as text, not escapes."""

    json_dumps_params = {"ensure_ascii": False}


#: What an error answer means, whichever operation gives it (the descriptions of the OpenAPI document's
#: error responses; the codes an operation adds are in its own description and in docs/ivan-guide.md).
ERROR_DESCRIPTIONS = {
    400: "Bad Request: a parameter or the body is not valid (`API_INVALID_REQUEST`, or a code of the "
    "operation), or the HTTP request cannot be read (`HTTP_BAD_REQUEST`, `API_HOST_NOT_ALLOWED`)",
    401: "Unauthorized: the API key is missing, malformed, unknown or revoked (`API_AUTH_…`)",
    403: "Forbidden: the key's I-VAN is marked inactive (`API_IVAN_INACTIVE`)",
    404: "Not Found: no such id among this I-VAN's (`API_NOT_FOUND`, `PROBLEM_…_UNKNOWN`)",
    409: "Conflict: see the operation's description",
    411: "Length Required: a chunked upload without `Content-Length` (`API_LENGTH_REQUIRED`)",
    413: "Content Too Large: the body is over the size limit, refused before it is read "
    "(`INTAKE_TOO_LARGE`, `API_BODY_TOO_LARGE`)",
    414: f"URI Too Long: the request line is over {LIMIT_REQUEST_LINE} bytes (`HTTP_URI_TOO_LONG`)",
    415: "Unsupported Media Type: not `application/xml` or `text/xml` (`API_UNSUPPORTED_MEDIA_TYPE`), or "
    "the bytes are not XML (`INTAKE_NOT_XML`)",
    417: "Expectation Failed: an `Expect` header other than `100-continue` (`HTTP_EXPECTATION_FAILED`)",
    422: "Refused with its coded reason (see the operation's description)",
    429: "Too Many Requests: over the I-VAN's rate limit (`API_RATE_LIMITED`, with `Retry-After`)",
    431: f"Request Header Fields Too Large: over {LIMIT_REQUEST_FIELDS} header fields, or one over "
    f"{LIMIT_REQUEST_FIELD_SIZE} bytes (`HTTP_HEADERS_TOO_LARGE`)",
    500: "Internal Server Error: a fault of the gateway, nothing was processed; sending again is safe "
    "(`API_INTERNAL_ERROR`)",
    501: "Not Implemented: a `Transfer-Encoding` the server does not know (`HTTP_TRANSFER_CODING`)",
    503: "Service Unavailable: the received bytes could not be stored (`BLOB_WRITE_FAILED`), or the "
    "database cannot be reached for the moment (`API_DATABASE_UNAVAILABLE`, with `Retry-After`); nothing "
    "was acknowledged, send again later",
}


class Api(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """django-ninja's document, each error response described by what it means."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation["responses"].items():
                    content = answer.get("content", {}).get("application/json", {})
                    if content.get("schema", {}).get("$ref", "").endswith("/ErrorOut"):
                        answer["description"] = ERROR_DESCRIPTIONS.get(int(status), answer["description"])
        return schema


api = Api(
    title="hoso — I-VAN API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    renderer=Renderer(),
    auth=IvanAuth(),
    docs_url=None,  # served by hoso.api.urls from the package's own files (no CDN)
)

ERRORS = error_responses()

# Problem reports (vướng mắc) to the IT department: POST /api/v1/problems, GET /api/v1/problems/{id}
# (hoso.reports owns them; mounted here so that they share the I-VAN's key, rate limit and error shape).
api.add_router("", problems_router)


# --- errors -------------------------------------------------------------------------------------------


def error_response(request: HttpRequest, error: CodedError, status: int, headers=None) -> HttpResponse:
    response = api.create_response(request, error.as_dict(), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(request, exc, exc.status, exc.headers)


@api.exception_handler(CodedError)
def _coded_error(request, exc: CodedError):
    return error_response(request, exc, INTAKE_STATUS.get(exc.code) or PROBLEM_STATUS.get(exc.code, 400))


#: Parameters whose refusal keeps a code of its own (the code integrators knew before the OpenAPI document
#: carried the parameter's pattern and django-ninja checked it).
PARAMETER_ERRORS = {
    ("header", "Idempotency-Key"): (
        "API_BAD_IDEMPOTENCY_KEY",
        "Idempotency-Key phải gồm 1–200 ký tự ASCII in được, không có khoảng trắng.",
        "Idempotency-Key must be 1–200 printable ASCII characters without spaces.",
    ),
    ("query", "after"): (
        "API_BAD_CURSOR",
        "Con trỏ “after” phải là 0 hoặc giá trị “next” của lần đọc trước (một số nguyên không âm, hoặc hai "
        "số nối bằng dấu chấm).",
        "The cursor “after” must be 0 or the “next” of the previous answer (a non-negative integer, or two "
        "joined by a dot).",
    ),
}


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = json.loads(json.dumps(exc.errors, default=str))
    places = {tuple(e.get("loc", ())[:2]) for e in exc.errors}
    if len(places) == 1 and (own := PARAMETER_ERRORS.get(places.pop())):
        return error_response(request, CodedError(*own, errors=errors), 400)
    fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) or "?" for e in exc.errors)
    return error_response(
        request,
        CodedError(
            "API_INVALID_REQUEST",
            f"Yêu cầu không hợp lệ (tham số: {fields}).",
            f"The request is not valid (parameters: {fields}).",
            errors=errors,
        ),
        400,
    )


@api.exception_handler(RequestDataTooBig)
def _body_too_large(request, exc):
    """A JSON body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (XML bodies are measured before they are
    read, see _read_xml_body)."""
    return error_response(
        request,
        CodedError(
            "API_BODY_TOO_LARGE",
            "Nội dung yêu cầu vượt quá dung lượng cho phép.",
            "The request body exceeds the size allowed.",
        ),
        413,
    )


@api.exception_handler(SuspiciousOperation)
def _suspicious(request, exc):
    return bad_request(request, exc)


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    return error_response(
        request, CodedError("API_AUTH_MISSING", "Chưa xác thực.", "Not authenticated."), 401
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, not_found("Không tìm thấy.", "Not found."), 404)


@api.exception_handler(Exception)
def _unexpected(request, exc: Exception):
    """A fault of the gateway: logged with its traceback, answered in the one error shape. The database
    out of reach (restarting, failing over, its pooler refusing logins for a moment) is no fault of the
    request: 503 with Retry-After, which a client's retry loop understands."""
    if _database_unreachable(exc):
        logger.warning("I-VAN API: database unavailable on %s %s: %s", request.method, request.path, exc)
        response = error_response(
            request,
            CodedError(
                "API_DATABASE_UNAVAILABLE",
                "Cơ sở dữ liệu của cổng tạm thời không truy cập được; yêu cầu chưa được xử lý, không có gì "
                "được tiếp nhận. Vui lòng gửi lại sau ít phút: gửi lại cùng tệp là an toàn.",
                "The gateway's database cannot be reached for the moment; the request was not processed and "
                "nothing was acknowledged. Send it again in a few minutes: resending the same file is safe.",
            ),
            503,
        )
        response["Retry-After"] = "30"
        return response
    logger.exception("I-VAN API: unexpected error on %s %s", request.method, request.path)
    return _unexpected_answer(request)


def _database_unreachable(exc: Exception) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def _unexpected_answer(request) -> HttpResponse:
    return error_response(
        request,
        CodedError(
            "API_INTERNAL_ERROR",
            "Lỗi hệ thống của cổng tiếp nhận; yêu cầu chưa được xử lý. Vui lòng gửi lại sau, "
            "gửi lại cùng tệp hoặc cùng Idempotency-Key là an toàn.",
            "An internal error of the gateway; the request was not processed. Send it again later: "
            "resending the same file or the same Idempotency-Key is safe.",
        ),
        500,
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    status = exc.status_code
    code = "API_NOT_FOUND" if status == 404 else f"API_HTTP_{status}"
    return error_response(request, CodedError(code, str(exc), f"{HTTPStatus(status).phrase}: {exc}"), status)


# --- helpers ------------------------------------------------------------------------------------------


def _xml(body: bytes, status: int, headers=None) -> HttpResponse:
    response = HttpResponse(bytes(body), status=status, content_type="application/xml; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _signed_document(request: HttpRequest, body: bytes, sha256: str, status: int = 200, headers=None):
    """A stored signed document (receipt, result): its SHA-256 is its ETag, and a request whose
    ``If-None-Match`` names it gets 304 with no body (the bytes never change, so the client's copy is it)."""
    etag = f'"{sha256}"'
    headers = {**(headers or {}), "ETag": etag, "Cache-Control": "private, no-cache"}
    if status == 200 and _etag_matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponse(status=304)
        for name, value in headers.items():
            response[name] = value
        return response
    return _xml(body, status, headers)


def _etag_matches(header: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: ``*`` or any listed entity tag, weak comparison (``W/`` ignored)."""
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def _labels(status: str) -> tuple[str, str]:
    from hoso.workflow.states import Status

    try:
        choice = Status(status)
    except ValueError:
        return status, status
    with translation.override("vi"):
        vi = str(choice.label)
    with translation.override("en"):
        en = str(choice.label)
    return vi, en


def _local(moment):
    """Times are answered in Hanoi time with their offset (ISO 8601, +07:00)."""
    return timezone.localtime(moment) if moment is not None else None


def _event(event, public_id) -> dict:
    """An audit-chain event as the I-VAN sees it (hoso.api.feed_events: no officer's log-in name, the
    addresses of the signed documents it may fetch)."""
    from hoso.api.feed_events import public_data, public_note

    return {
        "position": str(event.sequence),
        "sequence": event.sequence,
        "dossier_id": public_id,
        "dossier_number": event.dossier.number,
        "kind": event.kind,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "at": _local(event.at),
        "note": public_note(event),
        "data": public_data(event, f"{_root()}dossiers/{public_id}"),
    }


def _submission(request: HttpRequest, submission, *, with_events: bool = True) -> dict:
    dossier = submission.dossier
    info, events = None, []
    if dossier is not None:
        vi, en = _labels(dossier.status)
        info = {
            "number": dossier.number,
            "national_code": dossier.national_code,
            "status": dossier.status,
            "status_label": vi,
            "status_label_en": en,
            "status_changed_at": _local(dossier.status_changed_at),
            "due_date": dossier.due_date,
            "received_at": _local(dossier.received_at),
            "office": dossier.office_id,
            "procedure": dossier.procedure.code,
            "department": dossier.department_id,
            "unit": dossier.unit_id,
            "commune": dossier.commune_id,
            "period": dossier.period,
        }
        if with_events:
            events = [_event(e, submission.public_id) for e in dossier.events.order_by("sequence")]
    return {
        "id": submission.public_id,
        "received_at": _local(submission.received_at),
        "channel": submission.channel,
        "outcome": submission.outcome,
        "sha256": submission.sha256,
        "size": submission.size,
        "reasons": submission.reasons,
        "receipt_url": f"{_root()}dossiers/{submission.public_id}/receipt",
        "dossier": info,
        "events": events,
    }


def _root() -> str:
    return "/api/v1/"


def _own_submission(request: HttpRequest, submission_id: UUID):
    """The submission with this public id, if this I-VAN carried it (404 otherwise: no hint that it
    exists for someone else)."""
    from hoso.intake.models import Submission

    submission = (
        Submission.objects.select_related("dossier", "dossier__procedure")
        .filter(public_id=submission_id, ivan=request.auth)
        .first()
    )
    if submission is None:
        raise not_found(
            f"Không tìm thấy hồ sơ {submission_id} do I-VAN {request.auth.code} gửi.",
            f"No dossier {submission_id} sent by I-VAN {request.auth.code}.",
        )
    return submission


def _read_xml_body(request: HttpRequest) -> bytes:
    """The request body, refused (413) from its declared length before it is read, and refused (415)
    unless declared as XML."""
    from hoso.intake.pipeline import max_upload_bytes

    length = request.META.get("CONTENT_LENGTH") or ""
    if not length.strip():
        if request.META.get("HTTP_TRANSFER_ENCODING"):
            raise ApiError(
                411,
                "API_LENGTH_REQUIRED",
                "Cần tiêu đề Content-Length (không nhận kiểu truyền chunked).",
                "A Content-Length header is required (chunked transfer is not accepted).",
            )
        length = "0"
    try:
        size = int(length)
    except ValueError as exc:
        raise ApiError(
            400, "API_BAD_LENGTH", "Content-Length không hợp lệ.", "Invalid Content-Length."
        ) from exc
    limit = max_upload_bytes()
    if size > limit:
        raise ApiError(
            413,
            "INTAKE_TOO_LARGE",
            f"Hồ sơ ({size} byte) vượt quá dung lượng tối đa {limit // (1024 * 1024)} MB.",
            f"The dossier ({size} bytes) exceeds the maximum size of {limit // (1024 * 1024)} MB.",
            limit=limit,
        )
    media = (request.content_type or "").split(";")[0].strip().lower()
    if media not in XML_TYPES:
        raise ApiError(
            415,
            "API_UNSUPPORTED_MEDIA_TYPE",
            f"Kiểu nội dung “{media or '(không có)'}” không được nhận; gửi tệp XML với Content-Type: application/xml.",
            f"Content type “{media or '(none)'}” is not accepted; send the XML file with Content-Type: application/xml.",
        )
    raw = request.body
    if len(raw) < size:
        # The client stopped sending (a cut upload): these are not the bytes it meant to file, so they are
        # neither judged nor recorded (the WSGI server hands over the short body without complaint).
        raise ApiError(
            400,
            "API_INCOMPLETE_BODY",
            f"Chỉ nhận được {len(raw)} trên {size} byte khai báo trong Content-Length (kết nối bị ngắt "
            "giữa chừng); hồ sơ chưa được tiếp nhận, vui lòng gửi lại.",
            f"Only {len(raw)} of the {size} bytes declared in Content-Length arrived (the upload was cut); "
            "nothing was received, send it again.",
        )
    return raw


def _xml_body(root: str | None, what: str) -> dict:
    """The request body of an operation that takes an XML file, for the OpenAPI document: an XML document
    (`Content-Type: application/xml` or `text/xml`) whose root element is ``root``. Bytes that are not
    XML are refused before anything else (415); what the document says is judged by the operation, which
    answers a refusal with its coded reasons (422) — no schema can say "signed with a registered
    certificate"."""
    schema: dict = {"type": "object", "description": what}
    if root:
        schema["xml"] = {"name": root}
    return {
        "requestBody": {
            "required": True,
            "description": what,
            "content": {media: {"schema": schema} for media in XML_TYPES},
        }
    }


RETRY_AFTER_HEADER = {
    "description": "Seconds until the held document's next scheduled check",
    "schema": {"type": "integer", "minimum": 1},
}
SUPPLEMENT_ID_HEADER = {
    "description": "The held supplement's id",
    "schema": {"type": "string", "format": "uuid"},
}


def _xml_responses(headers: dict | None = None, **codes: str) -> dict:
    """Receipt answers for the OpenAPI document: ``r201="…"`` and the like; ``headers``: by status, the
    headers an answer carries."""
    return {
        "responses": {
            str(code.removeprefix("r")): {
                "description": text,
                **(
                    {}
                    if code == "r304"  # Not Modified: no body
                    else {"content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}}}
                ),
                **(
                    {"headers": headers[code.removeprefix("r")]}
                    if code.removeprefix("r") in (headers or {})
                    else {}
                ),
            }
            for code, text in codes.items()
        }
    }


# --- dossiers -----------------------------------------------------------------------------------------


@api.post(
    "/dossiers",
    response=error_responses(409, 411, 413, 415, 503),
    summary="Nộp hồ sơ điện tử (submit a signed dossier envelope)",
    tags=["dossiers"],
    openapi_extra={
        **_xml_body(
            ENVELOPE_ROOT,
            "The envelope BHXHDienTu.xml (root element `Hoso`), its forms signed first, then the envelope, "
            "by the unit's registered certificate.",
        ),
        **_xml_responses(
            r201="Accepted: the signed receipt (ThongBaoTiepNhan) with the dossier number",
            r200="A repeat of an accepted dossier (same bytes from this I-VAN, same Idempotency-Key, or the "
            "same signed content — forms, unit, procedure, period — under other envelope bytes): the original "
            "receipt",
            r202="Held (pending): the only problem is that a signing certificate's revocation status cannot be "
            "determined yet (`SIG_TRY_LATER`). The signed pending acknowledgement (`KetQua/Ma = CHO_KIEM_TRA`, "
            "no `SoHoSo`); the reception time is fixed now. The gateway checks again by itself and the decision "
            "— the numbered receipt, time limits counted from this reception time, or a refusal — reaches the "
            "feed; do not send again. A repeat while it is held gets the same acknowledgement (202), once "
            "decided the final answer. `Retry-After`: seconds until the next scheduled check (a hint for "
            "polling `GET /dossiers/{id}`)",
            r422="Refused: the signed refusal receipt with coded reasons. A repeat of a refusal that is final "
            "for those bytes gets the same receipt, byte for byte; after a refusal the office or the unit can "
            "remove (`INTAKE_CERTIFICATE_NOT_REGISTERED`, `SIG_NO_CERTIFICATE_CHAIN_FOUND` …: see the retry "
            "table of docs/ivan-guide.md) the same bytes are judged again",
            headers={"202": {"Retry-After": RETRY_AFTER_HEADER}},
        ),
    },
)
def submit_dossier(
    request: HttpRequest,
    key: str = Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="A key of the I-VAN's choice (1–200 printable ASCII characters, no space): a second "
        "request with the same key gets the first receipt.",
    ),
):
    """Submit the signed envelope `BHXHDienTu.xml` as the request body (`Content-Type: application/xml`).

    **201** accepted, **422** refused, **202** held pending a revocation check (each with its signed
    receipt); a repeat gets the first answer again, the original receipt with **200** when it was accepted,
    **422** when it was refused (final for those bytes) and **202** while it is held. Headers: `Location`
    (the dossier's status), `X-Submission-Id`, `X-Outcome`, `X-Dossier-Number`, `Retry-After` (202 only)."""
    from hoso.intake.pipeline import IntakeError, receive

    raw = _read_xml_body(request)
    try:
        reception = receive(
            raw,
            channel="electronic",
            ivan=request.auth,
            idempotency_key=key,
            content_type=request.content_type or "application/xml",
        )
    except IntakeError as error:
        raise ApiError(
            INTAKE_STATUS.get(error.code, 400), error.code, error.message_vi, error.message_en
        ) from error
    submission = reception.submission
    if (
        reception.outcome == "repeat"
        and key is not None
        and submission.idempotency_key == key
        and submission.sha256 != hashlib.sha256(raw).hexdigest()
    ):
        raise ApiError(
            409,
            "API_IDEMPOTENCY_CONFLICT",
            f"Idempotency-Key “{key}” đã được dùng cho một hồ sơ khác (mã giao dịch {submission.public_id}).",
            f"Idempotency-Key “{key}” was already used for another dossier (submission {submission.public_id}).",
        )
    headers = {
        "Location": f"{_root()}dossiers/{submission.public_id}",
        "X-Submission-Id": str(submission.public_id),
        "X-Outcome": submission.outcome,
    }
    if submission.dossier_id:
        headers["X-Dossier-Number"] = submission.dossier.number
    if submission.outcome == "pending":
        from hoso.intake.pending import retry_after_seconds

        headers["Retry-After"] = str(retry_after_seconds(submission))
    return _xml(reception.receipt_xml, receipt_status(reception.outcome, submission.outcome), headers)


def receipt_status(reception: str, outcome: str) -> int:
    """The HTTP status of a receipt answer, which alone tells what happened: 201 accepted, 422 refused, 202
    held pending; a repeat gets its first answer's — 200 for an acceptance (never a second dossier), 422
    for a refusal (never a success the second time), 202 while held."""
    if reception == "repeat" and outcome == "accepted":
        return 200
    return {"accepted": 201, "refused": 422, "pending": 202}[outcome]


@api.get(
    "/dossiers",
    response={200: SubmissionList, **ERRORS},
    summary="Tìm hồ sơ theo số (find dossiers by number)",
    tags=["dossiers"],
)
def list_dossiers(request: HttpRequest, number: str | None = None, limit: int = Query(50, ge=1, le=500)):
    """This I-VAN's submissions, newest first; `number` finds the one with that dossier number
    (e.g. `00001/2026/00105`)."""
    from hoso.intake.models import Submission

    rows = Submission.objects.select_related("dossier", "dossier__procedure").filter(ivan=request.auth)
    if number:
        rows = rows.filter(dossier__number=number.strip())
    return {
        "items": [
            _submission(request, s, with_events=bool(number)) for s in rows.order_by("-received_at")[:limit]
        ]
    }


@api.get(
    "/dossiers/{submission_id}",
    response={200: SubmissionOut, **error_responses(404)},
    summary="Trạng thái và lịch sử hồ sơ (status and history)",
    tags=["dossiers"],
)
def get_dossier(request: HttpRequest, submission_id: UUID):
    """The submission (by the id of its receipt, `MaGiaoDich`), its dossier, status and every event."""
    return _submission(request, _own_submission(request, submission_id))


@api.get(
    "/dossiers/{submission_id}/receipt",
    response=error_responses(404),
    summary="Thông báo tiếp nhận (the signed receipt, again)",
    tags=["dossiers"],
    openapi_extra=_xml_responses(
        r200="The signed receipt, bit-identical to the one first answered",
        r304="Not Modified: `If-None-Match` names this receipt's ETag (its SHA-256)",
    ),
)
def get_receipt(request: HttpRequest, submission_id: UUID):
    """The signed receipt, byte for byte the one first answered. `ETag` is the receipt's SHA-256; a
    request with `If-None-Match` naming it gets 304 and no body."""
    submission = _own_submission(request, submission_id)
    from hoso.intake.receipts import ensure_receipt

    receipt = ensure_receipt(submission)
    return _signed_document(request, receipt, submission.receipt_sha256)


@api.get(
    "/dossiers/{submission_id}/supplements/{supplement_id}/receipt",
    response=error_responses(404),
    summary="Thông báo tiếp nhận hồ sơ bổ sung (a supplement's signed receipt, again)",
    tags=["dossiers"],
    openapi_extra=_xml_responses(
        r200="The supplement's signed receipt, bit-identical to the one first answered",
        r304="Not Modified: `If-None-Match` names this receipt's ETag (its SHA-256)",
    ),
)
def get_supplement_receipt(request: HttpRequest, submission_id: UUID, supplement_id: UUID):
    """The signed receipt of a supplement recorded on this dossier (`MaGiaoDich` = the supplement's id,
    `X-Supplement-Id` of the answer that received it), byte for byte the one first answered. `ETag` is the
    receipt's SHA-256; `If-None-Match` with it answers 304."""
    from hoso.intake.models import SupplementReceipt

    submission = _own_submission(request, submission_id)
    receipt = SupplementReceipt.objects.filter(
        dossier_id=submission.dossier_id, public_id=supplement_id
    ).first()
    if submission.dossier_id is None or receipt is None:
        raise not_found(
            f"Không tìm thấy hồ sơ bổ sung {supplement_id} của hồ sơ {submission_id}.",
            f"No supplement {supplement_id} of dossier {submission_id}.",
        )
    return _signed_document(request, bytes(receipt.receipt_xml), receipt.receipt_sha256)


@api.get(
    "/dossiers/{submission_id}/result",
    response=error_responses(404),
    summary="Kết quả giải quyết hồ sơ (the signed result document)",
    tags=["dossiers"],
    openapi_extra=_xml_responses(
        r200="The signed result document `KetQuaHoSo` (its SHA-256 is the feed's `result_sha256`)",
        r304="Not Modified: `If-None-Match` names this document's ETag (its SHA-256)",
    ),
)
def get_result(request: HttpRequest, submission_id: UUID):
    """The result of the dossier as the office recorded it: the XML `KetQuaHoSo` signed by the gateway
    (dossier number, procedure, office, the department that settled it, time, note, each document's name,
    type, size and SHA-256, and for the under-6 list each child's health-card code). Its SHA-256 is the
    `result_sha256` of the feed's `result` event, which links here (`data.result_url`). **404** until a
    result is recorded, and for a dossier another I-VAN carried. `ETag` / `If-None-Match` → 304."""
    from hoso.workflow.models import Result

    submission = _own_submission(request, submission_id)
    result = (
        Result.objects.filter(dossier_id=submission.dossier_id).first() if submission.dossier_id else None
    )
    if result is None:
        raise not_found(
            f"Hồ sơ {submission_id} chưa có kết quả giải quyết.",
            f"Dossier {submission_id} has no result yet.",
        )
    return _signed_document(request, bytes(result.signed_xml), result.signed_sha256)


@api.post(
    "/dossiers/{submission_id}/supplements",
    response=error_responses(404, 409, 411, 413, 415, 422, 503),
    summary="Nộp hồ sơ bổ sung (answer a supplement request)",
    tags=["dossiers"],
    openapi_extra={
        **_xml_body(
            None,
            "The supplement: an envelope made with `hoso pack`, or a single signed form, signed by the "
            "dossier's submitter with its registered certificate.",
        ),
        **_xml_responses(
            r201="Received: the supplement's signed receipt (`ThongBaoTiepNhan`, `KetQua/Ma = TIEP_NHAN`, "
            "`MaGiaoDich` the supplement's id, `SoHoSo` the dossier's number, `NgayHenTra` the new due date, "
            "`SHA256HoSo` the supplement's bytes)",
            r200="A repeat of a received supplement (the same bytes): its first receipt, byte for byte",
            r202="Held (pending): a signer's revocation status cannot be determined yet; the signed pending "
            "acknowledgement (`KetQua/Ma = CHO_KIEM_TRA`, `SoHoSo` the dossier's number, `MaGiaoDich` the "
            "supplement's id). The decision reaches the feed; do not send again",
            headers={
                "201": {"X-Supplement-Id": SUPPLEMENT_ID_HEADER},
                "202": {"Retry-After": RETRY_AFTER_HEADER, "X-Supplement-Id": SUPPLEMENT_ID_HEADER},
            },
        ),
    },
)
def submit_supplement(request: HttpRequest, submission_id: UUID):
    """Answer a supplement request (event `supplement_requested` in the feed) with an XML file signed by
    the dossier's submitter with its registered certificate (an envelope or a single signed form).
    **201** and the supplement's signed receipt (`X-Supplement-Id`; fetch it again at
    `/dossiers/{id}/supplements/{supplement_id}/receipt`); **200** and the same receipt when the same bytes
    were already received as a supplement of this dossier (a repeat: nothing is recorded twice); **409**
    when no supplement is awaited; **422** when the file, a signature or a signer is not acceptable: the
    checks every signed document goes through (`XML_…`, `SIG_…`, `INTAKE_SIGNER_TAX_CODE`,
    `INTAKE_CERTIFICATE_NOT_REGISTERED`, `INTAKE_FORM_SIGNER_NOT_UNIT`, `INTAKE_FORM_UNIT_MISMATCH`), or
    when an envelope names another unit, procedure or period than the dossier's
    (`INTAKE_SUPPLEMENT_UNIT_MISMATCH`, `INTAKE_SUPPLEMENT_PROCEDURE_MISMATCH`,
    `INTAKE_SUPPLEMENT_PERIOD_MISMATCH`).
    **202** when a signer's revocation status is the only problem: the supplement is held as a dossier is
    (a signed pending acknowledgement, `X-Supplement-Id`, `Retry-After`); once decided it is recorded at
    its reception time (the feed's `supplement_received`) or refused (the feed's `supplement_refused`)."""
    from hoso.intake.front import IntakeError, Refusal
    from hoso.intake.supplement import receive_supplement
    from hoso.workflow.services import TransitionError

    submission = _own_submission(request, submission_id)
    if submission.dossier is None and submission.outcome == "pending":
        raise ApiError(
            409,
            "API_NO_DOSSIER",
            "Hồ sơ này đang chờ kiểm tra tình trạng thu hồi chứng thư số, chưa có số hồ sơ nên chưa thể bổ "
            "sung; theo dõi dòng sự kiện để biết kết quả.",
            "This submission is held pending a revocation check and has no dossier yet, so it cannot be "
            "supplemented; follow the event feed for the decision.",
        )
    if submission.dossier is None:
        raise ApiError(
            409,
            "API_NO_DOSSIER",
            "Hồ sơ này đã bị từ chối tiếp nhận nên không có hồ sơ để bổ sung; hãy nộp hồ sơ mới.",
            "This submission was refused, so there is no dossier to supplement; file a new dossier.",
        )
    raw = _read_xml_body(request)
    try:
        reception = receive_supplement(
            submission.dossier,
            raw,
            ivan=request.auth,
            content_type=request.content_type or "application/xml",
        )
    except IntakeError as error:
        raise ApiError(
            INTAKE_STATUS.get(error.code, 400), error.code, error.message_vi, error.message_en
        ) from error
    except Refusal as refusal:
        first = refusal.reasons[0]
        raise ApiError(422, first.code, first.message, first.message_en) from refusal
    except TransitionError as error:
        raise ApiError(409, error.code, error.message_vi, error.message_en) from error
    if reception.outcome == "pending":
        from hoso.intake.pending import retry_after_seconds

        held = reception.held
        headers = {
            "Location": f"{_root()}dossiers/{submission.public_id}",
            "X-Supplement-Id": str(held.public_id),
            "X-Outcome": "pending",
            "Retry-After": str(retry_after_seconds(held)),
        }
        return _xml(bytes(held.acknowledgement_xml), 202, headers)
    receipt = reception.receipt
    headers = {
        "Location": f"{_root()}dossiers/{submission.public_id}/supplements/{receipt.public_id}/receipt",
        "X-Supplement-Id": str(receipt.public_id),
        "X-Outcome": "accepted",
        "X-Dossier-Number": submission.dossier.number,
    }
    status = 200 if reception.outcome == "repeat" else 201
    return _signed_document(request, bytes(receipt.receipt_xml), receipt.receipt_sha256, status, headers)


# --- a check of the key -------------------------------------------------------------------------------


@api.get(
    "/ping", response={200: PingOut, **ERRORS}, summary="Kiểm tra khoá API (check the key)", tags=["access"]
)
def ping(request: HttpRequest):
    """Answers who the key belongs to and the gateway's time; touches no dossier (also the no-op that
    bench/intake.py measures as the framework floor)."""
    return {"ivan": request.auth.code, "name": request.auth.name, "time": timezone.localtime()}


# --- the feed -----------------------------------------------------------------------------------------


@api.get(
    "/feed",
    response={200: FeedOut, **ERRORS},
    summary="Dòng sự kiện của hồ sơ (ordered event feed)",
    tags=["feed"],
)
def feed(
    request: HttpRequest,
    after: str = Query(
        "0",
        pattern=CURSOR_PATTERN,
        description="`0`, or the `next` of the previous answer: an event's `position` (digits, or two "
        "numbers joined by a dot).",
    ),
    limit: int = Query(100, ge=1, le=FEED_MAX),
):
    """The events of this I-VAN's dossiers (received, status changes, supplement requests, results) and
    the refusals of its held submissions (`refused`), in the order they happened, after the cursor
    `after`. Keep the `next` cursor of each answer and pass it as `after` next time: nothing is missed and
    nothing repeats. Start with `after=0`."""
    from django.db.models import Q

    from hoso.intake.models import DecisionEvent
    from hoso.workflow.models import DossierEvent

    sequence, _, n = after.partition(".")
    sequence, n = int(sequence), int(n or 0)
    chain = (
        DossierEvent.objects.select_related(
            "dossier", "dossier__submission", "dossier__department", "dossier__office"
        )
        .filter(dossier__ivan=request.auth, sequence__gt=sequence)
        .order_by("sequence")[: limit + 1]
    )
    decisions = (
        DecisionEvent.objects.select_related("submission", "submission__dossier")
        .filter(Q(after_sequence__gt=sequence) | Q(after_sequence=sequence, pk__gt=n), ivan=request.auth)
        .order_by("after_sequence", "pk")[: limit + 1]
    )
    rows = sorted(
        [((e.sequence, 0), e) for e in chain] + [((d.after_sequence, d.pk), d) for d in decisions],
        key=lambda row: row[0],
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    events = [
        _decision_event(row) if isinstance(row, DecisionEvent) else _chain_event(row) for _key, row in rows
    ]
    return {"events": events, "next": events[-1]["position"] if events else after, "has_more": has_more}


def _chain_event(event) -> dict:
    return _event(event, getattr(getattr(event.dossier, "submission", None), "public_id", None))


def _decision_event(decision) -> dict:
    """The refusal of a held document without a chain event: a dossier (`refused`: no dossier, `data` has
    the reasons' codes and the refusal receipt's address) or a supplement (`supplement_refused`: `data`
    has the supplement's id and the reasons). `dossier_id` is the submission's id, as for every event."""
    submission = decision.submission
    refused = decision.kind == "refused"
    data = dict(decision.data)
    if refused:
        data["receipt_url"] = f"{_root()}dossiers/{submission.public_id}/receipt"
    return {
        "position": f"{decision.after_sequence}.{decision.pk}",
        "sequence": decision.after_sequence,
        "dossier_id": submission.public_id,
        "dossier_number": submission.dossier.number if submission.dossier_id else "",
        "kind": decision.kind,
        "from_status": "pending" if refused else "",
        "to_status": "refused" if refused else "",
        "at": _local(decision.at),
        "note": "",
        "data": data,
    }


# --- registrations ------------------------------------------------------------------------------------


@api.post(
    "/registrations",
    response={200: RegistrationOut, 201: RegistrationOut, **error_responses(411, 413, 415, 422, 503)},
    summary="Đăng ký giao dịch điện tử (registration, form 04/ĐK-IVAN)",
    tags=["registrations"],
    openapi_extra=_xml_body(
        REGISTRATION_ROOT,
        "The registration `DangKyGiaoDichDienTu` (form 04/ĐK-IVAN) signed by the unit with the "
        "certificate it registers (see docs/ivan-guide.md).",
    ),
)
def register(request: HttpRequest):
    """File a registration for electronic transactions: the XML `DangKyGiaoDichDienTu` (see
    docs/ivan-guide.md) signed by the unit with the certificate it registers. **201** recorded, **200**
    already recorded, **422** refused with a coded reason (`REG_SIGNATURE_INVALID` with `Retry-After` and
    `details.signature_code` `TRY_LATER` when the signer's revocation status is unknown for the moment:
    nothing is recorded, send the same file again)."""
    from hoso.intake.registration import RegistrationError, receive_registration

    raw = _read_xml_body(request)
    try:
        outcome = receive_registration(raw, ivan=request.auth)
    except RegistrationError as error:
        unknown = error.details.get("signature_code") in ("TRY_LATER", "PART_TRY_LATER")
        headers = {"Retry-After": str(REVOCATION_RETRY_SECONDS)} if unknown else None
        raise ApiError(
            422, error.code, error.message_vi, error.message_en, headers=headers, **error.details
        ) from error
    return Answer(201 if outcome.created else 200, outcome.as_dict())


# --- the docs page (Swagger UI from the package's own files: no CDN) -----------------------------------

DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
    "favicon.png": "image/png",
}
DOCS_HTML = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>hoso — I-VAN API</title>
<link rel="stylesheet" href="docs/swagger-ui.css"><link rel="icon" href="docs/favicon.png"></head>
<body><div id="swagger-ui"></div><script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script></body></html>"""
# No validator badge: Swagger UI would load it from validator.swagger.io (no other site: hoso.csp).
DOCS_INIT = """window.ui = SwaggerUIBundle(\
{url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null});"""


def docs_page(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(DOCS_HTML, content_type="text/html; charset=utf-8")
    response[csp.HEADER] = csp.DOCS_PAGE_POLICY  # the pages' policy, and Swagger UI's data: icons
    return response


def docs_asset(request: HttpRequest, name: str) -> HttpResponse:
    if name == "init.js":
        return HttpResponse(DOCS_INIT, content_type="application/javascript")
    if name not in DOCS_ASSETS:
        return unknown_path(request, f"docs/{name}")
    path = Path(ninja.__file__).parent / "static" / "ninja" / name
    response = FileResponse(path.open("rb"), content_type=DOCS_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """Django's 400 (``handler400``: a Host header the gateway does not serve, a request Django finds
    suspicious): the API's error shape under /api/, Django's page elsewhere."""
    if not request.path.startswith(_root()):
        return defaults.bad_request(request, exception)
    if isinstance(exception, DisallowedHost):
        error = CodedError(
            "API_HOST_NOT_ALLOWED",
            "Tiêu đề Host của yêu cầu không phải tên của cổng tiếp nhận.",
            "The request's Host header does not name this gateway.",
        )
    else:
        error = CodedError("API_BAD_REQUEST", "Yêu cầu không hợp lệ.", "The request is not valid.")
    return error_response(request, error, 400)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 (``handler500``: a fault outside the API's own handler, e.g. in a middleware): the
    API's error shape under /api/, Django's page elsewhere."""
    if not request.path.startswith(_root()):
        return defaults.server_error(request)
    return _unexpected_answer(request)


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(
        request,
        CodedError(
            "API_NOT_FOUND",
            f"Không có đường dẫn /api/v1/{rest} trong API.",
            f"There is no path /api/v1/{rest} in the API.",
        ),
        404,
    )


def openapi_document() -> dict:
    """The OpenAPI document as served at /api/v1/openapi.json."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=_root()), default=str))


def openapi_text() -> str:
    """The OpenAPI document as committed in docs/openapi.json (`hoso openapi -o docs/openapi.json`)."""
    return json.dumps(openapi_document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
