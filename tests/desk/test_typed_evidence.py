"""Issue 20, item 3: a typed paper dossier is kept as exactly what the officer typed — the stored blob
(the evidence) compared with the typed input, field by field; nothing is made up where nothing was typed.
"""

from datetime import UTC, datetime

import pytest
from django.utils import timezone
from lxml import etree

from hoso.dossier import parse_envelope
from hoso.dossier.children import CHILD_ELEMENTS
from hoso.dossier.typed import CHILD_COLUMNS, D02_COLUMNS, parse_typed_date
from hoso.intake.blobstore import blob_store
from hoso.intake.models import Submission
from tests.intake.conftest import UNIT_CODE, UNIT_TAX

pytestmark = pytest.mark.django_db
NOW = datetime(2016, 1, 5, 2, tzinfo=UTC)

TYPED_CHILDREN = [
    # every column typed
    ["Nguyễn Văn Bé", "12/03/2015", "1", "45/2015", "Nguyễn Thị Mẹ", "Nguyễn Văn Chủ", "HGD-77"],
    # only what the paper gives: no birth certificate, no household
    ["Trần Thị Na", "1/10/2014", "0"],
    # a parent but no household head
    ["Lê Minh Khôi", "05/11/2013", "1", "", "Lê Văn Bố"],
]


@pytest.fixture
def desk(client, officers, demo_data, trusted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(officers["desk"])
    return client


def _typed(rows) -> str:
    return "\n".join("; ".join(row) for row in rows)


def _kept_form(submission: Submission, form_code: str) -> etree._Element:
    """The form as kept in the blob store (the evidence), not as decoded by the pipeline."""
    hoso = parse_envelope(blob_store().get(submission.sha256))
    (attachment,) = [f for f in hoso.info.files if f.ma_to_khai == form_code]
    return etree.fromstring(attachment.content()), hoso


def test_a_typed_under_6_list_keeps_exactly_what_was_typed(desk):
    response = desk.post(
        "/tiep-nhan/",
        {"mode": "paper", "paper-kind": "2", "paper-code": "00379", "paper-name": "UBND xã Bắc Sơn",
         "paper-procedure": "602", "paper-period": "01/2016", "paper-rows": _typed(TYPED_CHILDREN)},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    submission = Submission.objects.get()
    form, hoso = _kept_form(submission, "D03-TS")

    assert (hoso.unit.ten_doi_tuong, hoso.unit.ma_so_bhxh, hoso.unit.loai_doi_tuong) == (
        "UBND xã Bắc Sơn", "00379", "2",
    )  # fmt: skip
    assert (hoso.unit.nguoi_ky, hoso.unit.dien_thoai, hoso.unit.ma_so_thue) == ("", "", "")
    assert form.findtext("ThongTinDonVi/TenDonVi") == "UBND xã Bắc Sơn"  # not "UBND UBND …"
    assert form.findtext("ThongTinDonVi/MaXa") == "00379"

    rows = form.findall("NoiDung/NguoiThamGia")
    assert len(rows) == len(TYPED_CHILDREN)
    for index, (row, typed) in enumerate(zip(rows, TYPED_CHILDREN, strict=True), start=1):
        typed_fields = dict(zip(CHILD_COLUMNS, typed, strict=False))
        for element, attr in CHILD_ELEMENTS.items():
            kept = row.findtext(element) or ""
            if attr == "stt":
                expected = str(index)  # the line's number
            elif attr == "ma_xa":
                expected = "00379"  # the commune's code, typed above
            elif attr == "ngay_sinh":  # as typed, in the form's format: 1/10/2014 is kept as 01/10/2014
                expected = parse_typed_date(typed_fields[attr])
            else:
                expected = typed_fields.get(attr, "")  # typed, or empty
            assert kept == expected, f"row {index}, {element}: kept {kept!r}, typed {expected!r}"

    invented = ("Nguyễn Văn Cha", "Nguyễn Văn Ông", "HGD0001", "001/2015")
    raw = blob_store().get(submission.sha256).decode("utf-8")
    assert not any(word in raw or word in etree.tostring(form, encoding="unicode") for word in invented)


def test_a_typed_unit_list_keeps_exactly_what_was_typed(desk, unit):
    typed = [["Lê Văn An", "01/02/1990", "1", "0112345678"], ["Phạm Thị Bình", "03/04/1992", "0"]]
    response = desk.post(
        "/tiep-nhan/",
        {"mode": "paper", "paper-kind": "1", "paper-code": UNIT_CODE, "paper-tax_code": UNIT_TAX,
         "paper-name": "Công ty TNHH Thương mại Hoà Bình", "paper-procedure": "600",
         "paper-period": "01/2016", "paper-rows": _typed(typed), "confirm_office": "00105"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    form, _hoso = _kept_form(Submission.objects.get(), "D02-TS")
    names = {"ho_ten": "HoTen", "ngay_sinh": "NgaySinh", "gioi_tinh": "GioiTinh", "ma_so_bhxh": "MasoBHXH"}
    rows = form.findall("NoiDung/LaoDong")
    for index, (row, line) in enumerate(zip(rows, typed, strict=True), start=1):
        kept = {child.tag: child.text or "" for child in row}
        expected = {names[c]: v for c, v in zip(D02_COLUMNS, line, strict=False)} | {"STT": str(index)}
        assert {k: v for k, v in kept.items() if v} == expected  # nothing else, no change type made up


def test_a_typed_line_with_too_many_parts_is_named(desk):
    page = desk.post(
        "/tiep-nhan/",
        {"mode": "paper", "paper-kind": "2", "paper-code": "00379", "paper-name": "UBND xã Bắc Sơn",
         "paper-procedure": "602", "paper-period": "01/2016",
         "paper-rows": "Nguyễn Văn Bé; 12/03/2015; 1; a; b; c; d; e"},
    ).content.decode()  # fmt: skip
    assert "Dòng 1" in page and not Submission.objects.exists()
