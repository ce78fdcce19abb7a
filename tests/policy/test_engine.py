"""Composition of policies, evaluation details and the time of reception."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from hoso.policy import (
    VN_TZ,
    NoDecisionError,
    Outcome,
    PolicyCompositionError,
    PolicySet,
    builtin_policies,
    load_policy,
)
from hoso.policy.facts import FactsError

from .helpers import BASELINE_TEXT, BUILTIN, DISPATCH_TEXT, KNOWN_TAGS, draft_text, facts


def test_dispatch_takes_precedence_over_the_baseline():
    assert [p.id for p in BUILTIN.policies] == ["164-2025-nd-cp", "2671-bhxh-cntt", "baseline"]
    decision = BUILTIN.evaluate(facts(channel="paper", day=date(2016, 1, 5)))
    assert (decision.outcome, decision.policy_id, decision.rule_id) == (
        Outcome.ACCEPT,
        "baseline",
        "paper-accepted",
    )


def test_the_issue_example_commune_without_certificate():
    decision = BUILTIN.evaluate(
        facts(
            channel="barcode", kind="child-card", submitter="commune", certificate=False, day=date(2016, 1, 5)
        )
    )
    assert decision.accepted and decision.rule_id == "child-card-commune-without-certificate"
    assert decision.legal_basis_vi.startswith("Công văn 2671/BHXH-CNTT ngày 26/11/2015")


def test_commune_with_certificate_is_told_to_file_electronically():
    decision = BUILTIN.evaluate(
        facts(
            channel="barcode", kind="child-card", submitter="commune", certificate=True, day=date(2016, 1, 5)
        )
    )
    assert not decision.accepted
    assert "điện tử" in decision.advice_vi and "electronically" in decision.advice_en


def test_the_date_is_the_vietnam_local_date():
    # 2015-12-31 17:00 UTC is 2016-01-01 00:00 in Hanoi: barcodes are already refused.
    before = facts(day=date(2015, 12, 31), at=time(23, 59, 59))
    after_utc = facts()
    after_utc = type(after_utc)(
        **{**_fields(after_utc), "received_at": datetime(2015, 12, 31, 17, 0, tzinfo=UTC)}
    )
    assert BUILTIN.evaluate(before).accepted
    assert after_utc.received_on == date(2016, 1, 1)
    assert BUILTIN.evaluate(after_utc).rule_id == "barcode-suspended-from-2016-01-01"


def test_naive_times_are_local():
    naive = type(facts())(**{**_fields(facts()), "received_at": datetime(2016, 1, 1, 0, 0)})
    assert naive.received_on == date(2016, 1, 1) and not BUILTIN.evaluate(naive).accepted


def _fields(value):
    return {
        "channel": value.channel,
        "procedure_code": value.procedure_code,
        "procedure_tags": value.procedure_tags,
        "submitter_kind": value.submitter_kind,
        "has_certificate": value.has_certificate,
        "office_code": value.office_code,
        "received_at": value.received_at,
        "submitter_code": value.submitter_code,
    }


def test_the_31_hanoi_offices_are_in_scope_and_no_other():
    import csv
    from pathlib import Path

    shared = Path("/work/shared/domain/hanoi-offices.csv")
    dispatch = BUILTIN.policies[1]
    if shared.exists():
        with shared.open(encoding="utf-8") as handle:
            assert dispatch.offices == {row["office_code"] for row in csv.DictReader(handle)}
    assert len(dispatch.offices) == 31
    assert BUILTIN.evaluate(facts(channel="electronic", office="00130")).rule_id == "channel-not-opened"


def test_policies_of_equal_precedence_cannot_compose():
    dispatch, baseline = builtin_policies(known_tags=KNOWN_TAGS)[1:]
    twin = load_policy(DISPATCH_TEXT.replace('id = "2671-bhxh-cntt"', 'id = "twin"'), known_tags=KNOWN_TAGS)
    with pytest.raises(PolicyCompositionError) as caught:
        PolicySet([dispatch, twin, baseline])
    assert caught.value.code == "POLICY_SET_EQUAL_PRECEDENCE"


def test_a_set_needs_a_total_baseline():
    dispatch, _ = builtin_policies(known_tags=KNOWN_TAGS)[1:]
    with pytest.raises(PolicyCompositionError) as caught:
        PolicySet([dispatch])
    assert caught.value.code == "POLICY_SET_NOT_TOTAL"
    partial = PolicySet([dispatch], require_total=False)
    with pytest.raises(NoDecisionError):
        partial.evaluate(facts(channel="paper"))


def test_the_same_policy_twice_cannot_compose():
    dispatch, baseline = builtin_policies(known_tags=KNOWN_TAGS)[1:]
    other = load_policy(DISPATCH_TEXT.replace("precedence = 100", "precedence = 90"), known_tags=KNOWN_TAGS)
    with pytest.raises(PolicyCompositionError) as caught:
        PolicySet([dispatch, other, baseline])
    assert caught.value.code == "POLICY_SET_DUPLICATE"


def test_a_draft_replaces_the_policy_with_its_id():
    draft = load_policy(draft_text(), known_tags=KNOWN_TAGS)
    composed = BUILTIN.replacing(draft)
    assert composed.identity == (("164-2025-nd-cp", 1), ("2671-bhxh-cntt", 2), ("baseline", 1))


def test_rules_in_force_on_a_date():
    on_new_year = [(r.policy.id, r.rule.id) for r in BUILTIN.rules_in_force(date(2016, 1, 1))]
    assert ("2671-bhxh-cntt", "barcode-suspended-from-2016-01-01") in on_new_year
    assert ("2671-bhxh-cntt", "barcode-accepted-until-2015-12-31") not in on_new_year
    assert on_new_year[-1] == ("baseline", "channel-not-opened")
    in_2015 = [r.rule.id for r in BUILTIN.rules_in_force(date(2015, 12, 31))]
    assert (
        "barcode-accepted-until-2015-12-31" in in_2015
        and "child-card-commune-with-certificate" not in in_2015
    )


def test_a_scoped_policy_period():
    text = DISPATCH_TEXT.replace("issued = 2015-11-26", "issued = 2015-11-26\nvalid_until = 2017-12-31")
    limited = PolicySet(
        [load_policy(text, known_tags=KNOWN_TAGS), load_policy(BASELINE_TEXT, known_tags=KNOWN_TAGS)]
    )
    assert (
        limited.evaluate(facts(channel="electronic", day=date(2017, 12, 31))).rule_id == "electronic-accepted"
    )
    assert limited.evaluate(facts(channel="electronic", day=date(2018, 1, 1))).rule_id == "channel-not-opened"
    assert not limited.rules_in_force(date(2018, 1, 1))[0].policy.id == "2671-bhxh-cntt"


def test_decision_as_dict():
    decision = BUILTIN.evaluate(facts(channel="barcode", at=time(8)))
    data = decision.to_dict()
    assert data["outcome"] == "refuse" and data["accepted"] is False
    assert data["rule"] == "barcode-suspended-from-2016-01-01" and data["policy_version"] == 1
    assert data["policy_set"] == [
        {"policy": "164-2025-nd-cp", "version": 1},
        {"policy": "2671-bhxh-cntt", "version": 1},
        {"policy": "baseline", "version": 1},
    ]
    assert data["message"].startswith("Từ ngày 01/01/2016")


def test_facts_accept_enum_values_and_reject_unknown_ones():
    with pytest.raises(FactsError) as caught:
        facts(channel="fax")
    assert caught.value.code == "POLICY_BAD_FACTS" and isinstance(caught.value, ValueError)
    assert facts(channel="paper").received_at.tzinfo is VN_TZ
