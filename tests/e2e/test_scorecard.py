"""In a browser (issue 23, item 6): a submitter looks their finished dossier up on the public lookup and
rates it below what the lookup shows (once: the page says so when they come back); the director opens
'Chỉ số phục vụ' from the reports menu and reads the month's scorecard, the rating counted in satisfaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.workflow.conftest import JAN_2016, make_officer, receive_children

pytestmark = pytest.mark.django_db(transaction=True)
NUMBERS = {0: "0115000001", 1: "0114000002"}


def test_a_submitter_rates_through_the_lookup_and_the_director_reads_the_scorecard(
    browser, page_for, site, shots
):
    from django.utils import timezone

    from hoso.reports.models import Rating
    from hoso.workflow import actions
    from hoso.workflow.access import actor_for
    from hoso.workflow.results import Document

    desk = make_officer("t.motcua.chiso", "desk_officer", "00110", "mot_cua")
    sothe = actor_for(make_officer("t.sothe.chiso", "department_officer", "00110", "so_the"))
    now = timezone.now()
    dossier = receive_children(desk, received_at=JAN_2016)
    open_one = receive_children(desk, received_at=JAN_2016, commune_code="00382")
    with pytest.MonkeyPatch.context() as clock:  # decided a week later, while the children are under 6
        clock.setattr(timezone, "now", lambda: datetime(2016, 1, 12, 2, tzinfo=UTC))
        actions.take(dossier, sothe)
        actions.record(
            dossier, sothe, documents=[Document("kq.pdf", b"%PDF-1.4\n% kq\n")], card_numbers=NUMBERS
        )

    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="vi")
    page = context.new_page()
    page.goto(f"{site}/tra-cuu/")
    page.fill("#id_so", dossier.number)
    page.fill("#id_ma", "00379")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "Đã có kết quả" in page.inner_text("#found")  # the lookup as before
    form = page.locator("#rating")
    assert "Bạn có hài lòng với việc giải quyết hồ sơ này không?" in form.inner_text()
    form.locator("button").click()  # no star chosen: the browser asks for one, nothing is sent
    assert not Rating.objects.exists()
    form.locator("label", has_text="5 sao: rất hài lòng").click()
    page.fill("#id_gop_y", "Cán bộ một cửa hướng dẫn tận tình, trả kết quả sớm.")
    page.screenshot(path=str(shots / "lookup-rating.png"), full_page=True)
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#rated").startswith("Cảm ơn bạn: đánh giá đã được ghi nhận.")
    assert "5 sao" in page.inner_text("#rated") and page.locator("#rating").count() == 0
    rating = Rating.objects.get()
    assert (rating.dossier_id, rating.score, rating.office_id) == (dossier.pk, 5, "00110")
    assert rating.comment == "Cán bộ một cửa hướng dẫn tận tình, trả kết quả sớm."

    page.goto(f"{site}/tra-cuu/?so={dossier.number}&ma=00379")  # back again: rated once, no form
    today = timezone.localtime(now).strftime("%d/%m/%Y")
    assert page.inner_text("#rated").startswith(f"Hồ sơ này đã được đánh giá ngày {today}.")
    assert page.locator("#rating").count() == 0
    page.goto(f"{site}/tra-cuu/?so={open_one.number}&ma=00382")  # not finished: nothing to rate yet
    assert page.locator("#found").count() == 1 and page.locator("#rating").count() == 0
    context.close()

    head = page_for("giamdoc")
    head.goto(f"{site}/reports/")
    head.click("nav.reports-nav >> text=Chỉ số phục vụ")
    head.wait_for_load_state("networkidle")
    assert head.locator("h1").inner_text() == "Chỉ số phục vụ"
    # The month of the latest dossier first: received 05/01/2016, decided 12/01/2016 (rated today).
    assert head.input_value("input[name=thang]") == "01/2016"
    scores = head.inner_text("#scores")
    assert "Điểm theo cơ quan, tháng 01/2016" in scores and "00110" in scores and "Tất cả cơ quan" in scores
    online = head.locator("#indicators tr", has_text="Hồ sơ nộp trực tuyến")
    assert online.inner_text().split("\t")[2:4] == ["0", "2"]  # two dossiers received, both barcoded
    head.screenshot(path=str(shots / "reports-scorecard.png"), full_page=True)
    with head.expect_download() as download:
        head.click("text=XLSX")
    assert download.value.suggested_filename == "chi-so-phuc-vu-2016-01.xlsx"

    month = timezone.localtime(now).strftime("%m/%Y")
    head.fill("input[name=thang]", month)
    head.click("form.period button")
    head.wait_for_load_state("networkidle")
    assert f"Điểm theo cơ quan, tháng {month}" in head.inner_text("#scores")
    row = head.locator("#indicators tr", has_text="Đánh giá của người nộp hồ sơ (1–5 sao)")
    assert row.inner_text().split("\t")[-1].strip() == "18,0 / 18"  # one rating of 5 stars: all 18 points
