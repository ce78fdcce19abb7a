"""The one error shape of the HTTP API (``ErrorOut``) and the statuses any request may be answered.

Below ``api`` so that a package adding routes to the I-VAN API (``reports``' problem reports, mounted by
``hoso.api.views``) declares its error answers without importing ``api`` (docs/architecture.md, Layers).
"""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    message_en: str
    details: dict | None = None


#: Statuses any request may be answered, whatever the operation, all in the one error shape: the HTTP
#: server's refusals of a request it cannot read (400 malformed, 414 request line too long, 417 an
#: ``Expect`` other than ``100-continue``, 431 header fields too large, 501 a transfer coding it does
#: not know; written by hoso.serving), the key's (401, and 403 for an inactive I-VAN), the rate limit
#: (429) and a fault of the gateway (500).
ANY_REQUEST = (400, 401, 403, 414, 417, 429, 431, 500, 501)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error answers of an operation: those of ``ANY_REQUEST`` and ``statuses``, in the error shape."""
    return dict.fromkeys(sorted({*ANY_REQUEST, *statuses}), ErrorOut)
