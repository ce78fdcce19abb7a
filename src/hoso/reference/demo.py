"""Demo data: communes of a few districts, employer units across the offices, and one login per role.

Deterministic (the same on every machine) so that the README and the integration guide can name them.
"""

from __future__ import annotations

import csv
from importlib import resources

from django.contrib.auth import get_user_model
from django.db import transaction

from hoso.identifiers import tax_code_check_digit
from hoso.reference.models import Commune, Office, Officer, Unit
from hoso.reference.roles import ROLES, STAFF_ROLES, ensure_roles  # noqa: F401 — ROLES: for hoso demo

DEMO_PASSWORD = "hoso-demo-2015"  # noqa: S105 — a published demo credential, never used in production

DEMO_USERS: list[tuple[str, str, str, str | None]] = [
    # username, role, office code, department
    ("admin", "it_admin", "001", "cntt"),
    ("motcua.badinh", "desk_officer", "00101", "mot_cua"),
    ("thu.badinh", "department_officer", "00101", "thu"),
    ("sothe.badinh", "department_officer", "00101", "so_the"),
    ("truong.badinh", "office_head", "00101", None),
    ("motcua.socson", "desk_officer", "00110", "mot_cua"),
    ("sothe.socson", "department_officer", "00110", "so_the"),
    ("cntt", "it_admin", "001", "cntt"),
    ("giamdoc", "director", "001", None),
]

# The demo officers' full names (family name, given name), as an office's admin records them: the papers
# the desk prints (the receipt's "Người tiếp nhận") name the officer, never the account.
DEMO_NAMES: dict[str, tuple[str, str]] = {
    "admin": ("Phạm Quốc", "Huy"),
    "motcua.badinh": ("Nguyễn Thị", "Lan"),
    "thu.badinh": ("Trần Văn", "Minh"),
    "sothe.badinh": ("Lê Thu", "Hà"),
    "truong.badinh": ("Hoàng Đức", "Thắng"),
    "motcua.socson": ("Đỗ Thị", "Hương"),
    "sothe.socson": ("Bùi Văn", "Nam"),
    "cntt": ("Vũ Minh", "Tuấn"),
    "giamdoc": ("Đặng Thị", "Mai"),
}

_COMPANY_KINDS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân"]
_COMPANY_NAMES = [
    "Thăng Long",
    "Hồng Hà",
    "Sông Đà",
    "Ba Vì",
    "Tây Hồ",
    "Hoàn Kiếm",
    "Phương Nam",
    "Bình Minh",
    "An Phát",
    "Đại Việt",
    "Hòa Bình",
    "Trường Sơn",
    "Việt Á",
    "Minh Khai",
    "Kim Liên",
    "Long Biên",
]
_TRADES = ["Xây dựng", "Thương mại", "Dịch vụ", "May mặc", "Cơ khí", "Vận tải", "Thực phẩm", "Công nghệ"]


def _demo_tax_code(n: int) -> str:
    """The n-th valid 10-digit tax code of a deterministic sequence in Hanoi's 01 range."""
    candidate = 1_000_000 + n * 7
    while True:
        nine = f"01{candidate:07d}"
        check = tax_code_check_digit(nine)
        if check is not None:
            return f"{nine}{check}"
        candidate += 1


def demo_units() -> list[dict[str, str]]:
    """Three units per district office, two at the City office, and the unit of the real I-VAN files."""
    units = []
    offices = list(Office.objects.order_by("code").values_list("code", "name_vi"))
    n = 0
    for code, office_name in offices:
        per_office = 2 if len(code) == 3 else 3
        for _ in range(per_office):
            n += 1
            name = (
                f"{_COMPANY_KINDS[n % len(_COMPANY_KINDS)]} {_TRADES[n % len(_TRADES)]} "
                f"{_COMPANY_NAMES[n % len(_COMPANY_NAMES)]}"
            )
            place = office_name.split(" ", 2)[-1]
            units.append(
                {
                    "code": f"T{chr(65 + n % 26)}{n:04d}A",
                    "tax_code": _demo_tax_code(n),
                    "name": name,
                    "address": f"Số {n} đường Demo, {place}, Hà Nội",
                    "email": f"donvi{n:04d}@demo.hoso.invalid",
                    "phone": f"024{n:07d}",
                    "office_id": code,
                }
            )
    units.append(
        {
            "code": "TS12345",
            "tax_code": "0101300842",
            "name": "Công ty TNHH Thái Sơn (đơn vị thử nghiệm I-VAN)",
            "address": "Huyện Mê Linh, Hà Nội",
            "email": "thaison@demo.hoso.invalid",
            "phone": "0909019211",
            "office_id": "00129",
        }
    )
    return units


@transaction.atomic
def load_demo_data() -> dict[str, int]:
    with (resources.files("hoso.reference") / "data" / "communes_demo.csv").open(encoding="utf-8") as handle:
        communes = list(csv.DictReader(handle))
    for row in communes:
        Commune.objects.update_or_create(
            gso_code=row["gso_code"],
            defaults={
                "name_vi": row["name_vi"],
                "name_en": row["name_vi"],
                "kind": row["kind"],
                "office_id": row["office_code"],
                "email": f"ubnd{row['gso_code']}@demo.hoso.invalid",
            },
        )
    units = demo_units()
    for row in units:
        Unit.objects.update_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )

    groups = ensure_roles()
    user_model = get_user_model()
    for username, role, office, department in DEMO_USERS:
        user, created = user_model.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
        if not (user.last_name or user.first_name):
            user.last_name, user.first_name = DEMO_NAMES[username]
        user.is_staff = role in STAFF_ROLES or username == "admin"
        user.is_superuser = username == "admin"
        user.save()
        user.groups.add(groups[role])
        Officer.objects.update_or_create(
            user=user, defaults={"office_id": office, "department_id": department}
        )
    return {"communes": len(communes), "units": len(units), "users": len(DEMO_USERS)}
