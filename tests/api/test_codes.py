"""The code catalogue (issue 19, item 6): generated from the registry, served at GET /api/v1/codes (public,
cacheable with an ETag), in docs/ivan-guide.md and in the OpenAPI document; a refusal's reasons carry the
legal basis and next step of their code when the answer gives none of its own."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from hoso import codes as registry
from hoso.api.codes import catalogue, guide_table

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "ivan-guide.md"


def test_the_catalogue_is_public_json_with_every_code_and_its_texts(client, db):
    answer = client.get("/api/v1/codes", HTTP_HOST="127.0.0.1")  # no key
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")
    assert "public" in answer["Cache-Control"]
    body = answer.json()
    assert body == catalogue()
    by_code = {entry["code"]: entry for entry in body["codes"]}
    assert set(by_code) == {code.code for code in registry.codes()}
    form = by_code["FORM_ROW_INVALID"]
    assert form["message"].startswith("Một trường") and "Quyết định 595/QĐ-BHXH" in form["legal_basis"]
    assert form["next_step"] and form["next_step_en"] and form["message_en"]
    assert {f["code"] for f in body["families"]} == {"POLICY_*", "SIG_*", "SIG_PART_*"}


def test_the_catalogue_answers_304_to_its_etag(client, db):
    first = client.get("/api/v1/codes", HTTP_HOST="127.0.0.1")
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get("/api/v1/codes", HTTP_HOST="127.0.0.1", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    other = client.get("/api/v1/codes", HTTP_HOST="127.0.0.1", HTTP_IF_NONE_MATCH='"stale"')
    assert other.status_code == 200 and other.content == first.content


def test_the_guide_shows_the_table_of_the_registry():
    guide = GUIDE.read_text(encoding="utf-8")
    found = re.search(r"<!-- codes-table:start -->\n(.*?)\n<!-- codes-table:end -->", guide, re.S)
    assert found and found[1] == guide_table(), "regenerate the table from hoso.api.codes.guide_table()"


def test_the_openapi_document_lists_the_codes(client, db):
    doc = client.get("/api/v1/openapi.json", HTTP_HOST="127.0.0.1").json()
    operation = doc["paths"]["/api/v1/codes"]["get"]
    listed = operation["x-codes"]
    assert set(listed) == {e["code"] for e in [*catalogue()["codes"], *catalogue()["families"]]}
    assert listed["INTAKE_PROCEDURE_UNKNOWN"] == registry.lookup("INTAKE_PROCEDURE_UNKNOWN").en
    assert "security" not in operation and {"200", "304"} <= set(operation["responses"])


def test_a_refusal_without_advice_of_its_own_gets_its_codes(api, unit, make_envelope):
    """An unknown procedure: the receipt says on what basis and what to do — never an office command."""
    answer = api.submit(make_envelope(procedure="999"))
    assert answer.status_code == 422, answer.content
    item = etree.fromstring(answer.content).find(".//LyDoItem")
    declared = registry.lookup("INTAKE_PROCEDURE_UNKNOWN")
    assert item.findtext("Ma") == "INTAKE_PROCEDURE_UNKNOWN"
    assert item.findtext("CanCu") == declared.basis and item.findtext("HuongDan") == declared.next_vi
    assert "hoso procedures" not in answer.content.decode()
