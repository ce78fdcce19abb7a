"""The full truth table of dispatch 2671 over the baseline, around its dates.

Three independent statements must agree on every row: the committed golden file
``truth_table_2671.csv`` (reviewable by the business), an oracle written from the dispatch text, and
the engine running the committed policy files.
"""

from __future__ import annotations

import csv
import functools
import itertools
from datetime import date, time
from pathlib import Path

import pytest

from hoso.policy import Outcome

from .helpers import BUILTIN, IN_SCOPE_OFFICE, OUT_OF_SCOPE_OFFICE, PROCEDURE_KINDS, facts

DATES = (date(2015, 9, 30), date(2015, 10, 1), date(2015, 12, 31), date(2016, 1, 1))
CHANNELS = ("electronic", "barcode", "paper")
SUBMITTERS = ("unit", "commune")
OFFICES = (IN_SCOPE_OFFICE, OUT_OF_SCOPE_OFFICE)
GOLDEN = Path(__file__).with_name("truth_table_2671.csv")


def oracle(day: date, channel: str, kind: str, submitter: str, certificate: bool, office: str) -> str:
    """What the dispatch says, written independently of the policy file."""
    if channel == "paper":
        return "accept"  # not addressed by the dispatch: the baseline accepts paper
    if office != IN_SCOPE_OFFICE:
        return "refuse"  # outside Hanoi no policy opens the electronic or barcode channel
    if channel == "electronic":
        return "accept" if day >= date(2015, 10, 1) else "refuse"
    if day >= date(2016, 1, 1):
        if kind == "child-card" and submitter == "commune":
            return "refuse" if certificate else "accept"
        return "refuse"
    return "accept" if kind in ("pilot", "child-card") else "refuse"


ROWS = list(
    itertools.product(
        DATES, CHANNELS, PROCEDURE_KINDS, SUBMITTERS, (False, True), OFFICES, (time(0, 0), time(23, 59, 59))
    )
)


def _key(day, channel, kind, submitter, certificate, office):
    return (day.isoformat(), channel, kind, submitter, "yes" if certificate else "no", office)


def decide(day, channel, kind, submitter, certificate, office, at):
    return BUILTIN.evaluate(
        facts(
            channel=channel,
            kind=kind,
            submitter=submitter,
            certificate=certificate,
            office=office,
            day=day,
            at=at,
        )
    )


@functools.cache
def _golden() -> dict[tuple[str, ...], tuple[str, str]]:
    with GOLDEN.open(encoding="utf-8") as handle:
        return {
            (r["date"], r["channel"], r["procedure_kind"], r["submitter"], r["certificate"], r["office"]): (
                r["outcome"],
                r["rule"],
            )
            for r in csv.DictReader(handle)
        }


def test_golden_file_covers_the_whole_table():
    golden = _golden()
    assert len(golden) == len(DATES) * len(CHANNELS) * len(PROCEDURE_KINDS) * len(SUBMITTERS) * 2 * len(
        OFFICES
    )
    assert len(golden) == 288


@pytest.mark.parametrize(("day", "channel", "kind", "submitter", "certificate", "office", "at"), ROWS)
def test_truth_table(day, channel, kind, submitter, certificate, office, at):
    decision = decide(day, channel, kind, submitter, certificate, office, at)
    expected = oracle(day, channel, kind, submitter, certificate, office)
    assert decision.outcome == Outcome(expected)
    assert (decision.outcome.value, decision.rule_id) == _golden()[
        _key(day, channel, kind, submitter, certificate, office)
    ]
    if decision.outcome is Outcome.REFUSE:
        assert decision.message_vi and decision.message_en and decision.advice_vi and decision.advice_en
        assert decision.legal_basis_vi and decision.legal_basis_en


def write_golden() -> None:  # pragma: no cover - run by hand after a deliberate change of the policy
    with GOLDEN.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ("date", "channel", "procedure_kind", "submitter", "certificate", "office", "outcome", "rule")
        )
        for day, channel, kind, submitter, certificate, office in itertools.product(
            DATES, CHANNELS, PROCEDURE_KINDS, SUBMITTERS, (False, True), OFFICES
        ):
            decision = decide(day, channel, kind, submitter, certificate, office, time(12, 0))
            writer.writerow(
                (
                    *_key(day, channel, kind, submitter, certificate, office),
                    decision.outcome.value,
                    decision.rule_id,
                )
            )


if __name__ == "__main__":  # pragma: no cover
    write_golden()
