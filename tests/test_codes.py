"""The code registry (issue 19, item 6; issue 22, item 5): every code the code base can answer is declared
once, with a Vietnamese and an English text, a legal basis and a next step its reader can take.

The codes are found by walking the source (every string literal of the answered families, wherever it
is written) and by the rules that make codes: ``SIG_`` + a signature verdict, ``SIG_PART_`` + a verdict
of a form inside the envelope, ``POLICY_`` + the id of a refusing rule of the shipped policies."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from hoso import codes as registry
from hoso.api.codes import DECLARING_PACKAGES, load
from hoso.policy import Outcome, builtin_policies
from hoso.policy.codebook import rule_code
from hoso.signature.report import REASONS

SRC = Path(__file__).resolve().parents[1] / "src" / "hoso"

#: the families of codes answered to an I-VAN, a unit or a desk officer (administrators' codes — backups,
#: the cluster's identity, trust-store files, imports, the desk's form errors — are not yet in the catalogue)
ANSWERED = re.compile(
    r"^(?:API|HTTP|INTAKE|SIG|XML|DOSSIER|FORM|REG|PROBLEM|ID|BARCODE|CHILDREN|WORKFLOW|RESULT|PACK|POLICY)_[A-Z0-9_]*[A-Z0-9]$"
    r"|^BLOB_WRITE_FAILED$"
)
#: literals of those shapes that are not codes: request headers as Django names them, a constant's name
NOT_CODES = {"HTTP_X_FORWARDED_FOR", "HTTP_X_REQUEST_ID", "HTTP_TRANSFER_ENCODING", "FORM_SIGNATURE_PARENT"}


def _literals() -> dict[str, str]:
    """Code-shaped string literals of the source, each with one place it is written."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or "testing" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ANSWERED.match(node.value):
                found.setdefault(node.value, f"{path.relative_to(SRC)}:{node.lineno}")
    return {code: where for code, where in found.items() if code not in NOT_CODES}


def _made_by_rules(literals) -> set[str]:
    verdicts = {key if key.startswith("SIG") else f"SIG_{key}" for key in REASONS if key != "OK"}
    parts = {f"SIG_PART_{key}" for key in REASONS if key != "OK"}
    parts |= {f"SIG_PART_{code}" for code in literals if code.startswith(("XML_", "DOSSIER_", "FORM_"))}
    policy = {
        rule_code(rule.id)
        for policy in builtin_policies(known_tags=None)
        for rule in policy.rules
        if rule.effect is Outcome.REFUSE
    }
    return verdicts | parts | policy


@pytest.fixture(scope="module")
def answered():
    load()
    literals = _literals()
    return {**literals, **dict.fromkeys(_made_by_rules(literals), "(made by a rule)")}


def test_the_walk_finds_the_codes_it_should(answered):
    """The walk is not vacuous: codes of every family are found where they are written."""
    for code in ("API_AUTH_MISSING", "INTAKE_UNIT_UNKNOWN", "XML_TOO_DEEP", "FORM_ROW_INVALID", "REG_KIND",
                 "SIG_HASH_FAILURE", "SIG_PART_TRY_LATER", "POLICY_BARCODE_SUSPENDED_FROM_2016_01_01",
                 "BARCODE_INCOMPLETE", "ID_TAX_CODE_CHECK", "PROBLEM_EMPTY", "HTTP_URI_TOO_LONG"):  # fmt: skip
        assert code in answered, code
    assert len(answered) > 150


def test_every_answered_code_is_declared_with_its_four_texts(answered):
    lacking = registry.incomplete(answered)
    assert not lacking, "\n".join(
        f"{code} ({answered[code]}): {', '.join(what)}" for code, what in sorted(lacking.items())
    )


def test_every_declaration_is_complete_and_says_what_its_reader_can_do():
    load()
    entries = [*registry.codes(), *(family.as_code() for family in registry.families())]
    assert len(entries) > 140
    for entry in entries:
        assert not entry.missing(), (entry.code, entry.missing())
        assert entry.audience in registry.AUDIENCES, entry.code
        assert entry.package, entry.code
        for text in (entry.vi, entry.next_vi):
            # Vietnamese with its diacritics, not English or ASCII-folded text
            assert any(c.isalpha() and not c.isascii() for c in text), (entry.code, text)
        for text in (entry.next_vi, entry.next_en):
            # a next step the reader can take: never a command of the office's server
            assert not re.search(r"\bhoso [a-z]", text), (entry.code, text)


def test_each_package_declares_in_its_codebook_and_the_catalogue_loads_them_all():
    with_codebook = {f"hoso.{path.parent.name}" for path in SRC.glob("*/codebook.py")}
    assert with_codebook == set(DECLARING_PACKAGES)
    load()
    assert {entry.package for entry in registry.codes()} >= {
        p.removeprefix("hoso.") for p in DECLARING_PACKAGES
    }


def test_a_code_declared_twice_with_other_texts_is_refused():
    first = registry.Code("TEST_TWICE", "Một", "One", "Căn cứ", "Làm", "Do")
    registry.declare("tests", first)
    registry.declare("tests", first)  # the same declaration again: a module imported again
    with pytest.raises(registry.DeclarationConflict):
        registry.declare("tests", registry.Code("TEST_TWICE", "Hai", "Two", "Căn cứ", "Làm", "Do"))


def test_families_derive_a_forms_verdict_from_the_verdict():
    load()
    part = registry.lookup("SIG_PART_HASH_FAILURE")
    whole = registry.lookup("SIG_HASH_FAILURE")
    assert part.vi.endswith(whole.vi) and part.vi.startswith("Một tờ khai trong hồ sơ")
    assert (part.basis, part.next_vi) == (whole.basis, whole.next_vi)
    assert registry.lookup("SIG_PART_XML_TOO_DEEP").next_en == registry.lookup("XML_TOO_DEEP").next_en
    assert registry.lookup("SIG_NOT_A_VERDICT") is None
    stored_rule = registry.lookup("POLICY_SOME_RULE_AN_ADMINISTRATOR_ADDED")
    assert stored_rule is not None and stored_rule.code == "POLICY_SOME_RULE_AN_ADMINISTRATOR_ADDED"


def test_an_answer_without_basis_or_next_step_gets_its_codes():
    load()
    declared = registry.lookup("INTAKE_PROCEDURE_UNKNOWN")
    assert registry.fill("INTAKE_PROCEDURE_UNKNOWN", "", "", "") == (
        declared.basis,
        declared.next_vi,
        declared.next_en,
    )
    assert registry.fill("INTAKE_PROCEDURE_UNKNOWN", "own", "mine", "mine") == ("own", "mine", "mine")
    assert registry.fill("NOT_DECLARED_ANYWHERE", "", "", "") == ("", "", "")
