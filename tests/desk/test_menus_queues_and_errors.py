"""Issue 20, items 7, 9 and 10: each role lands on its page and finds its reports and "Báo vướng mắc" in
the menu; error pages in Vietnamese with a way back; the queue hides finished dossiers unless asked,
shows the office and the working days late, and downloads as CSV/XLSX with Vietnamese headings and
real dates; the hand-over list is paged and says how long each result has waited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.template.loader import render_to_string

from hoso.workflow.models import Dossier
from hoso.workflow.states import Status
from tests.workflow.conftest import make_officer, receive_children

pytestmark = pytest.mark.django_db


def _menu(client) -> str:
    page = client.get("/tra-cuu/").content.decode()
    return page.split('<nav class="menu"', 1)[1].split("</nav>", 1)[0]


def test_each_role_lands_on_its_page_and_admin_on_the_it_pages(client, officers):
    expected = {"t.motcua.socson": "/tiep-nhan/", "t.sothe.socson": "/ho-so/", "t.truong.socson": "/ho-so/",
                "t.giamdoc": "/ho-so/", "t.cntt": "/cntt/chinh-sach/"}  # fmt: skip
    admin = make_officer("t.admin", "it_admin", "001", "cntt")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    expected["t.admin"] = "/cntt/chinh-sach/"  # a superuser is no desk officer: it lands on the IT pages
    for username, target in expected.items():
        response = client.post("/dang-nhap/", {"username": username, "password": "hoso-demo-2015"})
        assert response.status_code == 302 and response["Location"] == target, username
        assert client.get("/trang-lam-viec/")["Location"] == target, username
        assert client.get(target).status_code == 200, username  # it can use the page it is sent to
        client.logout()


def test_the_menu_has_reports_for_those_who_read_them_and_problem_reports_for_everyone(client, officers):
    for name in ("desk", "sothe", "head", "city", "director"):
        client.force_login(officers[name])
        menu = _menu(client)
        assert "Báo vướng mắc" in menu and "/reports/vuong-mac/moi/" in menu, name
        assert ("Báo cáo" in menu) == (name in {"head", "city", "director"}), name
    client.force_login(officers["city"])
    it_nav = client.get("/cntt/chinh-sach/").content.decode()
    assert 'href="/admin/reference/"' in it_nav  # the catalogue, not an empty admin index


def test_error_pages_are_vietnamese_with_a_way_back(client, officers, under6):
    client.force_login(officers["other_desk"])  # Ba Đình: the Sóc Sơn dossier is not theirs
    for url in (f"/ho-so/{under6.pk}/", "/ho-so/999999/"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 404 and "Không tìm thấy" in page and "Not Found" not in page
        assert 'href="/trang-lam-viec/"' in page and "Báo vướng mắc" in page
    response = client.get("/cntt/chinh-sach/")
    assert response.status_code == 403 and "Không có quyền truy cập" in response.content.decode()
    assert "Forbidden" not in response.content.decode()
    page = render_to_string("500.html")  # Django renders it without a request: it stands on its own
    assert "Lỗi máy chủ" in page and 'href="/trang-lam-viec/"' in page and "Server Error" not in page


def _finish(dossier, status: str, at: datetime) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(status=status, status_changed_at=at)


def test_the_default_queue_hides_finished_dossiers_and_a_filter_shows_them(client, under6, officers, clock):
    finished = receive_children(officers["desk"], children=[("Bé Hai", "01/01/2015", "0")])
    _finish(finished, Status.HANDED_OVER, clock)
    client.force_login(officers["sothe"])
    for url in ("/ho-so/", "/ho-so/?status=", "/ho-so/?procedure=602&status="):  # htmx sends status=""
        page = client.get(url).content.decode()
        assert under6.number in page and finished.number not in page, url
        assert "Đã trả kết quả: <strong>1</strong>" in page  # the counts still cover every state
    page = client.get("/ho-so/?status=all").content.decode()
    assert under6.number in page and finished.number in page
    assert finished.number in client.get("/ho-so/?status=handed_over").content.decode()


def test_the_late_list_names_the_office_and_the_working_days_late_and_downloads(
    client, under6, officers, monkeypatch
):
    from django.utils import timezone

    due = Dossier.objects.get(pk=under6.pk).due_date
    monkeypatch.setattr(timezone, "now", lambda: datetime(2016, 3, 1, 2, tzinfo=UTC))
    late_by = _working_days(due, date(2016, 3, 1))
    assert late_by > 10
    client.force_login(officers["director"])
    page = client.get("/ho-so/?due=late").content.decode()
    row = page.split(under6.number, 1)[1].split("</tr>", 1)[0]
    assert "BHXH huyện Sóc Sơn" in row and f'<td class="num">{late_by}</td>' in row
    assert "Số ngày làm việc trễ hạn" in page and "/ho-so/tai-ve.csv?due=late" in page

    response = client.get("/ho-so/tai-ve.csv?due=late")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Số hồ sơ", "Cơ quan", "Tên cơ quan BHXH", "Ngày nhận"]
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Số hồ sơ"] == under6.number and line["Ngày hẹn trả"] == due.strftime("%d/%m/%Y")
    assert (
        line["Số ngày làm việc trễ hạn"] == str(late_by) and line["Tên cơ quan BHXH"] == "BHXH huyện Sóc Sơn"
    )

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/ho-so/tai-ve.xlsx?due=late").content))
    sheet = book.active
    headings = [c.value for c in sheet[1]]
    due_cell = sheet.cell(2, headings.index("Ngày hẹn trả") + 1)
    assert due_cell.value.date() == due and due_cell.number_format == "dd/mm/yyyy"  # a real date
    client.force_login(officers["other_head"])  # Ba Đình: the file holds only what the queue shows
    rows = list(csv.reader(io.StringIO(client.get("/ho-so/tai-ve.csv?due=late").content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert client.get("/ho-so/tai-ve.pdf").status_code == 404


def _working_days(first: date, last: date) -> int:
    from hoso.reference.calendar import working_calendar

    return working_calendar().count_working_days(first, last)


def test_hand_over_is_paged_and_says_how_long_each_result_waited(
    client, under6, officers, clock, monkeypatch
):
    from hoso.desk import queues

    for name in ("Hai", "Ba"):
        receive_children(officers["desk"], children=[(f"Bé {name}", "01/01/2015", "1")])
    dossiers = list(Dossier.objects.order_by("pk"))
    for index, dossier in enumerate(dossiers):  # ready on 04/01, 05/01, 06/01/2016
        _finish(dossier, Status.RESULT_READY, datetime(2016, 1, 4 + index, 3, tzinfo=UTC))
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    client.force_login(officers["desk"])
    page = client.get("/tra-ket-qua/").content.decode()
    shown = [d for d in dossiers if f">{d.number}</a>" in page]
    assert "3 kết quả đang chờ trả" in page and shown == dossiers[:2]  # oldest first
    assert "(đã chờ 6 ngày làm việc)" in page  # 04/01 (Monday) to 12/01/2016 (Tuesday)
    following = page.split('rel="next"')[0].rsplit('href="?', 1)[1].split('"')[0].replace("&amp;", "&")
    page = client.get("/tra-ket-qua/?" + following).content.decode()
    assert [d for d in dossiers if f">{d.number}</a>" in page] == dossiers[2:] and "Trang đầu" in page
    assert "(đã chờ 4 ngày làm việc)" in page
    assert client.get("/tra-ket-qua/?after=not-a-cursor").status_code == 200  # a bad cursor: the first page


def test_a_refused_action_leads_to_a_problem_report_of_that_page(client, under6, officers, clock):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officers["sothe"])
    client.post(f"/ho-so/{under6.pk}/take/")
    page = client.post(
        f"/ho-so/{under6.pk}/record_result/",
        {"documents": [SimpleUploadedFile("kq.exe", b"MZ")]},
        follow=True,
    ).content.decode()
    link = f'href="/reports/vuong-mac/moi/?trang=/ho-so/{under6.pk}/"'
    assert "PDF hoặc XML" in page and link in page and "Chưa đúng? Báo vướng mắc" in page
    form = client.get(
        f"/reports/vuong-mac/moi/?trang=/ho-so/{under6.pk}/&dossier={under6.number}"
    ).content.decode()
    assert f"Trang: /ho-so/{under6.pk}/" in form and f'value="{under6.number}"' in form
    assert "Trang:" not in client.get("/reports/vuong-mac/moi/?trang=https://elsewhere").content.decode()


def test_the_refusal_link_for_the_reception_page_fills_in_the_dossier_and_the_transaction(under6, rf):
    from hoso.intake.models import Submission

    submission = Submission.objects.get(dossier=under6)
    request = rf.get("/tiep-nhan/x/")
    link = render_to_string(
        "reports/_problem_link.html", {"submission": submission, "dossier": under6, "request": request}
    )
    assert f"dossier={under6.number}&amp;submission={submission.public_id}&amp;" in link
    assert "trang=/tiep-nhan/x/" in link and "Báo vướng mắc" in link
