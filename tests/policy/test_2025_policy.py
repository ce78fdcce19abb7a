"""Issue 23, item 1: Decree 164/2025 (and 45/2020) as a second dated policy beside dispatch 2671 — the
chain of decisions across 2015 and 2025 dates, the parameters in force at each reception, the format
of ``[[parameters]]`` and the what-if replay across both policies."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.policy import VN_TZ, Outcome, PolicyLoadError, PolicySet, builtin_text, load_policy
from hoso.policy.parameters import SPECS
from hoso.policy.replay import PastDecision, replay

from .helpers import BUILTIN, KNOWN_TAGS, OUT_OF_SCOPE_OFFICE, facts

DECREE_TEXT = builtin_text("164-2025-nd-cp.toml")
DECREE = load_policy(DECREE_TEXT, known_tags=KNOWN_TAGS)
WITHOUT_DECREE = PolicySet([p for p in BUILTIN.policies if p.id != "164-2025-nd-cp"])


def hanoi(day: date, at: time = time(9, 30)) -> datetime:
    return datetime.combine(day, at, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("day", "at", "office", "expected"),
    [
        # 2015: dispatch 2671 decides electronic dossiers in Hanoi, the baseline elsewhere
        (date(2015, 9, 30), time(23, 59, 59), "00105", ("refuse", "2671-bhxh-cntt", "electronic-not-yet-open")),
        (date(2015, 10, 1), time(0), "00105", ("accept", "2671-bhxh-cntt", "electronic-accepted")),
        (date(2015, 10, 1), time(9), OUT_OF_SCOPE_OFFICE, ("refuse", "baseline", "channel-not-opened")),
        # the last second before Decree 164/2025, and the first one under it
        (date(2025, 6, 30), time(23, 59, 59), OUT_OF_SCOPE_OFFICE, ("refuse", "baseline", "channel-not-opened")),
        (date(2025, 7, 1), time(0), OUT_OF_SCOPE_OFFICE,
         ("accept", "164-2025-nd-cp", "electronic-accepted-any-office-from-2025-07-01")),
        (date(2025, 7, 1), time(0), "00105",
         ("accept", "164-2025-nd-cp", "electronic-accepted-any-office-from-2025-07-01")),
    ],
)  # fmt: skip
def test_each_electronic_dossier_is_judged_by_the_policy_in_force_at_its_reception(day, at, office, expected):
    decision = BUILTIN.evaluate(facts(channel="electronic", office=office, day=day, at=at))
    assert (decision.outcome.value, decision.policy_id, decision.rule_id) == expected


def test_a_reception_at_17_00_utc_on_30_june_is_already_under_the_decree():
    """Rules and parameters are dated in Hanoi time: 30/06/2025 17:00 UTC is 01/07/2025 00:00 there."""
    before, at = datetime(2025, 6, 30, 16, 59, 59, tzinfo=UTC), datetime(2025, 6, 30, 17, tzinfo=UTC)
    assert BUILTIN.parameters(OUT_OF_SCOPE_OFFICE, before).reception_any_office is False
    assert BUILTIN.parameters(OUT_OF_SCOPE_OFFICE, at).reception_any_office is True


def test_the_decree_leaves_barcodes_and_paper_to_the_older_policies():
    barcode = BUILTIN.evaluate(facts(channel="barcode", day=date(2025, 8, 1)))
    assert (barcode.outcome, barcode.rule_id) == (Outcome.REFUSE, "barcode-suspended-from-2016-01-01")
    child = BUILTIN.evaluate(
        facts(channel="barcode", kind="child-card", submitter="commune", day=date(2025, 8, 1))
    )
    assert (child.outcome, child.rule_id) == (Outcome.ACCEPT, "child-card-commune-without-certificate")
    paper = BUILTIN.evaluate(facts(channel="paper", office=OUT_OF_SCOPE_OFFICE, day=date(2025, 8, 1)))
    assert (paper.outcome, paper.policy_id) == (Outcome.ACCEPT, "baseline")


@pytest.mark.parametrize(
    ("moment", "receipt", "supplement", "any_office"),
    [
        (datetime(2016, 1, 5, 9), None, None, False),  # dispatch 2671's time: no such limits
        (datetime(2020, 5, 21, 23, 59, 59), None, None, False),
        (datetime(2020, 5, 22, 0), None, 8, False),  # Decree 45/2020
        (datetime(2025, 6, 30, 23, 59, 59), None, 8, False),
        (datetime(2025, 7, 1, 0), 120, 8, True),  # Decree 164/2025
        (datetime(2027, 3, 1, 14), 120, 8, True),
    ],
)
def test_the_parameters_in_force_at_each_reception(moment, receipt, supplement, any_office):
    for office in ("00105", OUT_OF_SCOPE_OFFICE):
        values = BUILTIN.parameters(office, moment.replace(tzinfo=VN_TZ))
        assert values.receipt_notice_minutes == receipt
        assert values.supplement_request_working_hours == supplement
        assert values.reception_any_office is any_office
        if receipt is not None:
            given_by = values.get("receipt_notice_minutes")
            assert given_by.policy_id == "164-2025-nd-cp" and given_by.policy_version == 1
            assert "164/2025" in given_by.legal_basis_vi and "2 giờ" in given_by.legal_basis_vi


def test_a_naive_moment_is_read_as_hanoi_time():
    assert BUILTIN.parameters("00105", datetime(2025, 7, 1, 0)).reception_any_office
    assert not BUILTIN.parameters("00105", datetime(2025, 6, 30, 23, 59)).reception_any_office


def test_a_higher_policy_overrides_a_parameter_only_where_its_scope_covers():
    local = load_policy(
        """
