"""The decoded form content stored with a submission (its ``facts``): every non-empty value, the
unnamed extra fields of a declaration merged in."""

from __future__ import annotations

from dataclasses import asdict

from hypothesis import given
from hypothesis import strategies as st

from hoso.dossier.forms import D02Row, TK3Declaration
from hoso.intake.checks import _row_dict

text = st.text(max_size=8)


def test_a_declaration_keeps_its_extra_fields_and_drops_empty_values():
    declaration = TK3Declaration(ten_don_vi="Công ty Tây Hồ", ma_so_thue="", extra={"Fax": "024", "Web": ""})
    assert _row_dict(declaration) == {"ten_don_vi": "Công ty Tây Hồ", "Fax": "024"}


@given(st.builds(D02Row, ho_ten=text, ma_so_bhxh=text, ngay_sinh=text, gioi_tinh=text, tien_luong=text))
def test_a_row_reads_as_its_non_empty_fields(row):
    assert _row_dict(row) == {k: v for k, v in asdict(row).items() if v}


@given(st.dictionaries(st.text(min_size=1, max_size=5), text, max_size=4), text)
def test_extra_fields_win_over_named_ones_as_before(extra, name):
    declaration = TK3Declaration(ten_don_vi=name, extra=extra)
    values = {k: v for k, v in asdict(declaration).items() if k != "extra"}
    assert _row_dict(declaration) == {k: v for k, v in {**values, **extra}.items() if v}
