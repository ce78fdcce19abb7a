"""Issue 7 item 11: no page lets an officer read or change another office's dossiers; every state change
outside the table is refused; every form is CSRF-protected; pages need a log-in."""

import pytest
from django.test import Client

from hoso.workflow.access import ACTIONS
from hoso.workflow.models import Dossier, DossierEvent
from hoso.workflow.states import Status

pytestmark = pytest.mark.django_db


def _pages(dossier):
    public_id = dossier.submission.public_id
    return [
        f"/ho-so/{dossier.pk}/",
        f"/ho-so/{dossier.pk}/tep/{dossier.submission.sha256}/",
        f"/ho-so/{dossier.pk}/tep/f0/",
        f"/tiep-nhan/{public_id}/",
        f"/tiep-nhan/{public_id}/in/",
    ]


def _snapshot(dossier):
    fresh = Dossier.objects.get(pk=dossier.pk)
    return fresh.status, fresh.assignee_id, fresh.due_date, DossierEvent.objects.count()


@pytest.mark.parametrize("who", ["other_desk", "other_sothe", "other_head"])
def test_another_offices_officer_can_neither_read_nor_change(client, under6, officers, who):
    client.force_login(officers[who])
    for url in _pages(under6):
        assert client.get(url).status_code == 404, url
    before = _snapshot(under6)
    for action in ACTIONS:
        response = client.post(
            f"/ho-so/{under6.pk}/{action}/", {"note": "x", "receiver": "x", "to": officers[who].pk}
        )
        assert response.status_code == 404, action
    assert _snapshot(under6) == before
    link = f'href="/ho-so/{under6.pk}/"'
    for query in ("", "?office=00110", f"?unit={under6.commune_id}", "?mine=all"):
        assert link not in client.get("/ho-so/" + query).content.decode(), query
    assert link not in client.get(f"/tra-ket-qua/?so={under6.number}").content.decode()


def test_the_own_office_reads_it(client, under6, officers):
    client.force_login(officers["desk"])
    for url in _pages(under6):
        assert client.get(url).status_code == 200, url
    assert under6.number in client.get("/ho-so/").content.decode()


@pytest.mark.parametrize("who", ["city", "director"])
def test_the_city_office_and_the_director_read_every_office_but_act_on_none(client, under6, officers, who):
    client.force_login(officers[who])
    assert client.get(f"/ho-so/{under6.pk}/").status_code == 200
    assert under6.number in client.get("/ho-so/").content.decode()
    before = _snapshot(under6)
    for action in ACTIONS:
        client.post(
            f"/ho-so/{under6.pk}/{action}/", {"note": "x", "receiver": "x", "to": officers["sothe"].pk}
        )
    assert _snapshot(under6) == before


def test_every_state_change_outside_the_table_is_refused(client, under6, officers, clock):
    """From each state reached along the way, every action the state does not allow changes nothing,
    whoever of the office asks."""
    staff = [officers[k] for k in ("desk", "sothe", "head")]
    clients = {}
    for user in staff:
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    path = [
        ("take", officers["sothe"], {}),
        ("request_supplement", officers["sothe"], {"note": "Thiếu giấy khai sinh"}),
    ]
    for step, (action, user, data) in enumerate(path + [(None, None, None)]):
        dossier = Dossier.objects.get(pk=under6.pk)
        for other in ACTIONS:
            if dossier.status in ACTIONS[other][1]:
                continue
            before = _snapshot(dossier)
            for user_client in clients.values():
                user_client.post(
                    f"/ho-so/{dossier.pk}/{other}/",
                    {"note": "x", "receiver": "x", "to": officers["sothe2"].pk},
                )
            assert _snapshot(dossier) == before, (dossier.status, other)
        if action:
            clients[user.username].post(f"/ho-so/{dossier.pk}/{action}/", data)
            assert Dossier.objects.get(pk=under6.pk).status != dossier.status, (step, action)
    assert Dossier.objects.get(pk=under6.pk).status == Status.SUPPLEMENT_REQUESTED


def test_a_department_officer_of_another_department_cannot_take_it(client, under6, officers):
    client.force_login(officers["thu"])
    client.post(f"/ho-so/{under6.pk}/take/")
    assert Dossier.objects.get(pk=under6.pk).status == Status.RECEIVED


def test_every_form_needs_the_csrf_token(under6, officers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officers["sothe"])
    posts = [f"/ho-so/{under6.pk}/{action}/" for action in ACTIONS] + [
        "/tiep-nhan/", "/cntt/chinh-sach/", "/dang-xuat/", "/i18n/setlang/",
    ]  # fmt: skip
    for url in posts:
        assert client.post(url, {"note": "x", "mode": "scanner", "scanner": "x"}).status_code == 403, url
    assert Dossier.objects.get(pk=under6.pk).status == Status.RECEIVED
    anonymous = Client(enforce_csrf_checks=True)
    assert (
        anonymous.post(
            "/dang-nhap/", {"username": "t.sothe.socson", "password": "hoso-demo-2015"}
        ).status_code
        == 403
    )


def test_pages_need_a_log_in_and_roles(client, under6, officers):
    for url in [
        "/tiep-nhan/",
        "/ho-so/",
        f"/ho-so/{under6.pk}/",
        "/tra-ket-qua/",
        "/cntt/chinh-sach/",
        "/cntt/tin-cay/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), url
    client.force_login(officers["sothe"])
    for url in [
        "/tiep-nhan/",
        "/tra-ket-qua/",
        "/cntt/chinh-sach/",
        "/cntt/tin-cay/",
        "/cntt/ivan/",
        "/cntt/dang-ky/",
    ]:
        assert client.get(url).status_code == 403, url


def test_the_public_lookup_shows_the_state_and_nothing_personal(client, under6):
    page = client.get("/tra-cuu/", {"so": under6.number, "ma": under6.commune_id}).content.decode()
    assert "Đã tiếp nhận" in page and under6.due_date.strftime("%d/%m/%Y") in page
    assert "Nguyễn Văn Bé" not in page and "Bắc Sơn" not in page
    missing = client.get("/tra-cuu/", {"so": "99999/2016/00110", "ma": under6.commune_id}).content.decode()
    assert "Không có hồ sơ nào" in missing
    assert "năm chữ số" in client.get("/tra-cuu/", {"so": "abc"}).content.decode()


def test_log_in_with_a_role_lands_on_its_page(client, under6, officers):
    response = client.post("/dang-nhap/", {"username": "t.motcua.socson", "password": "hoso-demo-2015"})
    assert response.status_code == 302 and response["Location"] == "/tiep-nhan/"
    client.logout()
    response = client.post("/dang-nhap/", {"username": "t.sothe.socson", "password": "hoso-demo-2015"})
    assert response["Location"] == "/ho-so/"
    client.logout()
    page = client.post("/dang-nhap/", {"username": "t.sothe.socson", "password": "wrong"}).content.decode()
    assert "không đúng" in page
