"""Roles as data (issue 21, item 5): the groups docs/desk-guide.md names are made with their permissions
(idempotently, by hoso init), one admin page makes an officer, the admin is titled for hoso."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from hoso.reference.models import Officer
from hoso.reference.roles import PERMISSIONS, ROLES, ensure_roles

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "desk-guide.md"
STRONG = "Bắc-Sơn-mật-khẩu-2026"


def _perms(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_the_groups_are_the_ones_the_guide_names():
    named = set(re.findall(r"\(`([a-z_]+)`\) \|", GUIDE.read_text(encoding="utf-8")))
    assert named == set(ROLES)


def test_ensure_roles_makes_the_groups_with_their_permissions_and_is_idempotent():
    ensure_roles()
    extra = Group.objects.get(name="director")
    extra.permissions.add(*Group.objects.get(name="it_admin").permissions.filter(codename="add_unit"))
    ensure_roles()  # again: nothing doubled, nothing IT added taken away
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)
    for name in ROLES:
        assert set(PERMISSIONS[name]) <= _perms(Group.objects.get(name=name))
    assert "reference.add_unit" in _perms(Group.objects.get(name="director"))
    assert "axes.delete_accessattempt" in _perms(Group.objects.get(name="it_admin"))


def test_hoso_init_makes_the_roles_and_again_changes_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"HOSO_DATA_DIR": str(tmp_path)}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "hoso", "init"], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
    with sqlite3.connect(tmp_path / "hoso.sqlite3") as db:
        rows = db.execute(
            "SELECT g.name, COUNT(p.id) FROM auth_group g LEFT JOIN auth_group_permissions p ON p.group_id = g.id"
            " GROUP BY g.name"
        ).fetchall()
    assert dict(rows) == {name: len(set(PERMISSIONS[name])) for name in ROLES}


@pytest.fixture
def it_client(reference_data):
    """An IT administrator who is no superuser: only the role's permissions open the admin."""
    ensure_roles()
    user = get_user_model().objects.create_user("t.quantri", password=STRONG, is_staff=True)
    user.groups.add(Group.objects.get(name="it_admin"))
    Officer.objects.create(user=user, office_id="001", department_id="cntt")
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user)
    return client


def _form(**changes):
    data = {
        "username": "nguyen.van.an",
        "last_name": "Nguyễn Văn",
        "first_name": "An",
        "email": "an@bhxhhanoi.invalid",
        "password1": STRONG,
        "password2": STRONG,
        "role": "desk_officer",
        "office": "00110",
        "department": "mot_cua",
    }
    data.update(changes)
    return data


def test_one_admin_page_makes_an_officer_who_can_log_in(it_client):
    page = it_client.get("/admin/reference/officer/add/")
    assert page.status_code == 200
    text = page.content.decode()
    for label in ("Tên đăng nhập", "Mật khẩu", "Cán bộ một cửa", "Quản trị CNTT"):
        assert label in text, label
    answer = it_client.post("/admin/reference/officer/add/", _form())
    assert answer.status_code == 302, answer.content.decode()[:2000]
    user = get_user_model().objects.get(username="nguyen.van.an")
    assert user.check_password(STRONG) and not user.is_staff and user.get_full_name() == "An Nguyễn Văn"
    assert list(user.groups.values_list("name", flat=True)) == ["desk_officer"]
    assert (user.officer.office_id, user.officer.department_id) == ("00110", "mot_cua")
    officer = Client()
    answer = officer.post("/dang-nhap/", {"username": "nguyen.van.an", "password": STRONG})
    assert answer.status_code == 302 and answer["Location"].endswith("/tiep-nhan/")


def test_an_it_officer_made_there_is_staff(it_client):
    answer = it_client.post(
        "/admin/reference/officer/add/",
        _form(username="le.thi.binh", role="it_admin", office="001", department="cntt"),
    )
    assert answer.status_code == 302
    assert get_user_model().objects.get(username="le.thi.binh").is_staff


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"password1": "12345678", "password2": "12345678"}, "Mật khẩu này quá phổ biến"),
        ({"password2": "khác-hẳn-2026"}, "Hai mật khẩu không giống nhau."),
        ({"username": "T.QUANTRI"}, "Đã có tài khoản với tên đăng nhập này."),
    ],
)
def test_a_bad_form_makes_nothing_and_says_why(it_client, changes, field_error):
    before = get_user_model().objects.count()
    answer = it_client.post("/admin/reference/officer/add/", _form(**changes))
    assert answer.status_code == 200
    assert field_error in answer.content.decode()
    assert get_user_model().objects.count() == before


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("vi", "Quản trị hệ thống tiếp nhận hồ sơ điện tử BHXH"),
        ("en", "hoso — administration of the e-dossier gateway"),
    ],
)
def test_the_admin_is_titled_for_hoso(it_client, language, title):
    page = it_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert title in page and "Django" not in page.split("<body", 1)[1].split("</header>", 1)[0]
