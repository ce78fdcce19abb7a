"""Issue 20, items 2 and 6, in Chromium: the typed paper dossier is a form — the unit is found by its
code as it is typed (name and tax code filled in), a mistyped code is said beside it, a day that does
not exist is said beside the list with the cursor on it (not back in the scanner field), nothing is
received until the form is right; a second dossier of the same unit, procedure and period that day is
asked about before it is received."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hoso.intake.models import Submission
from hoso.reference.models import Unit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _type(page, selector: str, text: str) -> None:
    page.focus(selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_a_typed_unit_list_is_checked_as_a_form_before_it_is_received(page_for, shots):
    unit = Unit.objects.filter(office_id="00110").order_by("code").first()
    period = timezone.localdate().strftime("%-m/%Y")  # as people write it: 3/2026
    desk = page_for("motcua.socson")

    _type(desk, "#id_paper-code", unit.code[:3] + "O" + unit.code[4:])  # a letter O for a zero
    desk.keyboard.press("Tab")
    desk.wait_for_selector("#paper-submitter.error")
    assert "Không có đơn vị nào mã" in desk.inner_text("#paper-submitter")

    _type(desk, "#id_paper-code", unit.code.lower())
    desk.wait_for_selector("#paper-submitter.ok")
    assert desk.input_value("#id_paper-name") == unit.name
    assert desk.input_value("#id_paper-tax_code") == unit.tax_code
    assert "BHXH huyện Sóc Sơn" in desk.inner_text("#paper-submitter")

    _type(desk, "#id_paper-representative", "Đỗ Thị Lan")
    _type(desk, "#id_paper-phone", "0912 345 678")
    desk.select_option("#id_paper-procedure", "600")
    _type(desk, "#id_paper-period", period)
    typed = "Lê Văn An; 12/5/1993; 1; 0112345678\nPhạm Thị Bình; 31/02/1991; 0"
    _type(desk, "#id_paper-rows", typed)
    with desk.expect_navigation():
        desk.keyboard.press("Control+Enter")

    assert not Submission.objects.exists()  # a typing mistake is not a refusal
    assert "Dòng 2: không có ngày 31/02/1991: tháng 2/1991 có 28 ngày." in desk.inner_text(
        "#id_paper-rows_errors"
    )
    assert desk.evaluate("document.activeElement.id") == "id_paper-rows"  # not the scanner field
    selected = desk.evaluate(
        "(() => { const t = document.activeElement; return t.value.slice(t.selectionStart, t.selectionEnd); })()"
    )
    assert selected == "31/02/1991"
    assert desk.evaluate("document.querySelector('#id_paper-rows').getBoundingClientRect().top") < 900
    desk.screenshot(path=shots / "reception-typed-errors.png", full_page=False)

    desk.keyboard.type("28/02/1991")  # the cursor is on the wrong date: typing replaces it
    with desk.expect_navigation():
        desk.keyboard.press("Control+Enter")
    desk.wait_for_selector("#verdict")
    verdict = desk.inner_text("#verdict")
    first = Submission.objects.get()
    assert first.outcome == "accepted", first.reasons
    assert "Đã tiếp nhận" in verdict and first.dossier.number in verdict
    assert [r["ngay_sinh"] for r in first.facts["forms"][0]["rows"]] == ["12/05/1993", "28/02/1991"]

    desk.click("text=Hồ sơ tiếp theo")
    desk.wait_for_load_state("networkidle")
    _type(desk, "#id_paper-code", unit.code)
    desk.wait_for_selector("#paper-submitter.ok")
    desk.select_option("#id_paper-procedure", "600")
    _type(desk, "#id_paper-period", period)
    _type(desk, "#id_paper-rows", "Trần Văn Cường; 01/01/1985; 1")
    with desk.expect_navigation():
        desk.keyboard.press("Control+Enter")
    warning = desk.inner_text("#same-day")
    received = timezone.localtime(first.received_at).strftime("%d/%m/%Y %H:%M")
    assert f"đã tiếp nhận lúc {received}, số {first.dossier.number}" in warning
    assert Submission.objects.count() == 1  # asked before anything is received
    desk.screenshot(path=shots / "reception-same-day.png", full_page=False)
    with desk.expect_navigation():
        desk.click("text=Vẫn tiếp nhận hồ sơ này")
    desk.wait_for_selector("#verdict")
    assert Submission.objects.count() == 2
