"""Issue 7 item 10, in a real browser: the desk receives a barcoded under-6 list from a scan and prints
the receipt; the card department takes it and records the result; the desk hands it over; a unit's
barcoded dossier after 01/01/2016 is refused with the rule and the advice."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from django.utils import timezone

from hoso.barcode import make_chunks, print_envelope
from hoso.testing.envelopes import envelope
from hoso.workflow.models import Dossier
from hoso.workflow.states import Status
from tests.workflow.conftest import children_envelope

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _children_pdf() -> bytes:
    today = timezone.localdate()
    born = [date(today.year - 2, 3, 12), date(today.year - 4, 10, 1)]
    children = [
        ("Nguyễn Văn Bé", born[0].strftime("%d/%m/%Y"), "1"),
        ("Trần Thị Na", born[1].strftime("%d/%m/%Y"), "0"),
    ]
    raw = children_envelope("00379", children).replace(b"01/2016", today.strftime("%m/%Y").encode())
    return print_envelope(raw)


def _pdf_to_png(pdf: bytes, target) -> None:
    if shutil.which("pdftoppm") is None:
        return
    source = target.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-singlefile", str(source), str(target.with_suffix(""))], check=True
    )
    source.unlink()


def test_an_under_6_list_from_scan_to_hand_over(page_for, site, shots, tmp_path):
    scan = tmp_path / "danh-sach-tre-em.pdf"
    scan.write_bytes(_children_pdf())

    desk = page_for("motcua.socson")
    assert desk.url.endswith("/tiep-nhan/")
    assert desk.evaluate("document.activeElement.name") == "scanner"  # the scanner field has the focus
    desk.screenshot(path=shots / "reception.png", full_page=True)
    desk.set_input_files("#id_scans", str(scan))
    desk.click("#upload button[type=submit]")
    desk.wait_for_selector("#verdict")
    assert "Đã tiếp nhận" in desk.inner_text("#verdict")
    assert "Nguyễn Văn Bé" in desk.inner_text("#decoded")
    desk.screenshot(path=shots / "reception-accepted.png", full_page=True)
    dossier = Dossier.objects.get()
    assert dossier.office_id == "00110" and dossier.department_id == "so_the"
    receipt = desk.request.get(site + desk.get_attribute("#print", "href"))
    assert receipt.ok and receipt.body().startswith(b"%PDF")
    _pdf_to_png(receipt.body(), shots / "receipt.png")

    officer = page_for("sothe.socson")
    officer.goto(f"{site}/ho-so/")
    officer.screenshot(path=shots / "queue.png", full_page=True)
    officer.click(f"text={dossier.number}")
    officer.click("text=Nhận xử lý hồ sơ")
    officer.wait_for_selector("#result-form")
    officer.set_input_files("#result-form input[type=file]", files=[
        {"name": "quyet-dinh.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% ket qua\n"}
    ])  # fmt: skip
    officer.fill("input[name=card_0]", "0123000001")
    officer.fill("input[name=card_1]", "0121000002")
    officer.click("#result-form button")
    officer.wait_for_selector("#result")
    assert "TE1010123000001" in officer.inner_text("#result")
    officer.screenshot(path=shots / "dossier.png", full_page=True)

    desk.goto(f"{site}/tra-ket-qua/")
    desk.fill("input[name=receiver]", "Bà Lê Thị Cán bộ xã")
    desk.click("text=Trả kết quả >> nth=-1")
    desk.wait_for_load_state("networkidle")
    assert Dossier.objects.get().status == Status.HANDED_OVER

    visitor = page_for("motcua.socson")
    visitor.goto(f"{site}/tra-cuu/?so={dossier.number}&ma={dossier.commune_id}")  # what the QR code opens
    assert "Đã trả kết quả" in visitor.inner_text("#found")
    visitor.screenshot(path=shots / "lookup.png")


def test_a_refused_barcoded_dossier_shows_the_rule_and_the_advice(page_for, site, shots):
    from hoso.reference.models import Unit

    unit = Unit.objects.filter(office_id="00110").order_by("code").first()
    period = timezone.localdate().strftime("%m/%Y")
    lines = make_chunks(envelope(unit_code=unit.code, tax_code=unit.tax_code, period=period))

    desk = page_for("motcua.socson")
    desk.focus("#id_scanner")
    for line in lines:  # what a keyboard-wedge scanner types; the field sends itself when it stops
        desk.keyboard.insert_text(line)
        desk.keyboard.press("Enter")
    desk.wait_for_selector("#verdict")
    verdict = desk.inner_text("#verdict")
    assert "Từ chối tiếp nhận" in verdict and "2671" in verdict
    assert re.search(r"Cách làm thay thế:.*điện tử", verdict)
    desk.screenshot(path=shots / "refusal.png", full_page=True)
    refusal = desk.request.get(site + desk.get_attribute("#print", "href"))
    assert refusal.body().startswith(b"%PDF")
    _pdf_to_png(refusal.body(), shots / "refusal-print.png")


def test_the_it_pages_and_english(page_for, site, shots):
    it = page_for("cntt", language="en")
    it.goto(f"{site}/cntt/chinh-sach/")
    assert "Policies in force" in it.inner_text("main")
    it.click("text=Use as draft >> nth=0")
    it.click("#whatif button[type=submit]")
    it.wait_for_selector("#replay-result, p.error")
    it.screenshot(path=shots / "it-policies.png", full_page=True)
    assert it.query_selector("#replay-result"), it.inner_text("main")[:2000]
    it.screenshot(path=shots / "it-policies.png", full_page=True)
