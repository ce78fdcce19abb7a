"""The desk reads barcoded dossiers and the dispatch decides: before 01/01/2016 any submitter, from
then on only communes without a registered certificate filing the under-6 health-card list."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from hoso.barcode import make_chunks, print_envelope
from hoso.dossier import EnvelopeFile
from hoso.intake.blobstore import blob_store
from hoso.intake.desk import receive_scanner_text, receive_scans
from hoso.reference.models import Commune, Officer
from hoso.testing.envelopes import children_list, envelope

from .conftest import UNIT_CODE, UNIT_TAX, register_certificate

pytestmark = pytest.mark.django_db
NOV_2015 = datetime(2015, 11, 10, 2, tzinfo=UTC)
JAN_2016 = datetime(2016, 1, 5, 2, tzinfo=UTC)


@pytest.fixture
def officer(demo_data):
    user = get_user_model().objects.create_user("motcua.test")
    Officer.objects.create(user=user, office_id="00110", department_id="mot_cua")
    return user


def _unit_dossier(period="11/2015") -> str:
    return "\n".join(make_chunks(envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, period=period)))


def _children(commune_code="00379") -> bytes:
    d03 = children_list(
        commune_code, [("Nguyễn Văn Bé", "12/03/2015", "1"), ("Trần Thị Na", "01/10/2014", "0")]
    )
    return envelope(
        unit_code=commune_code, tax_code="", kind="2", procedure="602", period="01/2016",
        forms=[EnvelopeFile(name="D03-TS.xml", content=d03, form_code="D03-TS", description="Danh sách trẻ em")],
    )  # fmt: skip


def test_a_units_barcoded_dossier_is_accepted_before_2016(unit, officer):
    desk = receive_scanner_text(_unit_dossier(), officer=officer, received_at=NOV_2015)
    (reception,) = desk.receptions
    assert reception.outcome == "accepted", reception.submission.reasons
    assert reception.submission.channel == "barcode" and reception.submission.dossier.number.endswith(
        "/2015/00105"
    )
    assert blob_store().exists(desk.evidence[0])


def test_a_units_barcoded_dossier_is_refused_from_2016_with_advice(unit, officer):
    desk = receive_scanner_text(_unit_dossier("12/2015"), officer=officer, received_at=JAN_2016)
    (reception,) = desk.receptions
    assert reception.outcome == "refused"
    (reason,) = reception.submission.reasons
    assert "2671" in reason["legal_basis"] and reason["advice"]
    assert "điện tử" in reason["advice"]


def test_the_under_6_list_of_a_commune_without_certificate_is_accepted_in_2016(unit, officer):
    desk = receive_scanner_text("\n".join(make_chunks(_children())), officer=officer, received_at=JAN_2016)
    (reception,) = desk.receptions
    assert reception.outcome == "accepted", reception.submission.reasons
    dossier = reception.submission.dossier
    assert (
        dossier.commune_id == "00379" and dossier.office_id == "00110" and dossier.department_id == "so_the"
    )
    rows = reception.submission.facts["forms"][0]["rows"]
    assert [r["ho_ten"] for r in rows] == ["Nguyễn Văn Bé", "Trần Thị Na"]
    assert (
        rows[0]["ChuHo"] and rows[0]["SoGiayKhaiSinh"] and rows[0]["MaXa"] == "00379"
    )  # ready for the cards


def test_the_under_6_list_of_a_commune_with_a_certificate_is_refused(unit, officer, pki):
    register_certificate(Commune.objects.get(gso_code="00379"), pki.entities["commune"].certificate)
    desk = receive_scanner_text("\n".join(make_chunks(_children())), officer=officer, received_at=JAN_2016)
    (reception,) = desk.receptions
    assert reception.outcome == "refused"
    assert "điện tử" in reception.submission.reasons[0]["message"] + reception.submission.reasons[0]["advice"]


def test_a_scan_missing_a_symbol_names_it_and_receives_nothing(unit, officer):
    lines = make_chunks(envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, employees=60), max_slice=300)
    assert len(lines) > 2
    desk = receive_scanner_text("\n".join(lines[:1] + lines[2:]), officer=officer, received_at=NOV_2015)
    assert not desk.complete and not desk.receptions
    assert desk.read.dossiers[0].missing == [2]


def test_a_printed_pdf_is_read_and_received(unit, officer):
    pdf = print_envelope(envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, period="11/2015"))
    desk = receive_scans([("ho-so.pdf", pdf)], officer=officer, received_at=NOV_2015)
    assert desk.complete, desk.problems()
    assert desk.receptions[0].outcome == "accepted"
    # The same paper scanned again is a repeat, not a second dossier.
    again = receive_scans([("ho-so.pdf", pdf)], officer=officer, received_at=NOV_2015)
    assert again.receptions[0].outcome == "repeat"


def test_the_children_list_command_makes_an_envelope_the_desk_accepts(unit, officer, tmp_path, capsys):
    from hoso.barcode import print_envelope
    from hoso.cli import main

    (tmp_path / "tre.csv").write_text(
        "ho_ten,ngay_sinh,gioi_tinh,so_giay_khai_sinh,chu_ho\nLê Minh,05/05/2015,1,07/2015,Lê Hộ\n",
        encoding="utf-8",
    )
    assert (
        main(
            [
                "children-list",
                "--commune",
                "00379",
                "--csv",
                str(tmp_path / "tre.csv"),
                "--period",
                "01/2016",
                "-o",
                str(tmp_path / "ds.xml"),
            ]
        )
        == 0
    )
    assert "Đã lập danh sách 1 trẻ" in capsys.readouterr().out
    pdf = print_envelope((tmp_path / "ds.xml").read_bytes())
    desk = receive_scans([("ds.pdf", pdf)], officer=officer, received_at=JAN_2016)
    assert desk.receptions and desk.receptions[0].outcome == "accepted", (
        desk.problems() or desk.receptions[0].submission.reasons
    )
    assert (
        main(
            [
                "children-list",
                "--commune",
                "99999",
                "--csv",
                str(tmp_path / "tre.csv"),
                "-o",
                str(tmp_path / "x.xml"),
            ]
        )
        == 3
    )


def test_every_desk_reading_is_recorded_with_its_evidence_and_submissions(unit, officer):
    from hoso.intake.models import DeskReading

    text = "\n".join(make_chunks(_children())) + "\n" + _unit_dossier("12/2015")
    desk = receive_scanner_text(text, officer=officer, received_at=JAN_2016)
    reading = DeskReading.objects.get(pk=desk.reading.pk)
    assert reading.officer == officer and reading.source == "scanner_text" and reading.complete
    assert [e["sha256"] for e in reading.evidence] == desk.evidence
    assert reading.evidence[0]["size"] == len(text.encode("utf-8"))
    assert {s.pk for s in reading.submissions.all()} == {r.submission.pk for r in desk.receptions}
    assert sorted(r.outcome for r in desk.receptions) == ["accepted", "refused"]

    # Scans that carried nothing are recorded too: every stored byte belongs to a record.
    nothing = receive_scans([("trang-trang.png", b"\x89PNG\r\n\x1a\n not an image")], officer=officer)
    empty = DeskReading.objects.get(pk=nothing.reading.pk)
    assert not empty.complete and empty.problems and empty.submissions.count() == 0
    assert empty.evidence[0]["name"] == "trang-trang.png" and blob_store().exists(empty.evidence[0]["sha256"])


def test_retention_purges_old_scans_only_when_their_dossiers_are_final(unit, officer):
    from hoso.intake.models import DeskReading
    from hoso.intake.retention import purge
    from hoso.workflow.services import transition
    from hoso.workflow.states import Status

    open_desk = receive_scanner_text(
        "\n".join(make_chunks(_children())), officer=officer, received_at=JAN_2016
    )
    done_desk = receive_scanner_text(
        "\n".join(make_chunks(_children("00382"))), officer=officer, received_at=JAN_2016
    )
    unread = receive_scans([("mo.png", b"blurred")], officer=officer, received_at=JAN_2016)
    (done,) = done_desk.receptions
    for state in (Status.IN_PROCESS, Status.RESULT_READY, Status.HANDED_OVER):
        transition(done.submission.dossier, state, actor_label="test")

    report = purge(now=datetime(2026, 6, 1, tzinfo=UTC))
    assert report.readings_purged == 2  # the finished dossier's scans and the unreadable ones
    assert DeskReading.objects.get(pk=open_desk.reading.pk).purged_at is None
    assert blob_store().exists(open_desk.evidence[0])
    assert not blob_store().exists(done_desk.evidence[0]) and not blob_store().exists(unread.evidence[0])
