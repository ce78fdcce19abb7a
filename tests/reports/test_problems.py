"""Problem reports (vướng mắc): from officers at the desk, from I-VANs through the API router; IT's
queue, replies, assignment, status; the history of each."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from pydantic import ValidationError

from hoso.reference.models import IvanProvider, Officer
from hoso.reports import problems
from hoso.reports.api import ProblemIn, create_problem, get_problem
from hoso.reports.models import Problem

from .conftest import make_submission, make_unit

pytestmark = pytest.mark.django_db


def _user(username, role, office="00110"):
    user = get_user_model().objects.create_user(username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    Officer.objects.create(user=user, office_id=office)
    return user


def test_a_desk_officer_reports_and_it_answers(demo_data, client):
    desk, it = _user("motcua.t", "desk_officer"), _user("cntt.t", "it_admin", "001")
    client.force_login(desk)
    response = client.post("/reports/vuong-mac/moi/", {"category": "barcode", "title": "Không đọc được mã vạch",
                                                       "description": "Máy quét báo lỗi ở trang 3."})  # fmt: skip
    problem = Problem.objects.get()
    assert response.status_code == 302 and problem.office_id == "00110" and problem.source == "desk"
    client.logout()
    client.force_login(it)
    assert b"Kh\xc3\xb4ng \xc4\x91\xe1\xbb\x8dc" in client.get("/reports/vuong-mac/").content
    client.post(f"/reports/vuong-mac/{problem.pk}/", {"action": "assign", "assignee": it.pk})
    client.post(
        f"/reports/vuong-mac/{problem.pk}/",
        {"action": "reply", "text": "Quét lại ở 300 dpi.", "status": "answered"},
    )
    problem.refresh_from_db()
    assert problem.status == "answered" and problem.assignee == it
    kinds = list(problem.events.values_list("kind", flat=True))
    assert kinds == ["created", "assigned", "reply"]
    assert not problems.queue().exists()
    # The reporter's reply reopens it.
    client.logout()
    client.force_login(desk)
    client.post(f"/reports/vuong-mac/{problem.pk}/", {"action": "reply", "text": "Vẫn lỗi."})
    problem.refresh_from_db()
    assert problem.status == "open"
    # A desk officer may not change the status.
    assert (
        client.post(f"/reports/vuong-mac/{problem.pk}/", {"action": "status", "status": "closed"}).status_code
        == 403
    )
    other = _user("motcua.other", "desk_officer", "00105")
    client.logout()
    client.force_login(other)
    assert client.get(f"/reports/vuong-mac/{problem.pk}/").status_code == 403


def test_an_ivan_reports_through_the_api_router(demo_data):
    ivan = IvanProvider.objects.get(code="00030")
    unit = make_unit()
    submission = make_submission(unit, channel="electronic", ivan="00030")
    request = SimpleNamespace(auth=ivan)
    answer = create_problem(
        request, ProblemIn(category="signature", title="Chứng thư bị từ chối", description="Mã lỗi SIG_REVOKED",
                           submission_id=str(submission.public_id)),
    )  # fmt: skip
    status, body = answer.status_code, answer.value  # ninja.Status, not a (code, body) tuple (deprecated)
    assert status == 201 and body["status"] == "open" and body["dossier_number"] == submission.dossier.number
    problem = Problem.objects.get(pk=body["id"])
    assert (
        problem.source == "ivan" and problem.ivan == ivan and problem.reporter_label.startswith("I-VAN 00030")
    )
    read = get_problem(request, problem.pk)
    assert read.status_code == 200 and read.value["events"][0]["kind"] == "created"
    other = SimpleNamespace(auth=IvanProvider.objects.get(code="00040"))
    with pytest.raises(problems.ProblemError) as caught:
        create_problem(other, ProblemIn(category="other", title="x", description="y",
                                        submission_id=str(submission.public_id)))  # fmt: skip
    assert caught.value.code == "PROBLEM_SUBMISSION_UNKNOWN"
    with pytest.raises(ValidationError):  # the API's schema lists the categories (an enum)
        ProblemIn(category="nonsense", title="x", description="y")
    from ninja.errors import HttpError

    with pytest.raises(HttpError):
        get_problem(other, problem.pk)
