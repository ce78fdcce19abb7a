"""What-if replay over the recorded decisions."""

from __future__ import annotations

import csv
import io
import time as clock
from datetime import UTC, date, datetime, timedelta

import pytest

from hoso.policies import services
from hoso.policies.models import Decision

from .helpers import at, draft_text

pytestmark = pytest.mark.django_db


def record(
    day: date, *, channel="barcode", procedure="600", submitter="unit", code="TA0100A", office="00105", **kw
):
    facts = services.facts_for(
        channel=channel,
        procedure_code=procedure,
        submitter_kind=submitter,
        submitter_code=code,
        has_certificate=kw.get("certificate", False),
        office_code=office,
        received_at=kw.get("received_at") or at(day),
    )
    return services.decide_and_record(facts)[1]


def test_replay_of_a_moved_cut_off(reference_data):
    record(date(2015, 12, 31))  # accepted, stays accepted
    record(date(2016, 1, 4), code="TA0100A")
    record(date(2016, 1, 4), code="TB0200B", office="00101")
    record(date(2016, 2, 1), code="TB0200B", office="00101", procedure="601")
    record(date(2016, 4, 1), code="TC0300C")  # still refused under the draft (renamed rule)
    record(date(2016, 1, 4), channel="paper", code="TD0400D")
    record(
        date(2016, 1, 4),
        channel="barcode",
        procedure="602",
        submitter="commune",
        code="00007",
        certificate=True,
    )
    report = services.replay_stored(draft_text(), date(2015, 12, 1), date(2016, 4, 30))
    assert report.total == 7
    assert report.overall.changed == 3 and report.overall.newly_accepted == 3
    assert {k: t.changed for k, t in report.by_office.items()} == {"00105": 1, "00101": 2}
    assert {k: t.changed for k, t in report.by_procedure.items()} == {"600": 2, "601": 1}
    assert report.affected_submitters == [("unit", "TB0200B"), ("unit", "TA0100A")]
    assert report.rule_changes == 1
    assert Decision.objects.count() == 7  # replay writes nothing


def test_the_period_is_in_vietnam_dates(reference_data):
    record(
        date(2016, 1, 1), received_at=datetime(2015, 12, 31, 17, 30, tzinfo=UTC)
    )  # 00:30 on 1 Jan in Hanoi
    record(date(2016, 1, 31), received_at=at(date(2016, 1, 31), 23, 59))
    record(date(2016, 2, 1), received_at=at(date(2016, 2, 1), 0, 0))
    report = services.replay_stored(draft_text(), date(2016, 1, 1), date(2016, 1, 31))
    assert report.total == 2 and report.overall.changed == 2


def test_replay_under_the_active_policies_changes_nothing(reference_data):
    for n in range(5):
        record(date(2015, 12, 30) + timedelta(days=n), code=f"U{n}")
    text = services.active_versions()[0].content
    report = services.replay_stored(text, None, None)
    assert report.total == 5 and report.overall.changed == 0 and report.rule_changes == 0


@pytest.mark.slow
def test_replay_of_20k_stored_decisions(reference_data):
    template = record(date(2016, 1, 4))
    rows = []
    for n in range(20_000):
        rows.append(
            Decision(
                received_at=template.received_at + timedelta(minutes=n % 5000),
                channel=template.channel,
                procedure_code=template.procedure_code,
                submitter_kind=template.submitter_kind,
                submitter_code=f"U{n % 700:05d}",
                has_certificate=False,
                office_code=template.office_code,
                facts={**template.facts, "submitter_code": f"U{n % 700:05d}"},
                outcome=template.outcome,
                rule=template.rule,
                policy_version=template.policy_version,
                policy=template.policy,
                version=template.version,
                message_vi=template.message_vi,
                message_en=template.message_en,
                legal_basis_vi=template.legal_basis_vi,
                legal_basis_en=template.legal_basis_en,
            )
        )
    Decision.objects.bulk_create(rows, batch_size=2000)
    started = clock.perf_counter()
    report = services.replay_stored(draft_text(), date(2016, 1, 1), date(2016, 1, 31))
    elapsed = clock.perf_counter() - started
    assert report.total == 20_001 and report.overall.changed == 20_001
    assert len(report.affected_submitters) == 701
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert rows[0]["changed"] == "20001"
    assert elapsed < 30, f"replay of 20k stored decisions took {elapsed:.1f}s"
