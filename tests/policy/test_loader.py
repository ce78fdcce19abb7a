"""Loading and validating policy files: every problem is a coded load error with its line number."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.policy import PolicyLoadError, load_policy
from hoso.policy.loader import LineMap

from .helpers import BASELINE_TEXT, DISPATCH_TEXT, KNOWN_TAGS

HEAD = """\
[policy]
id = "draft"
version = 1
precedence = 50
title_vi = "Dự thảo"
title_en = "Draft"
legal_basis_vi = "Công văn 2671/BHXH-CNTT ngày 26/11/2015"
legal_basis_en = "Dispatch 2671/BHXH-CNTT of 26 November 2015"
"""


def rule(rule_id: str, *extra: str, effect: str = "refuse", precedence: int = 10) -> str:
    lines = [
        "",
        "[[rules]]",
        f'id = "{rule_id}"',
        f'effect = "{effect}"',
        f"precedence = {precedence}",
        'message_vi = "Từ chối"',
        'message_en = "Refused"',
        'advice_vi = "Nộp hồ sơ điện tử"',
        'advice_en = "File electronically"',
        *extra,
    ]
    return "\n".join(lines) + "\n"


def issues(text: str, known=KNOWN_TAGS) -> list[tuple[int, str]]:
    with pytest.raises(PolicyLoadError) as caught:
        load_policy(text, known_tags=known)
    error = caught.value
    assert error.code == "POLICY_INVALID"
    assert error.message_vi and error.message_en
    return [(issue.line, issue.code) for issue in error.issues]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[occurrence - 1]


def test_committed_policies_load():
    dispatch = load_policy(DISPATCH_TEXT, known_tags=KNOWN_TAGS)
    baseline = load_policy(BASELINE_TEXT, known_tags=KNOWN_TAGS)
    assert (dispatch.id, dispatch.version, dispatch.precedence) == ("2671-bhxh-cntt", 1, 100)
    assert dispatch.issued == date(2015, 11, 26)
    assert len(dispatch.offices) == 31 and "001" in dispatch.offices and "00131" in dispatch.offices
    assert "Công văn 2671/BHXH-CNTT ngày 26/11/2015" in dispatch.legal_basis_vi
    assert baseline.is_total and not dispatch.is_total
    assert len(dispatch.sha256) == 64


def test_rule_lines_point_at_their_tables():
    dispatch = load_policy(DISPATCH_TEXT, known_tags=KNOWN_TAGS)
    for rule in dispatch.rules:
        assert DISPATCH_TEXT.splitlines()[rule.line - 1].strip() == "[[rules]]"
        assert f'id = "{rule.id}"' == DISPATCH_TEXT.splitlines()[rule.line].strip()


def test_minimal_policy_loads():
    policy = load_policy(HEAD + rule("a"), known_tags=KNOWN_TAGS)
    assert [r.id for r in policy.rules] == ["a"]


def test_unknown_field_in_a_rule_is_reported_at_its_line():
    text = HEAD + rule("a") + rule("b", 'channel = ["barcode"]', precedence=5)
    assert issues(text) == [(line_of(text, "channel ="), "POLICY_UNKNOWN_FIELD")]


def test_unknown_field_in_policy_and_top_level():
    text = HEAD.replace("version = 1", 'version = 1\nauthor = "x"') + "[extra]\nx = 1\n" + rule("a")
    found = issues(text)
    assert (line_of(text, "author ="), "POLICY_UNKNOWN_FIELD") in found
    assert (line_of(text, "[extra]"), "POLICY_UNKNOWN_FIELD") in found


def test_dates_out_of_order():
    text = HEAD + rule("a", "valid_from = 2016-01-01", "valid_until = 2015-12-31")
    assert issues(text) == [(line_of(text, "valid_until"), "POLICY_DATES_OUT_OF_ORDER")]


def test_policy_dates_out_of_order():
    text = HEAD.replace(
        "version = 1", "version = 1\nvalid_from = 2016-02-01\nvalid_until = 2016-01-31"
    ) + rule("a")
    assert issues(text) == [(line_of(text, "valid_until"), "POLICY_DATES_OUT_OF_ORDER")]


def test_same_day_is_in_order():
    load_policy(
        HEAD + rule("a", "valid_from = 2016-01-01", "valid_until = 2016-01-01"), known_tags=KNOWN_TAGS
    )


def test_quoted_date_is_an_error():
    text = HEAD + rule("a", 'valid_from = "2016-01-01"')
    assert issues(text) == [(line_of(text, "valid_from"), "POLICY_BAD_DATE")]


def test_unknown_tag():
    text = HEAD + rule("a", 'tags_all = ["thu-so-the", "tre-em"]')
    found = issues(text)
    assert found == [(line_of(text, "tags_all"), "POLICY_UNKNOWN_TAG")]


def test_the_dispatch_needs_its_tags_in_the_catalogue():
    found = issues(DISPATCH_TEXT, known={"thu-so-the"})
    lines = [line for line, code in found if code == "POLICY_UNKNOWN_TAG"]
    assert lines == [
        n for n, text in enumerate(DISPATCH_TEXT.splitlines(), 1) if "child-under-6-card" in text
    ]


def test_tags_are_not_checked_when_told_so():
    load_policy(HEAD + rule("a", 'tags_all = ["anything"]'), known_tags=None)


def test_overlapping_rules_of_equal_precedence():
    text = (
        HEAD
        + rule("a", 'channels = ["barcode"]')
        + rule("b", 'channels = ["barcode", "paper"]', effect="accept")
    )
    assert issues(text) == [(line_of(text, "[[rules]]", 2), "POLICY_OVERLAP")]


def test_overlap_message_names_both_rules():
    text = HEAD + rule("a") + rule("b")
    with pytest.raises(PolicyLoadError) as caught:
        load_policy(text, known_tags=KNOWN_TAGS)
    assert "“a”" in caught.value.message_vi and "“b”" in caught.value.message_vi
    assert caught.value.issues[0].message_en.startswith("Rule “b” and rule “a”")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('channels = ["barcode"]', 'channels = ["paper"]'),
        ('submitters = ["unit"]', 'submitters = ["commune"]'),
        ("certificate = true", "certificate = false"),
        ('offices = ["00101"]', 'offices = ["00102"]'),
        ('procedures = ["600"]', 'procedures = ["601"]'),
        ('tags_all = ["thu-so-the"]', 'tags_none = ["thu-so-the"]'),
        ('tags_any = ["thu-so-the"]', 'tags_none = ["thu-so-the"]'),
        ("valid_until = 2015-12-31", "valid_from = 2016-01-01"),
        ("valid_until = 2015-12-31T12:00:00", "valid_from = 2015-12-31T12:00:01"),
    ],
)
def test_disjoint_rules_may_share_a_precedence(first, second):
    load_policy(HEAD + rule("a", first) + rule("b", second), known_tags=KNOWN_TAGS)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('tags_all = ["thu-so-the"]', 'tags_all = ["child-under-6-card"]'),
        ("valid_until = 2016-01-01", "valid_from = 2016-01-01"),
        ('offices = ["00101", "00102"]', 'offices = ["00102"]'),
        ("certificate = true", 'submitters = ["commune"]'),
    ],
)
def test_rules_that_could_meet_may_not_share_a_precedence(first, second):
    assert [code for _, code in issues(HEAD + rule("a", first) + rule("b", second))] == ["POLICY_OVERLAP"]


def test_refusal_needs_advice():
    text = HEAD + rule("a").replace('advice_vi = "Nộp hồ sơ điện tử"\n', "")
    assert issues(text) == [(line_of(text, "[[rules]]"), "POLICY_MISSING_FIELD")]


def test_acceptance_needs_no_advice():
    text = HEAD + rule("a", effect="accept").replace('advice_vi = "Nộp hồ sơ điện tử"\n', "").replace(
        'advice_en = "File electronically"\n', ""
    )
    assert load_policy(text, known_tags=KNOWN_TAGS).rules[0].advice_vi == ""


def test_duplicate_rule_id():
    text = HEAD + rule("a", 'channels = ["paper"]') + rule("a", 'channels = ["barcode"]')
    assert issues(text) == [(line_of(text, 'id = "a"', 2), "POLICY_DUPLICATE_RULE")]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ('effect = "maybe"', "POLICY_BAD_VALUE"),
        ('channels = ["fax"]', "POLICY_BAD_VALUE"),
        ("channels = []", "POLICY_BAD_VALUE"),
        ('submitters = ["citizen"]', "POLICY_BAD_VALUE"),
        ('certificate = "yes"', "POLICY_BAD_VALUE"),
        ('offices = ["1"]', "POLICY_BAD_VALUE"),
        ("precedence = true", "POLICY_BAD_VALUE"),
        ('procedures = ["6 0 0"]', "POLICY_BAD_VALUE"),
    ],
)
def test_bad_values(extra, code):
    key = extra.split(" =")[0]
    # the rule template sets effect and precedence itself: drop the template's line for those keys
    body = HEAD + "\n".join(line for line in rule("a").splitlines() if not line.startswith(f"{key} =")) + "\n"
    text = body + extra + "\n"
    assert (line_of(text, extra), code) in issues(text)


def test_syntax_error_line():
    text = HEAD + rule("a") + "channels = [barcode]\n"
    assert issues(text) == [(len(text.splitlines()), "POLICY_SYNTAX")]


def test_missing_policy_table_and_rules():
    assert [code for _, code in issues('[[rules]]\nid = "a"\n')][0] == "POLICY_MISSING_FIELD"
    assert issues(HEAD) == [(1, "POLICY_MISSING_FIELD")]


def test_not_utf8():
    assert issues(HEAD.encode() + b"\n# \xff\xfe\n") == [(10, "POLICY_ENCODING")]


def test_all_problems_are_reported_together():
    text = (
        HEAD + rule("a", 'channel = ["x"]', "valid_from = 2016-01-01", "valid_until = 2015-01-01") + rule("b")
    )
    codes = {code for _, code in issues(text)}
    assert codes == {"POLICY_UNKNOWN_FIELD", "POLICY_DATES_OUT_OF_ORDER"}


def test_report_lists_source_and_lines():
    text = HEAD + rule("a", "bogus = 1")
    line = line_of(text, "bogus")
    with pytest.raises(PolicyLoadError) as caught:
        load_policy(text, known_tags=KNOWN_TAGS, source="draft.toml")
    assert caught.value.report().startswith(f"draft.toml:{line}: POLICY_UNKNOWN_FIELD: ")
    assert f"draft.toml:{line}" in caught.value.message_en


def test_line_map_handles_multiline_values():
    text = (
        'a = """\nx = 1\n"""\nb = [\n  "[[rules]]",\n]\n[[rules]]\nid = "r"\n[[rules]]\nid = "s"\nc.d = 1\n'
    )
    lines = LineMap(text)
    assert lines.line_of("a") == 1 and lines.line_of("b") == 4
    assert lines.line_of("rules", 0) == 7 and lines.line_of("rules", 1, "id") == 10
    assert lines.line_of("rules", 1, "c", "d") == 11
    assert lines.line_of("nothing") == 1


def test_the_last_representable_day_is_an_open_end():
    policy = load_policy(
        HEAD + rule("a", "valid_until = 9999-12-31", "valid_from = 0001-01-01"), known_tags=KNOWN_TAGS
    )
    assert policy.rules[0].end is None and policy.rules[0].in_force_on(date(9999, 12, 31))
