"""Issue 20, item 4, in Chromium and with the keyboard only: a commune managed by Ba Đình typed at the
Sóc Sơn desk is named with its office before anything is received; Enter confirms; the dossier is
routed to Ba Đình, and the Sóc Sơn desk opens what it received."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from hoso.desk.models import Forwarding
from hoso.intake.models import Submission
from hoso.policies.services import store_policy
from hoso.workflow.models import Dossier

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

#: Since Decree 164/2025 any office receives and routes without asking (the policy parameter
#: ``reception_any_office``, issue 23): Sóc Sơn's own policy asks, as every desk did before 01/07/2025.
SOC_SON_ASKS = """
[policy]
id = "soc-son-asks"
version = 1
precedence = 300
title_vi = "BHXH huyện Sóc Sơn hỏi trước khi tiếp nhận hồ sơ của cơ quan khác"
title_en = "Soc Son asks before receiving for another office"
legal_basis_vi = "Quy định của BHXH huyện Sóc Sơn (ví dụ kiểm thử)"
legal_basis_en = "Soc Son rule (test example)"
offices = ["00110"]

[[rules]]
id = "paper-accepted-here"
effect = "accept"
channels = ["paper"]
message_vi = "Hồ sơ giấy được tiếp nhận."
message_en = "Paper accepted."

[[parameters]]
name = "reception_any_office"
value = false
"""


def test_another_offices_commune_is_named_confirmed_and_opened(page_for, shots):
    store_policy(SOC_SON_ASKS)
    today = timezone.localdate()
    desk = page_for("motcua.socson")
    desk.keyboard.press("Tab")  # leave the scanner field; the typed paper form is reached by keyboard
    desk.focus("#id_paper-kind")
    desk.keyboard.press("ArrowDown")  # "UBND xã, phường"
    for field, text in (
        ("#id_paper-code", "00001"),
        ("#id_paper-name", "UBND phường Phúc Xá"),
        ("#id_paper-period", today.strftime("%m/%Y")),
    ):
        desk.focus(field)
        desk.keyboard.type(text)
    desk.select_option("#id_paper-procedure", "602")
    desk.focus("#id_paper-rows")
    desk.keyboard.type(f"Nguyễn Văn Bé; {date(today.year - 2, 3, 12):%d/%m/%Y}; 1")
    with desk.expect_navigation():
        desk.keyboard.press("Control+Enter")

    question = desk.inner_text("#other-office")
    assert "UBND Phúc Xá do BHXH quận Ba Đình quản lý, không phải BHXH huyện Sóc Sơn" in question
    assert not Submission.objects.exists()  # nothing received before the officer answers
    assert desk.evaluate("document.activeElement.name") == "confirm_office"  # Enter confirms
    desk.screenshot(path=shots / "reception-other-office.png", full_page=True)

    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    desk.wait_for_selector("#verdict")
    dossier = Dossier.objects.get()
    assert dossier.office_id == "00101" and Forwarding.objects.get().received_office_id == "00110"
    desk.click("text=Mở hồ sơ")
    desk.wait_for_load_state("networkidle")
    assert dossier.number in desk.inner_text("main") and "Not Found" not in desk.content()
    desk.screenshot(path=shots / "dossier-received-for-another-office.png", full_page=True)
