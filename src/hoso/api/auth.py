"""API-key authentication of the I-VANs (``Authorization: Bearer <key>``) and their rate limit."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from hoso import fastsql
from hoso.api import ratelimit
from hoso.api.errors import ApiError
from hoso.api.models import IvanKey, hash_key
from hoso.reference.models import IvanProvider

HOW_TO_GET_A_KEY_VI = "Mỗi tổ chức I-VAN dùng khoá API do cơ quan BHXH cấp (lệnh `hoso ivan add <mã I-VAN>`)."
HOW_TO_GET_A_KEY_EN = "Each I-VAN uses the API key issued by the office (`hoso ivan add <I-VAN code>`)."


class IvanAuth(HttpBearer):
    """The I-VAN whose key is presented; refuses with a coded 401/403/429 otherwise."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get(self.header, "")
        scheme, _, token = header.partition(" ")
        if not header:
            raise ApiError(
                401,
                "API_AUTH_MISSING",
                "Thiếu khoá API (tiêu đề Authorization: Bearer <khoá>). " + HOW_TO_GET_A_KEY_VI,
                "The API key is missing (header Authorization: Bearer <key>). " + HOW_TO_GET_A_KEY_EN,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(
                401,
                "API_AUTH_SCHEME",
                "Tiêu đề Authorization phải có dạng “Bearer <khoá>”.",
                "The Authorization header must read “Bearer <key>”.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str):
        key = _key_with_ivan(hash_key(token))
        if key is None:
            raise ApiError(
                401,
                "API_AUTH_INVALID",
                "Khoá API không đúng. " + HOW_TO_GET_A_KEY_VI,
                "The API key is not valid. " + HOW_TO_GET_A_KEY_EN,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if key.revoked_at is not None:
            raise ApiError(
                401,
                "API_AUTH_REVOKED",
                f"Khoá API này đã bị thu hồi lúc {key.revoked_at.isoformat()}. Liên hệ cơ quan BHXH để được cấp khoá mới.",
                f"This API key was revoked at {key.revoked_at.isoformat()}. Ask the office for a new key.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if not key.ivan.active:
            raise ApiError(
                403,
                "API_IVAN_INACTIVE",
                f"Tổ chức I-VAN {key.ivan.code} đang ngừng hoạt động trong danh mục của cơ quan BHXH.",
                f"I-VAN {key.ivan.code} is marked inactive in the office's catalogue.",
            )
        decision = ratelimit.take(key.ivan)
        if not decision.allowed:
            raise ApiError(
                429,
                "API_RATE_LIMITED",
                f"I-VAN {key.ivan.code} gửi quá nhiều yêu cầu; thử lại sau {decision.retry_after} giây.",
                f"I-VAN {key.ivan.code} sent too many requests; retry in {decision.retry_after} s.",
                headers={"Retry-After": str(decision.retry_after)},
            )
        request.ivan_key = key
        return key.ivan


def _key_with_ivan(key_hash: str) -> IvanKey | None:
    """The key with this hash and its I-VAN, in one plain query (every API request asks)."""
    row = fastsql.fetch_one(
        f"SELECT {fastsql.columns(IvanKey, 'k')}, {fastsql.columns(IvanProvider, 'i')} "  # noqa: S608
        f"FROM {fastsql.table(IvanKey)} k JOIN {fastsql.table(IvanProvider)} i ON i.code = k.ivan_id "
        "WHERE k.key_hash = %s",
        [key_hash],
    )
    if row is None:
        return None
    n = fastsql.width(IvanKey)
    key = fastsql.from_row(IvanKey, row[:n])
    key.ivan = fastsql.from_row(IvanProvider, row[n:])
    return key
