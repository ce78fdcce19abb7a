"""Dashboard panels and I-VAN monitoring: exact numbers from known rows; the pages for each role."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model

from hoso.reports import dashboard
from hoso.reports.monitoring import ivan_report
from hoso.reports.rollups import refresh

from .conftest import make_submission, make_unit

pytestmark = pytest.mark.django_db


def at(y, m, d, h=3, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=UTC)


@pytest.fixture
def rows(demo_data):
    a, b = make_unit(), make_unit(office="00110")
    make_submission(a, at=at(2015, 12, 1), dossier_status="result_ready", due=date(2015, 12, 8),
                    finished=at(2015, 12, 7))  # fmt: skip
    make_submission(a, channel="electronic", ivan="00030", at=at(2015, 12, 1, 5), claimed="2015-12-01T04:50:00Z",
                    dossier_status="result_ready", due=date(2015, 12, 8), finished=at(2015, 12, 9))  # fmt: skip
    make_submission(b, channel="electronic", ivan="00030", at=at(2015, 12, 2, 9), claimed="2015-12-02T06:00:00Z",
                    dossier_status="received", due=date(2015, 12, 9))  # fmt: skip
    make_submission(b, channel="electronic", ivan="00040", at=at(2015, 12, 3), outcome="refused",
                    reasons=["INTAKE_CERTIFICATE_NOT_REGISTERED"], claimed="not a time")  # fmt: skip
    make_submission(
        b, at=at(2016, 1, 5), outcome="refused", reasons=["POLICY_BARCODE_SUSPENDED_FROM_2016_01_01"]
    )
    # Handed over late, but its result was recorded on time: on time.
    handed = make_submission(a, at=at(2015, 12, 4), dossier_status="handed_over", due=date(2015, 12, 11),
                             finished=at(2015, 12, 20))  # fmt: skip
    from hoso.workflow.models import Result

    Result.objects.create(
        dossier=handed.dossier, recorded_at=at(2015, 12, 10), signed_xml=b"<r/>", signed_sha256="0" * 64
    )
    refresh()
    return a, b


def test_dashboard_panels(rows):
    period = dashboard.Period(date(2015, 12, 1), date(2016, 1, 31), None)
    days = {d["day"]: d for d in dashboard.per_day_by_channel(period)}
    assert len(days) == 62
    assert (days[date(2015, 12, 1)]["barcode"], days[date(2015, 12, 1)]["electronic"]) == (1, 1)
    assert days[date(2015, 12, 2)]["electronic"] == 1  # 16:00 in Hanoi
    shares = {s["office"]: s for s in dashboard.share_by_office(period)}
    assert shares["00105"]["share"] == round(1 / 3, 4) and shares["00110"]["share"] == 1.0
    (office,) = dashboard.on_time_by_office(period)
    assert (office["office"], office["finished"], office["on_time"], office["late"]) == ("00105", 3, 2, 1)
    (procedure,) = dashboard.on_time_by_procedure(period)
    assert procedure["procedure"] == "600" and procedure["rate"] == round(2 / 3, 4)
    refusals = {r["code"]: r for r in dashboard.refusals_by_reason(period)}
    assert refusals["POLICY_BARCODE_SUSPENDED_FROM_2016_01_01"]["barcode"] == 1
    assert refusals["INTAKE_CERTIFICATE_NOT_REGISTERED"]["electronic"] == 1
    (backlog,) = dashboard.backlog_by_due_state(None, date(2015, 12, 10))
    assert (backlog["office"], backlog["late"], backlog["total"]) == ("00110", 1, 1)
    (soon,) = dashboard.backlog_by_due_state("00110", date(2015, 12, 8))
    assert soon["due_soon"] == 1


def test_ivan_monitoring(rows):
    report = ivan_report(date(2015, 12, 1), date(2015, 12, 31))
    ivans = {r.ivan: r for r in report.ivans}
    efy, thaison = ivans["00030"], ivans["00040"]
    assert (efy.submissions, efy.accepted, efy.refused, efy.with_signing_time, efy.late) == (2, 2, 0, 2, 1)
    assert efy.median_delay_minutes == pytest.approx((10 + 180) / 2, abs=0.2)
    assert (thaison.refused, thaison.refusal_rate, thaison.with_signing_time) == (1, 1.0, 0)
    (refusal,) = report.refusals
    assert (refusal.ivan, refusal.code, refusal.rate) == ("00040", "INTAKE_CERTIFICATE_NOT_REGISTERED", 1.0)
    (late,) = report.late
    assert late.ivan == "00030" and late.delay_minutes == pytest.approx(180, abs=0.2)
    assert late.received_at.startswith("2015-12-02T16:00") and late.claimed_signing_time.startswith(
        "2015-12-02T13:00"
    )


def _client(client, username, role, office):
    from django.contrib.auth.models import Group

    from hoso.reference.models import Officer

    user = get_user_model().objects.create_user(username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    Officer.objects.create(user=user, office_id=office)
    client.force_login(user)
    return user


def test_pages_for_the_director_and_an_office_head(rows, client):
    _client(client, "gd", "director", "001")
    for url in ["/reports/?from=2015-12-01&to=2016-01-31", "/reports/chuyen-doi/?from=2015-09-01&to=2016-01-31",
                "/reports/ivan/?from=2015-12-01&to=2015-12-31", "/reports/vuong-mac/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<svg" in response.content or b"vuong-mac" in response.content
    response = client.get("/reports/?from=2015-12-01&to=2016-01-31")
    assert b"01/12/2015" in response.content and b"cdn" not in response.content.lower()
    xlsx = client.get("/reports/chuyen-doi/?from=2015-09-01&to=2016-01-31&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"
    csv = client.get("/reports/ivan/?from=2015-12-01&to=2015-12-31&format=csv&table=late")
    assert csv.status_code == 200 and b"00030" in csv.content
    client.logout()
    _client(client, "truong", "office_head", "00110")
    assert client.get("/reports/?office=00110").status_code == 200
    assert client.get("/reports/?office=00105").status_code == 403
    client.logout()
    _client(client, "motcua", "desk_officer", "00110")
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/vuong-mac/moi/").status_code == 200


def test_an_office_head_sends_notices_from_the_page(rows, client, isolated_gateway):
    """The page records the notice and queues its e-mail (the job worker sends it), then shows the outbox."""
    from django.core import mail

    from hoso.reports.models import OutboxMessage

    _client(client, "truong", "office_head", "00110")
    response = client.post(
        "/reports/chuyen-doi/thong-bao/", {"office": "00110", "until": "2016-01-31", "days": "30"}
    )
    assert response.status_code == 302 and response["Location"] == "/reports/thong-bao/?office=00110"
    assert len(mail.outbox) == 0
    (queued,) = OutboxMessage.objects.all()
    assert queued.status == "queued" and queued.attempts == 0 and queued.notice.office_id == "00110"
