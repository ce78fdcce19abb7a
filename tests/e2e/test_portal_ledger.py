"""In a browser (issue 23, item 4): IT opens 'Cổng dịch vụ công quốc gia' from the IT menu, filters the
delivery ledger to the rows not sent (a dossier whose procedure lacked its national code), chooses one,
sends it again after the catalogue was mended, and the ledger says it went — in Vietnamese, without the
portal's service names."""

from __future__ import annotations

from datetime import date

import pytest

from tests.portal.conftest import AGENCY, MATTHC, portal, receive  # noqa: F401 — the portal fixture
from tests.workflow.conftest import make_officer

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_filters_the_ledger_and_sends_a_row_again(page_for, site, shots, portal):  # noqa: F811 — the fixture
    from hoso.portal import sync
    from hoso.reference.catalogue import forget_procedures
    from hoso.reference.models import NationalCodeLayout, Office, Procedure

    NationalCodeLayout.objects.get_or_create(
        valid_from=date(2015, 1, 1), defaults={"template": "{agency}-{yy}{mm}{dd}-{seq:4}"}
    )
    Office.objects.filter(code="00110").update(agency_code=AGENCY)
    desk = make_officer("t.motcua.cong", "desk_officer", "00110", "mot_cua")
    sync.run()  # switched on before the dossiers
    forget_procedures()
    lacking = receive(desk)  # procedure 602 has no MaTTHC yet: not sent
    sync.run()
    Procedure.objects.filter(code="602").update(national_code=MATTHC)
    forget_procedures()
    sent = receive(desk)
    sync.run()

    page = page_for("cntt")
    page.goto(f"{site}/cntt/chinh-sach/")
    page.click("nav.subnav >> text=Cổng dịch vụ công quốc gia")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Đồng bộ với Cổng dịch vụ công quốc gia"
    assert page.locator("#portal-ledger tbody tr").count() == 2
    page.select_option("select[name=trang_thai]", label="Không gửi được")
    page.click("#portal-filters button")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#portal-ledger tbody tr")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert (
        lacking.number in text
        and sent.number not in text
        and "chưa ghi mã thủ tục hành chính quốc gia" in text
    )
    content = page.inner_text("main")
    assert "DongBoHoSoMC" not in content and "CapNhatTienDo" not in content
    page.screenshot(path=str(shots / "it-portal-ledger.png"), full_page=True)

    rows.first.locator("input[name=chon]").check()
    page.click("#resend")
    page.wait_for_load_state("networkidle")
    assert page.locator("#resent").inner_text() == "Đã cho gửi lại 1 dòng."
    sync.run()
    page.select_option("select[name=trang_thai]", label="Đã gửi")
    page.click("#portal-filters button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#portal-ledger tbody tr[data-status=sent]").count() == 2
    assert "cho gửi lại lúc" in page.inner_text("#portal-ledger")
    assert [c["record"]["MaHoSo"] for c in portal.received] == [sent.national_code, lacking.national_code]
