"""GET /api/v1/feed (this I-VAN's events, in order, never missed or repeated) and supplements."""

from __future__ import annotations

import pytest

from hoso.workflow.models import Dossier
from hoso.workflow.services import request_supplement, transition

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def _read_all(api, after="0", limit=100):
    events, cursor = [], after
    while True:
        page = api.get(f"/api/v1/feed?after={cursor}&limit={limit}").json()
        events += page["events"]
        cursor = page["next"]
        if not page["has_more"]:
            return events, cursor


def test_the_feed_gives_each_event_once_in_order(api, unit, make_envelope):
    sids = [api.submit(make_envelope(employees=n))["X-Submission-Id"] for n in (1, 2, 3)]
    events, cursor = _read_all(api, limit=1)  # one page per event
    assert [e["dossier_id"] for e in events] == sids and {e["kind"] for e in events} == {"received"}
    assert [e["sequence"] for e in events] == sorted(e["sequence"] for e in events)
    dossier = Dossier.objects.get(submission__public_id=sids[1])
    transition(dossier, "in_process", actor_label="Cán bộ thu")
    request_supplement(dossier, actor_label="Cán bộ thu", note="Thiếu tờ khai TK1-TS của người lao động mới.")
    new, cursor2 = _read_all(api, after=cursor)
    assert [(e["kind"], e["to_status"]) for e in new] == [
        ("status", "in_process"),
        ("supplement_requested", "supplement_requested"),
    ]
    assert new[1]["note"].startswith("Thiếu tờ khai") and new[1]["dossier_number"] == dossier.number
    assert api.get(f"/api/v1/feed?after={cursor2}").json() == {
        "events": [],
        "next": cursor2,
        "has_more": False,
    }


def test_a_bad_cursor_is_400(api, unit):
    for cursor in ("-1", "abc", "1" * 30):
        response = api.get(f"/api/v1/feed?after={cursor}")
        assert response.status_code == 400 and response.json()["code"] == "API_BAD_CURSOR"
    assert api.get("/api/v1/feed?limit=5000").json()["code"] == "API_INVALID_REQUEST"


def test_another_ivans_feed_does_not_show_these_events(api, client, other_key, unit, make_envelope):
    api.submit(make_envelope())
    assert ApiClient(client, other_key).get("/api/v1/feed?after=0").json()["events"] == []


def _awaiting_supplement(api, make_envelope):
    posted = api.submit(make_envelope())
    dossier = Dossier.objects.get(number=posted["X-Dossier-Number"])
    transition(dossier, "in_process", actor_label="Cán bộ thu")
    request_supplement(dossier, actor_label="Cán bộ thu", note="Bổ sung tờ khai TK1-TS.")
    return posted["X-Submission-Id"], dossier


def test_a_signed_supplement_answers_the_request(api, unit, make_envelope):
    sid, dossier = _awaiting_supplement(api, make_envelope)
    response = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", make_envelope(employees=1))
    assert response.status_code == 201, response.content
    assert b"<Ma>TIEP_NHAN</Ma>" in response.content and response["X-Supplement-Id"]
    body = api.get(f"/api/v1/dossiers/{sid}").json()
    assert body["dossier"]["status"] == "supplement_received"
    assert (
        body["events"][-1]["kind"] == "supplement_received"
        and len(body["events"][-1]["data"]["sha256"]) == 64
    )
    feed = api.get("/api/v1/feed?after=0").json()["events"]
    assert feed[-1]["kind"] == "supplement_received"


def test_the_same_supplement_sent_again_is_a_repeat_not_a_second_answer(api, unit, make_envelope):
    """An I-VAN whose connection was cut sends the same bytes again: 200 and the first receipt, one event."""
    sid, dossier = _awaiting_supplement(api, make_envelope)
    papers = make_envelope(employees=1)
    first = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", papers)
    again = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", papers)
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert again.content == first.content
    assert dossier.events.filter(kind="supplement_received").count() == 1
    # Other bytes when nothing is awaited are still a 409: the repeat is recognised by its bytes.
    other = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", make_envelope(employees=2))
    assert other.status_code == 409 and other.json()["code"] == "WORKFLOW_NO_SUPPLEMENT_REQUESTED"


def test_a_supplement_nobody_asked_for_is_409(api, unit, make_envelope):
    sid = api.submit(make_envelope())["X-Submission-Id"]
    response = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", make_envelope(employees=2))
    assert response.status_code == 409 and response.json()["code"] == "WORKFLOW_NO_SUPPLEMENT_REQUESTED"


def test_a_refused_submission_has_nothing_to_supplement(api, unit, make_envelope):
    sid = api.submit(make_envelope(signer="unit-ec"))["X-Submission-Id"]
    response = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", make_envelope(employees=2))
    assert response.status_code == 409 and response.json()["code"] == "API_NO_DOSSIER"


def test_an_unsigned_or_foreign_signed_supplement_is_422(api, unit, make_envelope):
    sid, dossier = _awaiting_supplement(api, make_envelope)
    unsigned = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", make_envelope(signer=None))
    assert unsigned.status_code == 422 and unsigned.json()["code"].startswith("SIG_")
    foreign = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", make_envelope(signer="unit-ec"))
    assert foreign.status_code == 422 and foreign.json()["code"] == "INTAKE_SIGNER_TAX_CODE"
    not_xml = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", b"PK\x03\x04zip")
    assert not_xml.status_code == 415 and not_xml.json()["code"] == "INTAKE_NOT_XML"
    dossier.refresh_from_db()
    assert dossier.status == "supplement_requested"


def test_supplement_for_someone_elses_dossier_is_404(api, client, other_key, unit, make_envelope):
    sid, _dossier = _awaiting_supplement(api, make_envelope)
    response = ApiClient(client, other_key).post_xml(f"/api/v1/dossiers/{sid}/supplements", make_envelope())
    assert response.status_code == 404 and response.json()["code"] == "API_NOT_FOUND"
