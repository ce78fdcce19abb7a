"""Browser tests: Playwright (Python) driving Debian's Chromium at /usr/bin/chromium — never a browser
downloaded by Playwright. They skip, saying why, where Chromium or Playwright is absent.

Screenshots go to a temporary folder, or to ``$HOSO_TEST_SCREENSHOTS`` (e.g. ``docs/screenshots``) when set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.intake.conftest import pki, signers, trusted  # noqa: F401 — fixtures
from tests.workflow.conftest import fast_passwords  # noqa: F401 — fixture

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the test itself only reads the database
# between browser steps (never concurrently with a request), which is what Django's guard is about.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (make test installs it as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the Python package playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("HOSO_TEST_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def site(live_server, demo_data, trusted, settings):  # noqa: F811 — the imported fixture
    settings.ALLOWED_HOSTS = ["*"]
    return live_server.url


@pytest.fixture
def page_for(browser, site):
    """A fresh browser context per officer, logged in through the log-in page."""
    contexts = []

    def open_as(username: str, *, language: str = "vi"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{site}/dang-nhap/")
        page.fill("#id_username", username)
        page.fill("#id_password", "hoso-demo-2015")
        page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        return page

    yield open_as
    for context in contexts:
        context.close()
