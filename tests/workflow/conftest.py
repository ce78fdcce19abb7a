"""Workflow tests reuse the reception fixtures (test PKI, trusted gateway, registered unit) and add
officers of two district offices with their roles, and a received under-6 list."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.intake.conftest import pki, signers, trusted, unit  # noqa: F401 — fixtures

JAN_2016 = datetime(2016, 1, 5, 2, tzinfo=UTC)  # Tuesday 05/01/2016, 09:00 in Hanoi
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: PBKDF2 costs ~0.5 s a user


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


CHILDREN = [("Nguyễn Văn Bé", "12/03/2015", "1"), ("Trần Thị Na", "01/10/2014", "0")]


def make_officer(username: str, role: str, office: str, department: str | None = None):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from hoso.reference.models import Officer

    user = get_user_model().objects.create_user(username, password="hoso-demo-2015")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    Officer.objects.create(user=user, office_id=office, department_id=department)
    return user


@pytest.fixture
def officers(reference_data):
    """Sóc Sơn (00110) and Ba Đình (00101): desk, card department, collection department, head."""
    return {
        "desk": make_officer("t.motcua.socson", "desk_officer", "00110", "mot_cua"),
        "sothe": make_officer("t.sothe.socson", "department_officer", "00110", "so_the"),
        "sothe2": make_officer("t.sothe2.socson", "department_officer", "00110", "so_the"),
        "thu": make_officer("t.thu.socson", "department_officer", "00110", "thu"),
        "head": make_officer("t.truong.socson", "office_head", "00110"),
        "other_desk": make_officer("t.motcua.badinh", "desk_officer", "00101", "mot_cua"),
        "other_sothe": make_officer("t.sothe.badinh", "department_officer", "00101", "so_the"),
        "other_head": make_officer("t.truong.badinh", "office_head", "00101"),
        "city": make_officer("t.cntt", "it_admin", "001", "cntt"),
        "director": make_officer("t.giamdoc", "director", "001"),
    }


def children_envelope(commune_code: str = "00379", children=CHILDREN) -> bytes:
    from hoso.dossier import EnvelopeFile
    from hoso.testing.envelopes import children_list, envelope

    d03 = children_list(commune_code, children)
    return envelope(
        unit_code=commune_code, tax_code="", kind="2", procedure="602", period="01/2016",
        forms=[EnvelopeFile(name="D03-TS.xml", content=d03, form_code="D03-TS", description="Danh sách trẻ em")],
    )  # fmt: skip


def receive_children(officer, *, received_at=JAN_2016, commune_code="00379", children=CHILDREN):
    from hoso.barcode import make_chunks
    from hoso.intake.desk import receive_scanner_text

    text = "\n".join(make_chunks(children_envelope(commune_code, children)))
    desk = receive_scanner_text(text, officer=officer, received_at=received_at)
    (reception,) = desk.receptions
    assert reception.outcome == "accepted", reception.submission.reasons
    return reception.submission.dossier


@pytest.fixture
def under6(demo_data, trusted, officers):  # noqa: F811 — the imported fixture
    """An under-6 list of commune 00379 (Sóc Sơn) received at the Sóc Sơn desk in January 2016."""
    return receive_children(officers["desk"])


@pytest.fixture
def clock(monkeypatch):
    """The workflow's clock on Tuesday 12/01/2016, 09:00 in Hanoi (after the January receptions)."""
    from django.utils import timezone

    now = datetime(2016, 1, 12, 2, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now
