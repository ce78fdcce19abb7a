"""What-if replay: re-decide past decisions under a draft and count what would change."""

from __future__ import annotations

import csv
import io
import time as clock
from datetime import date, timedelta

import pytest

from hoso.policy import load_policy
from hoso.policy.replay import PastDecision, replay

from .helpers import BUILTIN, KNOWN_TAGS, draft_text, facts

# A draft that moves the barcode cut-off from 2015-12-31 to 2016-03-31.
DRAFT_TEXT = draft_text()
DRAFT = BUILTIN.replacing(load_policy(DRAFT_TEXT, known_tags=KNOWN_TAGS))


def past(key: str, **kwargs) -> PastDecision:
    value = facts(**kwargs)
    decision = BUILTIN.evaluate(value)
    return PastDecision(
        key, value, decision.outcome, decision.rule_id, decision.policy_id, decision.policy_version
    )


def test_draft_is_valid():
    assert DRAFT.identity == (("164-2025-nd-cp", 1), ("2671-bhxh-cntt", 2), ("baseline", 1))
    assert "barcode-suspended-from-2016-04-01" in [r.id for r in DRAFT.policies[1].rules]


def test_replay_counts_changes_by_office_procedure_and_submitter():
    history = [
        past("1", channel="barcode", kind="pilot", code="TA0100A", office="00105", day=date(2016, 1, 4)),
        past("2", channel="barcode", kind="pilot", code="TA0100A", office="00105", day=date(2016, 2, 1)),
        past("3", channel="barcode", kind="pilot", code="TB0200B", office="00101", day=date(2016, 3, 31)),
        past(
            "4", channel="barcode", kind="pilot", code="TB0200B", office="00101", day=date(2016, 4, 1)
        ),  # same
        past("5", channel="electronic", kind="pilot", code="TC0300C", day=date(2016, 1, 4)),  # same
        past("6", channel="barcode", kind="other", code="TD0400D", day=date(2016, 1, 4)),  # same
        past(
            "7",
            channel="barcode",
            kind="child-card",
            submitter="commune",
            certificate=True,
            code="00007",
            day=date(2016, 1, 4),
        ),
        past(
            "8",
            channel="barcode",
            kind="child-card",
            submitter="unit",
            code="TE0500E",
            office="00101",
            day=date(2016, 1, 4),
        ),
        past("9", channel="paper", kind="pilot", code="TA0100A", day=date(2016, 1, 4)),  # same
    ]
    report = replay(history, DRAFT, date_from=date(2016, 1, 1), date_to=date(2016, 4, 30))
    assert report.total == 9
    assert [c.past.key for c in report.changes] == ["1", "2", "3", "8"]
    assert (
        report.overall.changed == 4
        and report.overall.newly_accepted == 4
        and report.overall.newly_refused == 0
    )
    assert {k: t.changed for k, t in report.by_office.items()} == {"00105": 2, "00101": 2}
    assert {k: t.changed for k, t in report.by_procedure.items()} == {"600": 3, "602": 1}
    assert report.affected_submitters == [("unit", "TA0100A"), ("unit", "TB0200B"), ("unit", "TE0500E")]
    # item 4 is still refused, by the renamed suspension rule; item 7 (commune with a certificate) is unchanged
    assert report.rule_changes == 1


def test_csv_output():
    history = [past(str(n), channel="barcode", code=f"U{n % 3}", day=date(2016, 1, 4)) for n in range(6)]
    report = replay(history, DRAFT)
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert rows[0] == {
        "section": "total",
        "key": "6",
        "submitter_kind": "",
        "changed": "6",
        "newly_refused": "0",
        "newly_accepted": "6",
    }
    assert [(r["section"], r["key"], r["changed"]) for r in rows[1:3]] == [
        ("office", "00105", "6"),
        ("procedure", "600", "6"),
    ]
    assert [(r["key"], r["submitter_kind"], r["changed"]) for r in rows[3:]] == [
        ("U0", "unit", "2"),
        ("U1", "unit", "2"),
        ("U2", "unit", "2"),
    ]
    details = list(csv.DictReader(io.StringIO(report.to_details_csv())))
    assert len(details) == 6
    assert details[0]["old_rule"] == "barcode-suspended-from-2016-01-01"
    assert details[0]["new_rule"] == "barcode-accepted-until-2015-12-31"
    assert details[0]["new_policy"] == "2671-bhxh-cntt@2"


def test_text_and_dict_output():
    report = replay([past("1", channel="barcode", day=date(2016, 1, 4))], DRAFT, date_from=date(2016, 1, 1))
    text = report.to_text()
    assert "Thay đổi kết quả (outcome changes): 1" in text and "TA0100A (unit)" in text
    data = report.to_dict()
    assert data["changed"] == 1 and data["affected_submitters"][0]["submitter"] == "TA0100A"
    assert data["from"] == "2016-01-01" and data["to"] is None


def test_nothing_changes_under_the_same_policies():
    history = [
        past(str(n), channel=ch, day=date(2015, 12, 30) + timedelta(days=n))
        for n in range(4)
        for ch in ("barcode", "paper")
    ]
    report = replay(history, BUILTIN)
    assert report.total == 8 and not report.changes and report.rule_changes == 0


@pytest.mark.slow
def test_replay_of_100k_decisions_is_fast():
    template = [
        past(
            str(n),
            channel=ch,
            kind=kind,
            submitter=sub,
            code=f"U{n}",
            day=date(2015, 12, 1) + timedelta(days=n % 60),
        )
        for n, (ch, kind, sub) in enumerate(
            (ch, kind, sub)
            for ch in ("barcode", "electronic", "paper")
            for kind in ("pilot", "child-card", "other")
            for sub in ("unit", "commune")
        )
    ]
    history = [template[n % len(template)] for n in range(100_000)]
    started = clock.perf_counter()
    report = replay(history, DRAFT)
    elapsed = clock.perf_counter() - started
    assert report.total == 100_000
    assert elapsed < 10, f"replay of 100k decisions took {elapsed:.1f}s"
