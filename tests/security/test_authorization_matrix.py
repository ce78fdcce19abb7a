"""Issue 9 item 3: a table over every page of the web UI × every role (and no log-in), and the object
pages × own and other office. A new URL without a row in the table fails the test, so that nobody adds
a page without deciding who may open it."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.workflow.conftest import clock, fast_passwords, officers, under6  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "desk", "sothe", "head", "city", "director")
ALL = frozenset(ROLES) - {"anonymous"}
#: page (URL name) -> the roles that may open it (200); everyone else is sent to log in, or refused.
PAGES: dict[str, frozenset[str]] = {
    "desk:home": frozenset(ROLES),
    "desk:login": frozenset({"anonymous"}),  # an officer already logged in is sent to their own page
    "desk:lookup": frozenset(ROLES),  # the visitor's lookup shows no personal data
    "desk:reception": frozenset({"desk", "head"}),
    "desk:queue": ALL,
    "desk:handover": frozenset({"desk", "head"}),
    # IT pages: the IT department acts there; the director reads them too.
    "desk:it_policies": frozenset({"city", "director"}),
    "desk:it_trust": frozenset({"city", "director"}),
    "desk:it_ivans": frozenset({"city", "director"}),
    "desk:it_registrations": frozenset({"city", "director"}),
    "reports:home": frozenset({"head", "city", "director"}),
    "reports:migration": frozenset({"head", "city", "director"}),
    "reports:ivans": frozenset({"head", "city", "director"}),
    "reports:notices": frozenset({"head", "city", "director"}),  # the notices and their outbox
    "reports:problems": ALL,  # each officer sees the problems they reported; IT sees the queue
    "reports:problem_new": ALL,
    "reports:scorecard": frozenset({"head", "city", "director"}),  # Decision 766's scorecard (issue 23)
    # The legal clocks (issue 23): breaches and the Mẫu 04 apologies are the office head's to act on; the
    # tracking log (Mẫu 06) is the desk's and the head's.
    "desk:breaches": frozenset({"head"}),
    "desk:apologies": frozenset({"head"}),
    "desk:tracking_log": frozenset({"desk", "head"}),
    "desk:it_portal": frozenset({"city"}),  # the national portal's ledger: IT resends from it
}
#: pages with arguments are checked against a real object of one office (below), or not applicable.
OBJECT_PAGES = {
    "desk:submission",
    "desk:print",
    "desk:dossier",
    "desk:attachment",
    "desk:act",
    "reports:problem",
    "reports:notice_letter",  # by office: tests/reports/test_outbox.py
    "desk:control_sheet",  # Mẫu 05 of a dossier: by office, below
    "desk:supplement_print",  # Mẫu 02 of a dossier awaiting a supplement: by office, below
    "desk:apology_print",  # Mẫu 04 of an apology: the head's (tests/workflow/test_clocks_apology.py)
    "desk:queue_export",  # the queue as CSV/XLSX: whoever reads the queue, their own dossiers only
}
#: reached by POST only, or not a page at all.
NOT_PAGES = {
    "desk:logout",
    "reports:notify",
    "reports:outbox_requeue",
    "desk:landing",  # a redirect to the officer's start page
    "desk:handover_find",  # redirects to hand-over or the lookup with the number as written
    "desk:lookup_find",
    "desk:submitter_lookup",  # the reception page's JSON look-up of a code (desk and head; 403 for others)
}


def _names(resolver=None, prefix="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("desk", "reports"):
                names |= _names(entry, f"{entry.namespace}:")
        elif isinstance(entry, URLPattern) and entry.name and prefix:
            names.add(prefix + entry.name)
    return names


def test_every_page_has_a_row_in_the_table():
    assert _names() == set(PAGES) | OBJECT_PAGES | NOT_PAGES


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page(client, officers, role):  # noqa: F811 — the imported fixture
    from django.urls import reverse

    users = {"desk": "desk", "sothe": "sothe", "head": "head", "city": "city", "director": "director"}
    if role != "anonymous":
        client.force_login(officers[users[role]])
    wrong = []
    for name, allowed in PAGES.items():
        status = client.get(reverse(name)).status_code
        if (role in allowed and status != 200) or (role not in allowed and status not in (302, 403, 404)):
            wrong.append((name, status))
    assert not wrong, f"{role}: {wrong}"


def test_object_pages_by_office(client, officers, under6):  # noqa: F811 — the imported fixture
    public_id = under6.submission.public_id
    pages = [
        f"/ho-so/{under6.pk}/",
        f"/tiep-nhan/{public_id}/",
        f"/tiep-nhan/{public_id}/in/",
        f"/ho-so/{under6.pk}/in/mau-05/",
    ]
    expectations = {"desk": 200, "sothe": 200, "head": 200, "city": 200, "director": 200,
                    "other_desk": 404, "other_sothe": 404, "other_head": 404}  # fmt: skip
    for who, expected in expectations.items():
        client.force_login(officers[who])
        for url in pages:
            assert client.get(url).status_code == expected, (who, url)
    client.logout()
    for url in pages:
        assert client.get(url).status_code in (302, 404), url
    # No object is readable by guessing its id: neighbours of a real id answer 404 to the other office too.
    client.force_login(officers["other_desk"])
    for pk in (under6.pk - 1, under6.pk + 1, 10**9):
        assert client.get(f"/ho-so/{pk}/").status_code == 404
