"""Issue 20, items 7 and 8, in Chromium: every role's main pages, on a small demo history, read in
Vietnamese — no internal codes (UPPER_SNAKE), no English words of the list below, no ISO dates or
months, no XML element names as headings, no browser date pickers (they show mm/dd/yyyy) — and every
role's menu leads to its reports and to "Báo vướng mắc"."""

from __future__ import annotations

import re

import pytest

from hoso.intake.models import Submission
from hoso.reports.models import Problem
from hoso.workflow.models import Dossier

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CODE = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b")
ISO_DATE = re.compile(r"\b(?:19|20)\d\d-[01]\d(?:-[0-3]\d)?\b")
# Element names of the forms (CamelCase without diacritics): SoGiayKhaiSinh, HoTenChaMe, NgaySinh…
XML_NAME = re.compile(r"\b(?:[A-Z][a-z]+){2,}\b")
ENGLISH = re.compile(
    r"\b(?:Done|Not Found|Server Error|Forbidden|Dossier as received|accepted|refused|received|open|"
    r"pending|sent|failed|None|True|False|Submission|Electronic|Barcode|Paper|Office|Unit|Dossier|"
    r"day is out of range|Page not found|Reason code|Refusal|Share|Name|Code)\b"
)
# What may look like the patterns above and is a proper name (an I-VAN provider of the catalogue).
ALLOWED = {"CyberLotus"}


def offending(text: str) -> list[str]:
    found = []
    for pattern in (CODE, ISO_DATE, XML_NAME, ENGLISH):
        found += [m.group(0) for m in pattern.finditer(text) if m.group(0) not in ALLOWED]
    return found


class Reader:
    """Opens pages and notes what each shows that a person should not read; the test fails at the end
    with every finding, not only the first."""

    def __init__(self, site: str):
        self.site = site
        self.findings: dict[str, list[str]] = {}

    def read(self, page, path: str) -> int:
        page.wait_for_load_state("networkidle")  # nothing of the page before still on its way
        response = page.goto(self.site + path)
        page.wait_for_load_state("networkidle")
        bad = sorted(set(offending(page.inner_text("body"))))
        if page.locator("input[type=date], input[type=month]").count():
            bad.append("<a browser date picker: mm/dd/yyyy>")
        if bad:
            self.findings[path] = bad
        return response.status if response else 0


def test_the_pattern_catches_what_the_issue_saw():
    for text in (
        "[POLICY_BARCODE_SUSPENDED_FROM_2016_01_01]",
        "SoGiayKhaiSinh",
        "HoTenChaMe",
        "Nhận lúc 2026-12-01",
        "Tháng 2026-12",
        "Done.",
        "Dossier as received",
        "day is out of range for month",
        "accepted",
    ):
        assert offending(text), text
    assert not offending("Đã tiếp nhận lúc 01/12/2026 10:15, số 00001/2026/00101 — tháng 12/2026")


@pytest.fixture
def history(demo_data, trusted):  # noqa: F811 — trusted: the e2e gateway's stores
    from hoso.reports.demo import generate_history

    return generate_history(scale=0.05)


ROLE_PAGES = {
    "motcua.badinh": ["/", "/tiep-nhan/", "/ho-so/", "/tra-ket-qua/", "/tra-cuu/", "/reports/vuong-mac/moi/"],
    "sothe.badinh": ["/ho-so/", "/ho-so/?status=all", "/reports/vuong-mac/"],
    "truong.badinh": [
        "/ho-so/?due=late",
        "/reports/",
        "/reports/chuyen-doi/",
        "/reports/ivan/",
        "/reports/thong-bao/",
    ],
    "cntt": [
        "/cntt/chinh-sach/",
        "/cntt/tin-cay/",
        "/cntt/ivan/",
        "/cntt/dang-ky/",
        "/reports/",
        "/reports/vuong-mac/",
    ],
    "giamdoc": [
        "/ho-so/?due=late",
        "/reports/",
        "/reports/chuyen-doi/",
        "/reports/ivan/",
        "/reports/thong-bao/",
    ],
}


SHOTS = {
    "motcua.badinh": ("/tra-ket-qua/", "handover.png"),
    "truong.badinh": ("/reports/", "reports-dashboard.png"),
    "giamdoc": ("/ho-so/?due=late", "queue-late-all-offices.png"),
}


def test_every_roles_pages_read_in_vietnamese(history, page_for, site, shots):
    reader = Reader(site)
    refused = Submission.objects.filter(outcome="refused", office_id="00101").order_by("pk").first()
    accepted = Dossier.objects.filter(office_id="00101").order_by("pk").first()
    pages = {}  # one log-in per officer: a second one may end the first's session (a password re-hashed)
    for user, paths in ROLE_PAGES.items():
        page = pages[user] = page_for(user)
        for path in paths:
            assert reader.read(page, path) == 200, path
        # the menu: reports for those who read them, problem reports for everyone
        assert page.locator("nav.menu").count(), f"{user}: {page.url}"
        menu = page.inner_text("nav.menu")
        assert "Báo vướng mắc" in menu, user
        assert ("Báo cáo" in menu) == (user in {"truong.badinh", "cntt", "giamdoc"}), user
        if user in SHOTS:  # the page each role starts from, for docs/screenshots
            path, name = SHOTS[user]
            reader.read(page, path)
            page.screenshot(path=shots / name, full_page=True)
    desk = pages["motcua.badinh"]
    if refused is not None:
        reader.read(desk, f"/tiep-nhan/{refused.public_id}/")
    reader.read(desk, f"/ho-so/{accepted.pk}/")
    problem = Problem.objects.order_by("pk").first()
    it = pages["cntt"]
    assert reader.read(it, f"/reports/vuong-mac/{problem.pk}/") == 200
    # an error page in Vietnamese with the menu
    assert reader.read(desk, "/ho-so/999999999/") == 404
    assert "Không tìm thấy" in desk.inner_text("main")
    assert desk.locator("nav.menu a").count() >= 3
    desk.screenshot(path=shots / "error-not-found.png", full_page=True)
    desk.click("#error-page a[href*=vuong-mac]")  # the error page's way to the IT department
    desk.wait_for_load_state("networkidle")
    assert "Trang: /ho-so/999999999/" in desk.input_value("textarea[name=description]")
    assert reader.read(desk, "/cntt/chinh-sach/") == 403
    assert "Không có quyền" in desk.inner_text("main")
    # IT is sent to the catalogue from its pages: the admin's reference data, not an empty index
    it.goto(f"{site}/trang-lam-viec/")
    assert it.url.endswith("/cntt/chinh-sach/")
    it.click("nav.subnav >> text=Danh mục")
    it.wait_for_load_state("networkidle")
    assert it.url.endswith("/admin/reference/")
    catalogue = it.inner_text("#content")
    assert "Thủ tục" in catalogue and "Đơn vị" in catalogue
    it.screenshot(path=shots / "it-reference-data.png", full_page=True)
    assert not reader.findings, "\n".join(f"{path}: {found}" for path, found in reader.findings.items())
