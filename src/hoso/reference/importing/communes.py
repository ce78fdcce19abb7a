"""Commune People's Committees: GSO code, name, kind (xã / phường / thị trấn), district office, contact."""

from __future__ import annotations

from hoso.reference.importing import cells
from hoso.reference.importing.bulk import model_kind
from hoso.reference.importing.columns import Column
from hoso.reference.models import Commune

COLUMNS = (
    Column("gso_code", ("mã xã", "mã xã phường", "mã đơn vị hành chính", "mã GSO", "gso code", "commune code",
                        "mã"), "Mã xã/phường", "commune code", cells.gso_commune_code, code=True),
    Column("name_vi", ("tên xã", "tên xã phường", "tên", "tên tiếng Việt", "name", "name (Vietnamese)"),
           "Tên xã/phường", "name", cells.text_of(300)),
    Column("name_en", ("tên tiếng Anh", "name (English)"), "Tên tiếng Anh", "name (English)",
           cells.text_of(300), required=False),
    Column("kind", ("loại", "cấp", "loại đơn vị", "kind"), "Loại (xã/phường/thị trấn)", "kind",
           cells.commune_kind),
    Column("office_id", ("cơ quan BHXH huyện", "cơ quan BHXH quản lý", "cơ quan BHXH", "mã cơ quan BHXH",
                         "mã cơ quan", "district office", "office", "office code", "office_code"),
           "Cơ quan BHXH huyện", "district office", cells.office, code=True),
    Column("email", ("thư điện tử", "e-mail", "email"), "Thư điện tử", "e-mail", cells.email, required=False),
    Column("phone", ("điện thoại", "số điện thoại", "phone"), "Điện thoại", "phone", cells.text_of(30),
           required=False),
)  # fmt: skip


COMMUNES = model_kind(
    Commune,
    "gso_code",
    name="communes",
    label_vi="UBND xã/phường",
    label_en="commune People's Committees",
    columns=COLUMNS,
)
