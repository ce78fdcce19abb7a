"""Officers: user name, full name, role, office, department (and e-mail) — the user, its role group and
its officer record, as the one-step admin page makes them, but with no password: an imported officer
cannot log in until IT sets a temporary password (``FIRST_LOG_IN``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from hoso.reference.importing import cells
from hoso.reference.importing.columns import Column
from hoso.reference.importing.engine import Kind
from hoso.reference.models import Officer
from hoso.reference.roles import ROLES, STAFF_ROLES, ensure_roles

COLUMNS = (
    Column("username", ("tên đăng nhập", "tài khoản", "user name", "username", "login"), "Tên đăng nhập",
           "user name", cells.username),
    Column("full_name", ("họ và tên", "họ tên", "full name", "name"), "Họ và tên", "full name",
           cells.full_name),
    Column("role", ("vai trò", "chức năng", "nhóm", "role", "group"), "Vai trò", "role", cells.role),
    Column("office_id", ("cơ quan BHXH", "mã cơ quan BHXH", "mã cơ quan", "đơn vị công tác", "office",
                         "office code", "office_code"), "Cơ quan BHXH", "office", cells.office, code=True),
    Column("department_id", ("phòng", "bộ phận", "phòng ban", "phòng nghiệp vụ", "department"),
           "Phòng/bộ phận", "department", cells.department, required=False, empty=None),
    Column("email", ("thư điện tử", "e-mail", "email"), "Thư điện tử", "e-mail", cells.email, required=False),
)  # fmt: skip

FIRST_LOG_IN = (
    "Cán bộ mới nhập chưa có mật khẩu nên chưa đăng nhập được. Với từng người, CNTT đặt một mật khẩu tạm "
    "thời: Quản trị → Người dùng → chọn tên → «biểu mẫu này» dưới ô Mật khẩu (/admin/auth/user/<số>/password/), "
    "hoặc lệnh `hoso manage changepassword TÊN_ĐĂNG_NHẬP`; báo mật khẩu tạm cho cán bộ và đề nghị đổi ngay "
    "sau lần đăng nhập đầu (đầu trang → Đổi mật khẩu)."
)
FIRST_LOG_IN_EN = (
    "Imported officers have no password yet and cannot log in. For each of them IT sets a temporary "
    "password: Admin → Users → the name → 'this form' under Password (/admin/auth/user/<id>/password/), or "
    "`hoso manage changepassword USERNAME`; tell the officer and ask them to change it at their first "
    "log-in (page header → Change password)."
)


def _fold(username: str) -> str:
    return username.lower()  # as the one-step admin page compares them (username__iexact)


def _existing(usernames: list) -> dict:
    """Stored officers by their folded user name: full name, e-mail, role, office, department. Every user
    is read (an office has hundreds, not millions) so that names are folded the same way as the file's —
    SQLite's LOWER() leaves "Đ" as it is."""
    wanted = set(usernames)
    found = {}
    users = get_user_model().objects.select_related("officer").prefetch_related("groups")
    for user in users:
        if (folded := _fold(user.username)) not in wanted:
            continue
        officer = getattr(user, "officer", None)
        roles = sorted(g.name for g in user.groups.all() if g.name in ROLES)
        found[folded] = {
            "pk": user.pk,
            "username": user.username,
            "full_name": (user.last_name, user.first_name),
            "email": user.email,
            "role": roles[0] if len(roles) == 1 else tuple(roles),
            "office_id": officer.office_id if officer else None,
            "department_id": officer.department_id if officer else None,
        }
    return found


def _write(creates: list[dict], updates: list[tuple[dict, dict]], fields: list[str]) -> None:
    User = get_user_model()
    groups = ensure_roles()
    for record in creates:
        user = User(username=record["username"], email=record.get("email", ""))
        user.set_unusable_password()
        _apply(user, record, groups)
    for record, stored in updates:
        _apply(User.objects.get(pk=stored["pk"]), {**record, "username": stored["username"]}, groups)


def _apply(user, record: dict, groups: dict) -> None:
    user.last_name, user.first_name = record["full_name"]
    if "email" in record:
        user.email = record["email"]
    user.is_staff = user.is_superuser or record["role"] in STAFF_ROLES
    user.save()
    user.groups.remove(*(group for name, group in groups.items() if name != record["role"]))
    user.groups.add(groups[record["role"]])
    defaults = {"office_id": record["office_id"]}
    if "department_id" in record:
        defaults["department_id"] = record["department_id"]
    Officer.objects.update_or_create(user=user, defaults=defaults)


OFFICERS = Kind(
    name="officers",
    label_vi="cán bộ",
    label_en="officers",
    columns=COLUMNS,
    key="username",
    existing=_existing,
    write=_write,
    lookups=cells.Lookups.load,
    fold_key=_fold,
)
