"""The code catalogue, generated from the registry (:mod:`hoso.codes`): ``GET /api/v1/codes`` (public,
cacheable with an ETag), the table of docs/ivan-guide.md (:func:`guide_table`) and ``x-codes`` in the
OpenAPI document.

Every package that answers codes declares them in its ``codebook`` module, which its package imports;
:data:`DECLARING_PACKAGES` are imported here so that the catalogue holds them all whatever was loaded.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from functools import cache

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from ninja import Schema

from hoso import codes as registry
from hoso.api.schemas import error_responses
from hoso.api.views import api

#: the packages whose ``codebook`` declares codes; a test holds this list to the codebooks that exist
DECLARING_PACKAGES = (
    "hoso.api",
    "hoso.barcode",
    "hoso.dossier",
    "hoso.identifiers",
    "hoso.intake",
    "hoso.policy",
    "hoso.signature",
    "hoso.workflow",
)
CACHE_SECONDS = 3600


def load() -> None:
    for package in DECLARING_PACKAGES:
        importlib.import_module(f"{package}.codebook")


@cache
def catalogue() -> dict[str, list[dict[str, str]]]:
    """Every declared code and family (``prefix*``), each with its texts, legal basis and next step."""
    load()
    return {
        "codes": [code.as_dict() for code in registry.codes()],
        "families": [family.as_code().as_dict() for family in registry.families()],
    }


@cache
def _body() -> tuple[bytes, str]:
    body = json.dumps(catalogue(), ensure_ascii=False, sort_keys=True).encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class CodeOut(Schema):
    code: str
    message: str
    message_en: str
    legal_basis: str
    next_step: str
    next_step_en: str
    audience: str
    package: str


class CodesOut(Schema):
    codes: list[CodeOut]
    families: list[CodeOut]


@api.get(
    "/codes",
    auth=None,
    response={200: CodesOut, 304: None, **error_responses()},
    summary="Danh mục mã lý do (the code catalogue)",
    tags=["codes"],
    openapi_extra={
        "x-codes": {c["code"]: c["message_en"] for c in [*catalogue()["codes"], *catalogue()["families"]]}
    },
)
def list_codes(request: HttpRequest):
    """Every code the gateway answers — in an error's `code`, a receipt's `LyDoItem/Ma` — with its
    Vietnamese and English text, legal basis (`CanCu`), and next step (`HuongDan`) a unit or an I-VAN can
    take. `audience` says who reads it (`ivan`: an I-VAN or its unit; `desk`: an officer). A `families`
    entry ends in `*`: every code with that prefix (`SIG_PART_<code>` is `SIG_<code>` said of a form inside
    the envelope; `POLICY_<rule>` a refusal by a rule of the reception policy, with the rule's own texts).
    Public (no key); send `If-None-Match` with the `ETag` to get 304 when nothing changed."""
    body, etag = _body()
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={CACHE_SECONDS}"}
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def guide_table() -> str:
    """The catalogue as the Markdown table of docs/ivan-guide.md (a test compares them)."""
    data = catalogue()
    lines = [
        "| code | meaning (Vietnamese / English) | legal basis (CanCu) | next step (HuongDan, Vietnamese / English) |",
        "| --- | --- | --- | --- |",
    ]
    for entry in [*data["codes"], *data["families"]]:
        audience = " (desk)" if entry["audience"] == "desk" else ""
        lines.append(
            f"| `{entry['code']}`{audience} | {_cell(entry['message'])}<br>{_cell(entry['message_en'])} "
            f"| {_cell(entry['legal_basis'])} | {_cell(entry['next_step'])}<br>{_cell(entry['next_step_en'])} |"
        )
    return "\n".join(lines)
