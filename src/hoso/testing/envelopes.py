"""Build real dossier envelopes — forms signed first, the envelope last — for tests, benchmarks and
the demo history. Uses the same code as `hoso pack`; the keys come from a test PKI made at run time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hoso.dossier import (
    Child,
    D02Row,
    EnvelopeFile,
    IvanInfo,
    UnitInfo,
    build_children_list,
    build_d02,
    build_envelope,
)
from hoso.signature.sign import sign_xml

IVAN_NAMES = {"00030": "EFY Việt Nam", "00040": "Thái Sơn"}


def d02_rows(count: int, *, seed: int = 0) -> list[D02Row]:
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
    given = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Hải", "Ngọc Lan", "Thanh Tùng"]
    return [
        D02Row(
            stt=str(i + 1),
            ho_ten=f"{family[(i + seed) % 8]} {given[(i * 3 + seed) % 8]}",
            ma_so_bhxh=f"01{(seed * 100_000 + i) % 100_000_000:08d}",
            ngay_sinh=f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1970 + i % 30}",
            gioi_tinh=str(i % 2),
            tien_luong=str(3_500_000 + 10_000 * (i % 300)),
            tu_thang="01/2016",
            pa="TM",
            ty_le_dong="32.5",
        )
        for i in range(count)
    ]


def children_list(commune_code: str, children: Sequence[tuple[str, str, str]]) -> bytes:
    """An unsigned under-6 list (D03-TS by household) of (name, date of birth dd/mm/yyyy, sex 1/0)."""
    return build_children_list(
        commune_code=commune_code,
        commune_name=f"xã {commune_code}",
        children=[
            Child(
                ho_ten=name,
                ngay_sinh=born,
                gioi_tinh=sex,
                so_giay_khai_sinh=f"{index:03d}/2015",
                ho_ten_cha_me="Nguyễn Văn Cha",
                chu_ho="Nguyễn Văn Ông",
                ma_ho_gia_dinh=f"HGD{index:04d}",
            )  # fmt: skip
            for index, (name, born, sex) in enumerate(children, start=1)
        ],
    )


def signed_form(xml: bytes, signer) -> bytes:
    return sign_xml(xml, signer)


def envelope(
    *,
    unit_code: str,
    tax_code: str,
    unit_name: str = "Đơn vị thử nghiệm",
    procedure: str = "600",
    period: str = "01/2016",
    created: date | None = None,
    ivan: str = "00030",
    signer=None,
    forms: Sequence[EnvelopeFile] | None = None,
    employees: int = 3,
    kind: str = "1",
    seed: int = 0,
) -> bytes:
    """An envelope; signed (forms, then the envelope) when ``signer`` is given, unsigned otherwise.
    ``seed`` varies the employees of its D02-TS: envelopes whose forms have the same content (same
    ``employees`` and ``seed``, unit, procedure and period) are the same declaration, a repeat for the
    gateway however their envelopes differ."""
    if forms is None:
        d02 = build_d02({"MaDonVi": unit_code, "TenDonVi": unit_name}, d02_rows(employees, seed=seed))
        if signer is not None:
            d02 = sign_xml(d02, signer)
        forms = [
            EnvelopeFile(name="D02-TS.xml", content=d02, form_code="D02-TS", description="Danh sách lao động")
        ]
    xml = build_envelope(
        ivan=IvanInfo(ma_ivan=ivan, ten_ivan=IVAN_NAMES.get(ivan, "I-VAN")),
        unit=UnitInfo(
            ten_doi_tuong=unit_name,
            ma_so_bhxh=unit_code,
            loai_doi_tuong=kind,
            ma_so_thue=tax_code,
            nguoi_ky="Người ký",
            dien_thoai="0240000000",
            co_quan_quan_ly="",
        ),
        procedure_code=procedure,
        procedure_name="",
        period=period,
        created=(created or date(2016, 1, 5)).strftime("%d/%m/%Y"),
        files=forms,
    )
    return sign_xml(xml, signer) if signer is not None else xml
