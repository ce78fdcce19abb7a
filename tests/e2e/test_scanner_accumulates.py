"""Issue 20, item 1, in Chromium: a keyboard-wedge scanner types the three symbols of an under-6 list
(fast keystrokes, Enter after each), the officer pausing 2.5 s between pages and the page reloaded in
the middle. Nothing is received until the third symbol; then the dossier is received once."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from hoso.barcode import make_chunks
from hoso.barcode.chunks import compress
from hoso.desk.models import PendingScan
from hoso.intake.models import Submission
from hoso.workflow.models import Dossier
from tests.workflow.conftest import children_envelope

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PAUSE_MS = 2500  # turning the page


def _three_symbols() -> list[str]:
    today = timezone.localdate()
    children = [
        ("Nguyễn Văn Bé", date(today.year - 2, 3, 12).strftime("%d/%m/%Y"), "1"),
        ("Trần Thị Na", date(today.year - 4, 10, 1).strftime("%d/%m/%Y"), "0"),
    ]
    raw = children_envelope("00379", children).replace(b"01/2016", today.strftime("%m/%Y").encode())
    lines = make_chunks(raw, max_slice=-(-len(compress(raw)) // 3))
    assert len(lines) == 3
    return lines


def _wedge(page, symbol: str) -> None:
    """What a keyboard-wedge scanner does: one key event per character, fast, then Enter."""
    page.keyboard.type(symbol, delay=0)
    page.keyboard.press("Enter")
    page.wait_for_timeout(PAUSE_MS)
    page.wait_for_load_state("networkidle")


def test_scans_accumulate_across_pauses_and_a_reload(page_for, shots):
    first, second, third = _three_symbols()
    desk = page_for("motcua.socson")
    assert desk.evaluate("document.activeElement.name") == "scanner"

    _wedge(desk, second)
    assert "đã quét 1/3" in desk.inner_text("#pending") and "còn thiếu số 1, 3" in desk.inner_text("#pending")
    assert not Submission.objects.exists()

    desk.reload()
    desk.wait_for_load_state("networkidle")
    assert "đã quét 1/3" in desk.inner_text("#pending")  # kept on the server
    assert desk.evaluate("document.activeElement.name") == "scanner"

    _wedge(desk, third)
    pending = desk.inner_text("#pending")
    assert "đã quét 2/3" in pending and "còn thiếu số 1" in pending and "3" not in pending.split("thiếu")[1]
    assert not Submission.objects.exists() and desk.evaluate("document.activeElement.name") == "scanner"
    desk.screenshot(path=shots / "reception-scanning.png", full_page=True)

    _wedge(desk, first)
    desk.wait_for_selector("#verdict")
    assert "Đã tiếp nhận" in desk.inner_text("#verdict")
    assert Dossier.objects.count() == 1 and Submission.objects.count() == 1
    assert not PendingScan.objects.exists()


def test_the_officer_discards_a_partial_scan_with_the_keyboard(page_for):
    first, _second, _third = _three_symbols()
    desk = page_for("motcua.socson")
    _wedge(desk, first)
    assert "đã quét 1/3" in desk.inner_text("#pending")
    # Keyboard only: the discard button is the stop just before the scanner field (Alt+X in a real
    # browser; Playwright's synthetic keys do not trigger access keys).
    desk.keyboard.press("Shift+Tab")
    assert desk.evaluate("document.activeElement.closest('#pending') !== null")
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    assert desk.query_selector("#pending") is None and "Đã bỏ các mã vạch đã quét" in desk.inner_text("main")
    assert not PendingScan.objects.exists() and not Submission.objects.exists()