[policy]
id = "ha-noi-receipt-faster"
version = 1
precedence = 300
title_vi = "Thử"
title_en = "Test"
legal_basis_vi = "Quyết định của BHXH Thành phố Hà Nội (giả định)"
legal_basis_en = "Hanoi decision (assumed)"
offices = ["00105"]

[[rules]]
id = "nothing-new"
effect = "accept"
channels = ["paper"]
message_vi = "Giấy."
message_en = "Paper."

[[parameters]]
name = "receipt_notice_minutes"
value = 60
valid_from = 2026-01-01
""",
        known_tags=KNOWN_TAGS,
    )
    composed = BUILTIN.replacing(local)
    assert composed.parameters("00105", hanoi(date(2026, 1, 2))).receipt_notice_minutes == 60
    assert composed.parameters("00105", hanoi(date(2025, 12, 31))).receipt_notice_minutes == 120
    assert composed.parameters("00106", hanoi(date(2026, 1, 2))).receipt_notice_minutes == 120
    got = composed.parameters("00105", hanoi(date(2026, 1, 2))).get("receipt_notice_minutes")
    assert got.policy_id == "ha-noi-receipt-faster" and got.legal_basis_vi.endswith("(giả định)")


def _with_parameters(block: str) -> str:
    return DECREE_TEXT + "\n" + block


@pytest.mark.parametrize(
    ("block", "code"),
    [
        ('[[parameters]]\nname = "receipt_notice_hours"\nvalue = 2\n', "POLICY_BAD_VALUE"),
        ('[[parameters]]\nname = "receipt_notice_minutes"\nvalue = 0\nvalid_from = 2030-01-01\n', "POLICY_BAD_VALUE"),
        ('[[parameters]]\nname = "receipt_notice_minutes"\nvalue = "120"\nvalid_from = 2030-01-01\n',
         "POLICY_BAD_VALUE"),
        ('[[parameters]]\nname = "reception_any_office"\nvalue = 1\nvalid_from = 2030-01-01\n', "POLICY_BAD_VALUE"),
        ('[[parameters]]\nname = "receipt_notice_minutes"\nvalue = 60\nvalid_from = 2026-01-01\n', "POLICY_OVERLAP"),
        ('[[parameters]]\nname = "receipt_notice_minutes"\nvalue = 60\nvalid_from = "2030-01-01"\n',
         "POLICY_BAD_DATE"),
        ('[[parameters]]\nname = "receipt_notice_minutes"\nvalid_from = 2030-01-01\n', "POLICY_MISSING_FIELD"),
        ('[[parameters]]\nname = "receipt_notice_minutes"\nvalue = 60\nfrom = 2030-01-01\n', "POLICY_UNKNOWN_FIELD"),
    ],
)  # fmt: skip
def test_a_bad_parameter_is_a_load_error_with_its_line(block, code):
    with pytest.raises(PolicyLoadError) as caught:
        load_policy(_with_parameters(block), known_tags=KNOWN_TAGS)
    issue = caught.value.issues[0]
    assert issue.code == code
    if code != "POLICY_SYNTAX":
        assert issue.line > DECREE_TEXT.count("\n")  # on the block appended, not the top of the file


def test_entries_of_one_name_in_disjoint_periods_load():
    block = '[[parameters]]\nname = "receipt_notice_minutes"\nvalue = 15\nvalid_until = 2025-06-30\n'
    policy = load_policy(_with_parameters(block), known_tags=KNOWN_TAGS)
    composed = BUILTIN.replacing(policy)
    assert composed.parameters("00105", hanoi(date(2025, 6, 30), time(23))).receipt_notice_minutes == 15
    assert composed.parameters("00105", hanoi(date(2025, 7, 1))).receipt_notice_minutes == 120


@given(
    st.datetimes(min_value=datetime(2013, 1, 1), max_value=datetime(2030, 12, 31)),
    st.sampled_from(["001", "00105", "00131", "00130", "00201"]),
)
@settings(max_examples=400, deadline=None)
def test_every_parameter_given_names_a_policy_in_force_that_sets_it(moment, office):
    values = BUILTIN.parameters(office, moment)
    for name, value in values.values.items():
        assert isinstance(value.value, SPECS[name].kind)
        policy = next(p for p in BUILTIN.policies if p.id == value.policy_id)
        assert policy.covers(office, moment) and policy.parameter(name, moment) is not None


def _past(key: str, **kwargs) -> PastDecision:
    value = facts(**kwargs)
    decision = WITHOUT_DECREE.evaluate(value)
    return PastDecision(
        key, value, decision.outcome, decision.rule_id, decision.policy_id, decision.policy_version
    )


def test_what_if_replay_across_2015_and_2025_dates():
    """Decisions recorded under 2671 alone, replayed with the decree added: only the electronic
    dossiers received outside Hanoi's 31 offices from 01/07/2025 change (to accepted)."""
    past = [
        _past("a", channel="electronic", office=OUT_OF_SCOPE_OFFICE, day=date(2015, 10, 5)),
        _past("b", channel="electronic", office=OUT_OF_SCOPE_OFFICE, day=date(2025, 6, 30), at=time(23, 59)),
        _past("c", channel="electronic", office=OUT_OF_SCOPE_OFFICE, day=date(2025, 7, 1), at=time(0)),
        _past("d", channel="electronic", office="00105", day=date(2025, 7, 2)),
        _past("e", channel="barcode", office=OUT_OF_SCOPE_OFFICE, day=date(2025, 7, 2)),
        _past("f", channel="barcode", office="00105", day=date(2015, 12, 31)),
    ]
    report = replay(past, WITHOUT_DECREE.replacing(DECREE))
    assert report.total == 6
    assert [c.past.key for c in report.changes] == ["c"]
    assert report.changes[0].new.outcome is Outcome.ACCEPT
    assert report.changes[0].new.policy_set == BUILTIN.identity
    assert report.rule_changes == 1  # "d": accepted by the decree instead of 2671
