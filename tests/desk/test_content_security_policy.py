"""Every kind of page carries the Content-Security-Policy of hoso.csp — the desk, the back office, the IT
pages, the public look-up, the log-in page, Django's admin, the API's docs page — and every other answer
the policy of what is not a page; a PDF none (Chromium's viewer would be blocked by it). The pages keep
no inline script or style the policy would block. The browser's side: tests/e2e/test_content_security_policy.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import timezone

from hoso import csp
from hoso.barcode import make_chunks
from hoso.workflow.models import Dossier
from tests.workflow.conftest import children_envelope

pytestmark = pytest.mark.django_db
NOW = datetime(2016, 1, 5, 2, tzinfo=UTC)
PACKAGE = Path(csp.__file__).parent


@pytest.fixture
def received(client, officers, demo_data, trusted, monkeypatch):
    """An under-6 list received at the desk from its barcodes: its submission page, print and dossier."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(officers["desk"])
    response = client.post(
        "/tiep-nhan/", {"mode": "scanner", "scanner": "\n".join(make_chunks(children_envelope()))}
    )
    assert response.status_code == 302
    client.logout()
    return response["Location"], Dossier.objects.get()


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def test_every_kind_of_page_carries_the_pages_policy(client, officers, received):
    from django.contrib.auth import get_user_model

    submission_page, dossier = received
    admin = get_user_model().objects.get(username="admin")
    pages = [
        (None, "/dang-nhap/"),
        (None, "/tra-cuu/"),
        (None, f"/tra-cuu/?so={dossier.number}&ma={dossier.commune_id}"),
        (None, "/admin/login/"),
        (None, "/khong-co-trang-nay/"),  # Django's 404 page
        (None, "/tiep-nhan/"),  # a redirect to the log-in page
        (officers["desk"], "/tiep-nhan/"),
        (officers["desk"], submission_page),
        (officers["desk"], "/tra-ket-qua/"),
        (officers["sothe"], "/ho-so/"),
        (officers["sothe"], f"/ho-so/{dossier.pk}/"),
        (officers["city"], "/cntt/chinh-sach/"),
        (officers["city"], "/cntt/tin-cay/"),
        (officers["head"], "/reports/"),
        (officers["head"], "/reports/vuong-mac/"),
        (admin, "/admin/"),
        (admin, "/admin/reference/office/"),
    ]
    for user, path in pages:
        response = _as(client, user).get(path)
        assert response.status_code in (200, 302, 404), (path, response.status_code)
        assert response["Content-Type"].startswith("text/html"), path
        assert response["Content-Security-Policy"] == csp.PAGE_POLICY, path
    queue_part = _as(client, officers["sothe"]).get("/ho-so/", HTTP_HX_REQUEST="true")  # an htmx fragment
    assert queue_part["Content-Security-Policy"] == csp.PAGE_POLICY


def test_the_api_docs_page_adds_only_swagger_uis_data_images(client):
    policy = client.get("/api/v1/docs")["Content-Security-Policy"]
    assert policy == csp.DOCS_PAGE_POLICY and "img-src 'self' data:;" in policy
    assert policy.replace(" data:", "") == csp.PAGE_POLICY
    init = client.get("/api/v1/docs/init.js").content.decode()
    assert "validatorUrl: null" in init  # no badge from validator.swagger.io


def test_what_is_not_a_page_may_load_nothing_and_a_pdf_has_no_policy(client, officers, received):
    submission_page, dossier = received
    for path in ("/api/v1/openapi.json", "/api/v1/nothing", "/api/v1/ping", "/static/desk/desk.js",
                 "/static/desk/hoso.css"):  # fmt: skip
        response = client.get(path)
        assert response["Content-Security-Policy"] == csp.NOT_A_PAGE_POLICY, path
    assert csp.NOT_A_PAGE_POLICY.startswith("default-src 'none';") and csp.NOT_A_PAGE_POLICY.endswith(
        "sandbox"
    )
    printed = _as(client, officers["desk"]).get(submission_page + "in/")
    assert printed["Content-Type"] == "application/pdf" and "Content-Security-Policy" not in printed
    assert printed["X-Frame-Options"] == "DENY"


def test_a_view_that_sets_its_own_policy_keeps_it(client, officers, received):
    _, dossier = received
    page = _as(client, officers["sothe"]).get(f"/ho-so/{dossier.pk}/").content.decode()
    attachment = re.search(r'href="(/ho-so/\d+/tep/[^"]+/)"', page).group(1)
    response = client.get(attachment)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def test_no_template_or_script_of_the_pages_has_inline_code_the_policy_blocks():
    templates = [*PACKAGE.glob("*/templates/**/*.html")]
    assert templates
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<style[\s>]|\sstyle=", text), template
        for script in re.findall(r"<script\b[^>]*>", text):
            assert " src=" in script, (template, script)  # a file, never inline code
        assert not re.search(r"\son[a-z]+=", text), template  # no event-handler attributes
        assert "javascript:" not in text, template
    base = (PACKAGE / "desk" / "templates" / "desk" / "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base  # htmx


@pytest.mark.parametrize(
    "content_type, policy",
    [
        ("text/html; charset=utf-8", csp.PAGE_POLICY),
        ("application/xhtml+xml", csp.PAGE_POLICY),
        ("application/json", csp.NOT_A_PAGE_POLICY),
        ("application/xml; charset=utf-8", csp.NOT_A_PAGE_POLICY),
        ("text/csv", csp.NOT_A_PAGE_POLICY),
        ("", csp.NOT_A_PAGE_POLICY),
        ("application/pdf", None),
    ],
)
def test_the_policy_follows_the_content_type(content_type, policy):
    assert csp.policy_for(content_type) == policy
