"""Issue 20, items 5 and 6, in Chromium: the receipt (Mẫu 01) carries the officer's full name, who
brought the dossier and their phone as typed, and a Code 128 barcode of the number; at hand-over a
keyboard-wedge scanner types that number and Enter and the dossier's row comes up with the cursor in
"received by"; the public lookup takes the number without its leading zeros, or the receipt's QR code
scanned into its field; an uploaded list uploaded again says when and under which number it was
received instead of a second green verdict."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
import zxingcpp
from django.contrib.auth import get_user_model
from django.utils import timezone

from hoso.barcode import print_envelope
from hoso.intake.models import Submission
from hoso.workflow import actions
from hoso.workflow.access import actor_for
from hoso.workflow.models import Dossier
from hoso.workflow.results import Document
from tests.workflow.conftest import children_envelope

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PAUSE_MS = 600  # the officer lifting the scanner


def _born(years_ago: int, month: int, day: int) -> str:
    return date(timezone.localdate().year - years_ago, month, day).strftime("%d/%m/%Y")


def _typed_dossier(desk) -> Dossier:
    desk.focus("#id_paper-kind")
    desk.select_option("#id_paper-kind", "2")
    for field, text in (
        ("#id_paper-code", "00379"),
        ("#id_paper-representative", "Đỗ Thị Lan"),
        ("#id_paper-phone", "0912 345 678"),
        ("#id_paper-period", timezone.localdate().strftime("%m/%Y")),
        ("#id_paper-copies", "2"),
        ("#id_paper-rows", f"Nguyễn Văn Bé; {_born(2, 3, 12)}; 1"),
    ):
        desk.fill(field, text)
    desk.wait_for_selector("#paper-submitter.ok")  # the name filled in from the code
    desk.select_option("#id_paper-procedure", "602")
    with desk.expect_navigation():
        desk.click("#paper-form button[type=submit]")
    desk.wait_for_selector("#verdict")
    return Dossier.objects.get()


def _receipt(desk) -> tuple[str, str]:
    """The receipt as printed: its text, and what a scanner reads from its Code 128 symbol."""
    pdf = desk.request.get(desk.url + "in/").body()
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=3).to_pil()
    (code128,) = [c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.Code128]
    return page.get_textpage().get_text_range(), code128


def _wedge(page, text: str) -> None:
    """A keyboard-wedge scanner: one key event per character, fast, then Enter."""
    page.keyboard.type(text, delay=0)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def test_the_receipt_is_scanned_at_hand_over_and_in_the_lookup(page_for, browser, site, shots):
    get_user_model().objects.filter(username="motcua.socson").update(last_name="Nguyễn Thị", first_name="Lan")
    desk = page_for("motcua.socson")
    dossier = _typed_dossier(desk)
    text, scanned = _receipt(desk)
    assert scanned == dossier.number
    for expected in (
        f"Số: {dossier.number}",
        "Ông/bà: Đỗ Thị Lan",
        "Số điện thoại: 0912 345 678",
        "Nguyễn Thị Lan",
    ):
        assert expected in text, expected

    sothe = actor_for(get_user_model().objects.get(username="sothe.socson"))
    actions.take(dossier, sothe)
    actions.record(
        dossier, sothe, documents=[Document("the.pdf", b"%PDF-1.4\n% the\n")], card_numbers={0: "0115000001"}
    )

    desk.goto(f"{site}/tra-ket-qua/")
    assert desk.evaluate("document.activeElement.name") == "so"
    desk.wait_for_timeout(PAUSE_MS)
    _wedge(desk, scanned)
    rows = desk.query_selector_all("table.data tbody tr")
    assert len(rows) == 1 and dossier.number in rows[0].inner_text()
    assert desk.evaluate("document.activeElement.name") == "receiver"  # next: who receives it
    desk.screenshot(path=shots / "handover-scanned.png", full_page=False)
    desk.keyboard.type("Đỗ Thị Lan")
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    dossier.refresh_from_db()
    assert dossier.status == "handed_over"

    public = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi").new_page()
    public.goto(f"{site}/tra-cuu/")
    sequence, year, office = dossier.number.split("/")
    _wedge(public, f"{int(sequence)}/{year}/{int(office)}")  # typed without leading zeros
    assert public.input_value("#id_so") == dossier.number and public.query_selector("#need-code")
    assert public.evaluate("document.activeElement.name") == "ma"
    _wedge(public, "00379")
    assert dossier.number in public.inner_text("#found")

    public.goto(f"{site}/tra-cuu/")
    _wedge(public, f"{site}/tra-cuu/?so={dossier.number}&ma=00379")  # the QR code read by a 2D scanner
    assert dossier.number in public.inner_text("#found") and "Đã trả kết quả" in public.inner_text("#found")
    public.screenshot(path=shots / "lookup-scanned.png", full_page=False)
    public.context.close()


def test_an_uploaded_list_uploaded_again_says_when_and_under_which_number(page_for, shots, tmp_path):
    today = timezone.localdate()
    raw = children_envelope("00379", [("Nguyễn Văn Bé", _born(2, 3, 12), "1")])
    pdf = tmp_path / "danh-sach.pdf"
    pdf.write_bytes(print_envelope(raw.replace(b"01/2016", today.strftime("%m/%Y").encode())))
    desk = page_for("motcua.socson")
    for _ in range(2):
        desk.goto(desk.url.split("/tiep-nhan/")[0] + "/tiep-nhan/")
        desk.set_input_files("#id_scans", str(pdf))
        with desk.expect_navigation():
            desk.click("#upload button[type=submit]")
        desk.wait_for_selector("#verdict")
    first = Submission.objects.get()
    received = timezone.localtime(first.received_at).strftime("%d/%m/%Y %H:%M")
    assert f"đã tiếp nhận lúc {received}, số {first.dossier.number}" in desk.inner_text("#repeat")
    assert "warn" in desk.get_attribute("#verdict", "class").split()  # not the green verdict again
    desk.screenshot(path=shots / "reception-repeat.png", full_page=False)
