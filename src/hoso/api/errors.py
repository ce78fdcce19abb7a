"""The one JSON error shape of the API: ``{"code", "message" (Vietnamese), "message_en"}``.

Every answer that is not a receipt and not a success has this shape, whatever raised it: our coded
errors, django-ninja's validation and authentication errors, unknown paths and methods.
"""

from __future__ import annotations

from hoso.errors import CodedError


class ApiError(CodedError):
    """A coded error with the HTTP status it is answered with."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str, *, headers=None, **details):
        super().__init__(code, message_vi, message_en, **details)
        self.status = status
        self.headers = dict(headers or {})


def not_found(what_vi: str = "Không tìm thấy hồ sơ.", what_en: str = "Dossier not found.") -> ApiError:
    return ApiError(404, "API_NOT_FOUND", what_vi, what_en)


# Status of each intake error code raised before anything is acknowledged.
INTAKE_STATUS = {
    "INTAKE_TOO_LARGE": 413,
    "INTAKE_NOT_XML": 415,
    "INTAKE_IVAN_UNKNOWN": 403,
    "BLOB_WRITE_FAILED": 503,
}

# Status of the problem reports' coded errors (hoso.reports.api) that are not 400: a dossier or submission
# the I-VAN names but did not carry (or that does not exist) is not found, as for the API's other ids.
PROBLEM_STATUS = {"PROBLEM_DOSSIER_UNKNOWN": 404, "PROBLEM_SUBMISSION_UNKNOWN": 404}
