"""Employer units: code, tax code (MST, check digit), name, address, e-mail, phone, managing office."""

from __future__ import annotations

from hoso.reference.importing import cells
from hoso.reference.importing.bulk import model_kind
from hoso.reference.importing.columns import Column
from hoso.reference.models import Unit

COLUMNS = (
    Column("code", ("mã đơn vị", "mã ĐV", "ma_dv", "unit code", "unit_code", "mã"), "Mã đơn vị", "unit code",
           cells.unit_code, code=True),
    Column("tax_code", ("mã số thuế", "MST", "tax code", "tax_code"), "Mã số thuế", "tax code",
           cells.tax_code, code=True),
    Column("name", ("tên đơn vị", "tên", "name", "unit name"), "Tên đơn vị", "name", cells.text_of(300)),
    Column("address", ("địa chỉ", "address"), "Địa chỉ", "address", cells.text_of(400), required=False),
    Column("email", ("thư điện tử", "e-mail", "email"), "Thư điện tử", "e-mail", cells.email, required=False),
    Column("phone", ("điện thoại", "số điện thoại", "phone"), "Điện thoại", "phone", cells.text_of(30),
           required=False),
    Column("office_id", ("cơ quan BHXH quản lý", "mã cơ quan BHXH", "cơ quan quản lý", "cơ quan BHXH",
                         "mã cơ quan", "managing office", "office", "office code", "office_code"),
           "Cơ quan BHXH quản lý", "managing office", cells.office, code=True),
)  # fmt: skip


UNITS = model_kind(
    Unit,
    "code",
    name="units",
    label_vi="đơn vị sử dụng lao động",
    label_en="employer units",
    columns=COLUMNS,
)
