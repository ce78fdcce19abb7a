"""Real imports (issue 21, item 6): all or nothing per file, idempotent (the same file again changes
nothing and says so), only the file's columns updated; communes; officers without a password; the
`hoso import` command; the admin page's permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from hoso.cli import main
from hoso.reference.importing import kinds
from hoso.reference.importing.engine import run_import
from hoso.reference.models import Commune, ImportUpload, Officer, Unit
from tests.reference.import_files import csv_bytes, unit_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(kind: str, data: bytes, name: str = "file.csv", **options):
    return run_import(kinds()[kind], data, name, **options)


def test_units_import_once_then_change_nothing(reference_data):
    data = csv_bytes(unit_rows(30))
    first = _import("units", data)
    assert (first.written, first.created, first.updated, first.unchanged) == (True, 30, 0, 0)
    unit = Unit.objects.get(code="ZN00007")
    assert (unit.office_id, unit.email, unit.active) == ("00101", "ketoan7@nhapthu.vn", True)
    again = _import("units", data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 30)
    assert Unit.objects.filter(code__startswith="ZN").count() == 30


def test_an_update_touches_only_the_columns_of_the_file(reference_data):
    _import("units", csv_bytes(unit_rows(3)))
    Unit.objects.filter(code="ZN00001").update(active=False, phone="024 3826 0000")
    rows = [[r[0], r[1], r[2] + " (đổi tên)" if r[0] == "ZN00001" else r[2], r[5]] for r in unit_rows(3)]
    report = _import("units", csv_bytes(rows, headers=["Mã đơn vị", "MST", "Tên đơn vị", "Cơ quan BHXH"]))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert [c.fields for c in report.changes if c.action == "update"] == [("name",)]
    unit = Unit.objects.get(code="ZN00001")
    assert unit.name.endswith("(đổi tên)") and not unit.active and unit.phone == "024 3826 0000"
    assert unit.email == "ketoan1@nhapthu.vn"


def test_one_bad_row_and_nothing_is_written(reference_data):
    _import("units", csv_bytes(unit_rows(2)))
    rows = unit_rows(5)
    rows[0][2] = "Tên mới"
    rows[4][1] = "0101234568"
    report = _import("units", csv_bytes(rows))
    assert not report.written and len(report.problems) == 1
    assert Unit.objects.filter(code__startswith="ZN").count() == 2
    assert Unit.objects.get(code="ZN00000").name != "Tên mới"


def test_communes(reference_data):
    headers = ["Mã xã", "Tên xã", "Loại", "Cơ quan BHXH huyện", "Thư điện tử"]
    rows = [["09876", "Xã Thử Một", "Xã", "00110", "ubnd@thumot.vn"], ["09877", "Phường Thử Hai", "phường", "00101", ""],
            ["09878", "Thị trấn Thử Ba", "Thị trấn", "00110", ""], ["9879", "Sai mã", "Huyện", "00110", ""]]  # fmt: skip
    report = _import("communes", csv_bytes(rows, headers=headers))
    assert [(p.line, p.column) for p in report.problems] == [(5, "Mã xã"), (5, "Loại")]
    report = _import("communes", csv_bytes(rows[:3], headers=headers))
    assert report.written and report.created == 3
    assert Commune.objects.get(gso_code="09877").kind == Commune.Kind.WARD
    assert Commune.objects.get(gso_code="09878").kind == Commune.Kind.TOWNSHIP
    assert _import("communes", xlsx_bytes(rows[:3], headers=headers), "c.xlsx").unchanged == 3


OFFICER_HEADERS = ["Tên đăng nhập", "Họ và tên", "Vai trò", "Cơ quan BHXH", "Phòng", "Thư điện tử"]
OFFICERS = [
    ["motcua.dongda", "Nguyễn Thị Lan", "Cán bộ một cửa", "00106", "mot_cua", "lan@bhxh.hanoi.vn"],
    ["thu.dongda", "Trần Văn Minh", "department_officer", "00106", "Phòng Quản lý thu", ""],
    ["cntt.thanhpho", "Lê Hoàng", "Quản trị CNTT", "001", "cntt", ""],
]


def test_officers_are_made_without_a_password(reference_data):
    report = _import("officers", csv_bytes(OFFICERS, headers=OFFICER_HEADERS))
    assert report.written and report.created == 3, report.problems
    user = get_user_model().objects.get(username="motcua.dongda")
    assert not user.has_usable_password()
    assert (user.last_name, user.first_name, user.email) == ("Nguyễn Thị", "Lan", "lan@bhxh.hanoi.vn")
    assert [g.name for g in user.groups.all()] == ["desk_officer"] and not user.is_staff
    assert (user.officer.office_id, user.officer.department_id) == ("00106", "mot_cua")
    assert Officer.objects.get(user__username="thu.dongda").department_id == "thu"
    assert get_user_model().objects.get(username="cntt.thanhpho").is_staff  # IT opens the admin

    again = _import("officers", csv_bytes(OFFICERS, headers=OFFICER_HEADERS))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    moved = [list(r) for r in OFFICERS]
    moved[0][0], moved[0][2] = "MotCua.DongDa", "Lãnh đạo cơ quan BHXH"  # the same account, another case
    report = _import("officers", csv_bytes(moved, headers=OFFICER_HEADERS))
    assert (report.created, report.updated) == (0, 1) and report.changes[0].fields == ("role",)
    assert [g.name for g in get_user_model().objects.get(username="motcua.dongda").groups.all()] == [
        "office_head"
    ]


def test_officer_rows_name_unknown_roles_and_departments(reference_data):
    rows = [["a b", "Người Thử", "Thủ quỹ", "00106", "ke_toan_truong", ""]]
    report = _import("officers", csv_bytes(rows, headers=OFFICER_HEADERS), dry_run=True)
    assert [(p.column, p.code) for p in report.problems] == [
        ("Tên đăng nhập", "IMPORT_USERNAME"), ("Vai trò", "IMPORT_ROLE_UNKNOWN"),
        ("Phòng", "IMPORT_DEPARTMENT_UNKNOWN")]  # fmt: skip
    assert "Cán bộ một cửa" in report.problems[1].action_vi


def test_the_command_line(reference_data, tmp_path, capsys):
    good = tmp_path / "don-vi.csv"
    good.write_bytes(csv_bytes(unit_rows(4)))
    assert main(["import", "units", str(good), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert (
        "Chạy thử" in out
        and "sẽ thêm mới 4" in out
        and not Unit.objects.filter(code__startswith="ZN").exists()
    )
    assert main(["import", "units", str(good)]) == 0
    assert "Đã nhập đơn vị sử dụng lao động: thêm mới 4, cập nhật 0, không đổi 0." in capsys.readouterr().out
    assert main(["import", "units", str(good)]) == 0
    assert "Không có gì thay đổi: 4 dòng" in capsys.readouterr().out
    record = ImportUpload.objects.filter(file_name="don-vi.csv").order_by("-pk").first()
    assert record.applied_at is not None and record.unchanged == 4

    rows = unit_rows(2)
    rows[1][0] = "X"
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes(rows))
    assert main(["import", "units", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "Dòng 3, cột «Mã đơn vị», giá trị «X»: Mã đơn vị phải gồm đúng 7 ký tự" in out
    assert "không ghi gì" in out
    assert main(["import", "units", str(tmp_path / "khong-co.csv")]) == 2
    assert "Không mở được tệp" in capsys.readouterr().err


def test_the_command_line_tells_it_how_officers_get_a_password(reference_data, tmp_path, capsys):
    path = tmp_path / "can-bo.xlsx"
    path.write_bytes(xlsx_bytes(OFFICERS, headers=OFFICER_HEADERS))
    assert main(["import", "officers", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Tài khoản mới (chưa có mật khẩu): motcua.dongda, thu.dongda, cntt.thanhpho." in out
    assert "hoso manage changepassword" in out and "mật khẩu tạm" in out
    communes = tmp_path / "xa.csv"
    communes.write_bytes(
        csv_bytes([["09870", "Xã Một", "Xã", "00110"]], headers=["Mã xã", "Tên", "Loại", "Mã cơ quan"])
    )
    assert main(["import", "communes", str(communes)]) == 0


@pytest.fixture
def it_client(client, reference_data):
    from hoso.reference.roles import ensure_roles

    user = get_user_model().objects.create_user("cntt.kiemthu", is_staff=True)
    user.groups.add(ensure_roles()["it_admin"])
    client.force_login(user)
    return client


def test_the_admin_page_dry_run_then_confirm(it_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = it_client.get("/admin/reference/unit/")
    assert "/admin/reference/unit/import/" in page.content.decode()
    data = csv_bytes(unit_rows(3))
    answer = it_client.post("/admin/reference/unit/import/", {"file": SimpleUploadedFile("dv.csv", data)})
    text = answer.content.decode()
    assert answer.status_code == 200 and "Chạy thử" in text and 'name="upload"' in text
    assert not Unit.objects.filter(code__startswith="ZN").exists()
    upload = ImportUpload.objects.get(file_name="dv.csv")
    answer = it_client.post("/admin/reference/unit/import/", {"upload": upload.pk})
    assert answer.status_code == 200 and Unit.objects.filter(code__startswith="ZN").count() == 3
    assert it_client.post("/admin/reference/unit/import/", {"upload": upload.pk}).status_code == 404  # once


def test_the_admin_page_is_for_those_who_may_add_and_change(client, reference_data):
    from hoso.reference.roles import ensure_roles

    director = get_user_model().objects.create_user("giamdoc.kiemthu", is_staff=True)
    director.groups.add(ensure_roles()["director"])  # reads the reference data, changes none
    client.force_login(director)
    assert client.get("/admin/reference/unit/import/").status_code == 403
    assert "/admin/reference/unit/import/" not in client.get("/admin/reference/unit/").content.decode()


def test_the_it_pages_link_to_the_import(it_client):
    from django.urls import reverse

    from hoso.reference.models import Office, Officer

    user = get_user_model().objects.get(username="cntt.kiemthu")
    Officer.objects.create(user=user, office=Office.objects.get(code="001"))
    page = it_client.get(reverse("desk:it_policies"))
    assert page.status_code == 200 and "/admin/reference/unit/import/" in page.content.decode()


def test_the_admin_page_imports_officers_and_says_how_they_get_a_password(it_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = csv_bytes(OFFICERS, headers=OFFICER_HEADERS)
    it_client.post("/admin/reference/officer/import/", {"file": SimpleUploadedFile("cb.csv", data)})
    upload = ImportUpload.objects.get(file_name="cb.csv")
    text = it_client.post("/admin/reference/officer/import/", {"upload": upload.pk}).content.decode()
    assert "chưa có mật khẩu" in text and "/admin/auth/user/" in text
    assert not get_user_model().objects.get(username="thu.dongda").has_usable_password()


def test_a_confirmation_checks_again_and_writes_nothing_when_a_row_went_wrong(it_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hoso.reference.models import Office

    Office.objects.create(code="00199", name_vi="BHXH thử", kind="quan", parent_id="001")
    data = csv_bytes(unit_rows(2, office="00199"))
    it_client.post("/admin/reference/unit/import/", {"file": SimpleUploadedFile("dv.csv", data)})
    Office.objects.filter(code="00199").delete()  # gone between the dry run and the confirmation
    text = it_client.post("/admin/reference/unit/import/", {"upload": ImportUpload.objects.get().pk}).content
    assert "Không nhập" in text.decode() and not Unit.objects.filter(code__startswith="ZN").exists()
