"""Migration analytics: units by channel per office and month, switch days, units still on barcodes,
the under-6 exception by commune; the command's CSV, XLSX and JSON."""

import json
from datetime import UTC, date, datetime

import pytest

from hoso.cli import main
from hoso.reference.models import Commune
from hoso.reports.migration import migration_report
from hoso.reports.rollups import refresh

from .conftest import make_submission, make_unit

pytestmark = pytest.mark.django_db


def at(y, m, d, h=3):
    return datetime(y, m, d, h, tzinfo=UTC)


@pytest.fixture
def story(demo_data):
    a, b, c = make_unit(), make_unit(), make_unit()
    other = make_unit(office="00110")
    make_submission(a, at=at(2015, 10, 5))
    make_submission(b, at=at(2015, 10, 6))
    make_submission(a, channel="electronic", at=at(2015, 11, 3), ivan="00030")
    make_submission(b, at=at(2015, 11, 4))
    make_submission(b, channel="electronic", at=at(2015, 11, 30, 18), ivan="00040")  # 01/12 in Hanoi
    make_submission(
        c, at=at(2016, 1, 6), outcome="refused", reasons=["POLICY_BARCODE_SUSPENDED_FROM_2016_01_01"]
    )
    make_submission(other, at=at(2015, 10, 7))
    commune = Commune.objects.get(gso_code="00379")
    make_submission(commune=commune, procedure_code="602", at=at(2016, 1, 8))
    refresh()
    return a, b, c, other


def test_units_by_channel_per_office_and_month(story):
    a, b, c, _ = story
    report = migration_report("00105", date(2015, 9, 1), date(2016, 1, 31))
    rows = {r.month: r for r in report.months}
    assert set(rows) == {"2015-10", "2015-11", "2015-12", "2016-01"}
    assert (rows["2015-10"].active_units, rows["2015-10"].barcode_units) == (2, 2)
    nov = rows["2015-11"]
    assert (nov.active_units, nov.barcode_units, nov.electronic_units, nov.both_units) == (2, 1, 1, 0)
    assert nov.electronic_share_units == 0.5 and nov.switched_units == 1
    assert nov.electronic_dossiers == 1 and nov.barcode_dossiers == 1 and nov.electronic_share_dossiers == 0.5
    dec = rows["2015-12"]  # b's electronic dossier at 01:00 on 01/12 Hanoi time
    assert (dec.electronic_units, dec.switched_units) == (1, 1)
    jan = rows["2016-01"]
    assert (jan.barcode_units, jan.refused_barcode, jan.barcode_dossiers) == (1, 1, 0)
    assert {r.office for r in migration_report("001", date(2015, 9, 1), date(2016, 1, 31)).months} == {
        "00105",
        "00110",
    }


def test_switch_days_and_units_still_on_barcodes(story):
    a, b, c, _ = story
    report = migration_report("00105", date(2015, 9, 1), date(2016, 1, 31), last_days=30)
    assert [(s.unit, s.first_electronic, s.last_barcode) for s in report.switches] == [
        (a.code, "2015-11-03", "2015-10-05"),
        (b.code, "2015-12-01", "2015-11-04"),
    ]
    (still,) = report.still_on_barcodes
    assert (still.unit, still.last_barcode, still.refused, still.email) == (c.code, "2016-01-06", 1, c.email)
    # b filed by barcode in November but electronically since: not on barcodes at the end of November.
    nov = migration_report("00105", date(2015, 9, 1), date(2015, 11, 30), last_days=30)
    assert {s.unit for s in nov.still_on_barcodes} == {b.code}


def test_under_6_lists_by_commune(story):
    (row,) = migration_report("001", date(2015, 9, 1), date(2016, 1, 31)).under6
    assert (row.commune, row.month, row.barcode_accepted, row.has_certificate) == (
        "00379",
        "2016-01",
        1,
        False,
    )


def test_the_command_writes_csv_json_and_xlsx(story, capsys, tmp_path):
    args = [
        "report",
        "migration",
        "--office",
        "00105",
        "--from",
        "2015-09",
        "--to",
        "2016-01",
        "--lang",
        "en",
    ]
    assert main(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert (
        lines[0].startswith("Office,Office name,Month") and len(lines) == 5 and lines[2].startswith("00105,")
    )
    assert main(["report", "migration", "--office", "001", "--from", "2015-09", "--to", "2016-01",
                 "--format", "json"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["from"] == "2015-09-01" and data["to"] == "2016-01-31" and data["still_on_barcodes"]
    out = tmp_path / "m.xlsx"
    assert main(["report", "migration", "--office", "001", "--from", "2015-09", "--to", "2016-01",
                 "--format", "xlsx", "--output", str(out), "--lang", "en"]) == 0  # fmt: skip
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert book.sheetnames == ["Offices by month", "Units switched to electronic",
                               "Units still on barcodes", "Under-6 lists by commune"]  # fmt: skip
    assert book["Offices by month"]["A1"].value == "Office"


def test_the_history_feeds_the_report(history):
    report = migration_report("001", date(2015, 8, 1), date(2016, 3, 31))
    months = {r.month for r in report.months}
    assert "2015-08" in months and "2016-03" in months
    assert sum(r.switched_units for r in report.months) == len(report.switches) > 0
    aug = [r for r in report.months if r.month == "2015-08"]
    assert all(r.electronic_units == 0 for r in aug)
