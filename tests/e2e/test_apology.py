"""Mẫu 04 in the browser: the office head approves the drafted apology of a late dossier with a new
appointment (issue 23, item 2). Here with the other e2e tests, whose session-wide browser it shares."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hoso.reference.calendar import working_calendar
from hoso.workflow.models import DossierEvent
from tests.workflow.conftest import fast_passwords, officers  # noqa: F401 — fixtures
from tests.workflow.test_clocks_apology import _late_children_list


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_head_approves_an_apology_in_the_browser(page_for, site, officers, shots):  # noqa: F811 — the imported fixture
    """On today's date (the browser drops cookies dated in the past): a list received a month ago."""
    dossier = _late_children_list(officers["desk"], timezone.now() - timedelta(days=30))
    new_date = working_calendar().add_working_days(timezone.localdate(), 3)
    head = page_for("t.truong.socson")
    head.goto(f"{site}/xin-loi/")
    row = head.locator("#apology-drafts tr", has_text=dossier.number)
    row.locator("input[name=new_due_date]").fill(f"{new_date:%d/%m/%Y}")
    row.locator("input[name=reason]").fill("Chờ xác minh thông tin hộ khẩu")
    with head.expect_navigation():
        row.locator("button").click()
    assert head.inner_text("#apology-new-date") == f"{new_date:%d/%m/%Y}"
    assert head.inner_text("#apology-reason") == "Chờ xác minh thông tin hộ khẩu"
    head.screenshot(path=shots / "apology-mau-04.png", full_page=True)
    dossier.refresh_from_db()
    assert dossier.due_date == new_date
    assert DossierEvent.objects.filter(
        dossier=dossier, kind="note", data__due_date=new_date.isoformat()
    ).exists()
