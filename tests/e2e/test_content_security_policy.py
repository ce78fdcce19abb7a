"""The pages work in a real browser under their Content-Security-Policy (hoso.csp), and the browser reports
no violation: the log-in page, the public look-up, the desk (scanner field, htmx), the back office, the IT
pages, the reports, Django's admin and the API's docs page (Swagger UI from local files)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

#: Records every violation the page reports (the event fires for blocked and report-only alike).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


class Watch:
    """A page whose CSP violations — DOM events and console messages — are collected."""

    def __init__(self, page):
        self.page, self.console = page, []
        page.context.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def open(self, url: str) -> None:
        response = self.page.goto(url)
        assert response.ok, (url, response.status)
        assert response.headers.get("content-security-policy"), url
        self.page.wait_for_load_state("networkidle")
        self.check(url)

    def check(self, where: str) -> None:
        events = self.page.evaluate("window.__violations || []")
        assert not events and not self.console, (where, events, self.console)


def test_the_pages_load_and_work_without_a_policy_violation(browser, site, page_for):
    anonymous = browser.new_context(locale="vi")
    watch = Watch(anonymous.new_page())
    for path in ("/dang-nhap/", "/admin/login/", "/tra-cuu/"):
        watch.open(site + path)
    watch.page.fill("input[name=so]", "00001/2016/00110")
    with watch.page.expect_navigation():
        watch.page.keyboard.press("Enter")
    watch.page.wait_for_load_state("networkidle")
    watch.check("look-up answer")

    watch.open(site + "/api/v1/docs")  # Swagger UI: its bundle, its style sheet and data: icons only
    watch.page.wait_for_selector(".opblock")
    assert watch.page.locator(".opblock").count() >= 10
    watch.page.click(".opblock-summary >> nth=0")
    watch.page.click("text=Try it out")
    watch.page.wait_for_timeout(300)
    watch.check("docs page, an operation opened")
    anonymous.close()

    desk = Watch(page_for("motcua.socson"))
    desk.open(site + "/tiep-nhan/")
    assert desk.page.evaluate("document.activeElement.name") == "scanner"  # desk.js gave it the focus
    assert desk.page.evaluate("htmx.config.includeIndicatorStyles === false && !htmx.config.allowEval")
    desk.open(site + "/tra-ket-qua/")

    department = Watch(page_for("sothe.socson"))
    department.open(site + "/ho-so/")
    with department.page.expect_response(lambda r: "/ho-so/?" in r.url):  # htmx swaps the list in
        department.page.select_option("#filters select >> nth=0", index=1)
    department.page.wait_for_load_state("networkidle")
    department.check("queue filtered by htmx")

    it = Watch(page_for("cntt"))
    for path in (
        "/cntt/chinh-sach/",
        "/cntt/tin-cay/",
        "/cntt/ivan/",
        "/cntt/dang-ky/",
        "/reports/vuong-mac/",
    ):
        it.open(site + path)

    head = Watch(page_for("giamdoc"))
    for path in ("/reports/", "/reports/ivan/", "/reports/chuyen-doi/"):
        head.open(site + path)
    # Downloads and the JSON view are not pages: their policy (default-src 'none', sandbox) stops nothing.
    for link in ("text=XLSX", "text=CSV >> nth=0"):
        with head.page.expect_download() as download:
            head.page.click(link)
        assert download.value.suggested_filename.endswith((".xlsx", ".csv")), link
    with head.page.expect_navigation():
        head.page.click("text=JSON")  # shown in the tab as it is
    assert head.page.evaluate("JSON.parse(document.body.innerText)")

    admin = Watch(page_for("admin"))
    for path in ("/admin/", "/admin/reference/office/00110/change/", "/admin/auth/user/add/",
                 "/admin/reference/office/"):  # fmt: skip
        admin.open(site + path)
    admin.page.click("#action-toggle")  # the admin's own scripts run: "select all" ticks every row
    assert (
        admin.page.locator(".action-select:checked").count()
        == admin.page.locator(".action-select").count()
        > 0
    )
    admin.check("the admin's select-all")
