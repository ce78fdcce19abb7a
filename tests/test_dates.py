"""Days and months as people type them (hoso.dates): every real day read back from dd/mm/yyyy (with or
without leading zeros) and from ISO; anything else a coded error in words, never Python's English."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.dates import DateInputError, parse_day, parse_month, show_iso_month, show_month


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_every_day_reads_back_from_what_people_type(day):
    year = f"{day.year:04d}"
    assert parse_day(f"{day.day:02d}/{day.month:02d}/{year}") == day
    assert parse_day(f" {day.day}/{day.month}/{year} ") == day
    assert parse_day(day.isoformat()) == day  # links made before keep working


@given(st.integers(1, 9999), st.integers(1, 12))
def test_every_month_reads_back_and_shows_as_mm_yyyy(year, month):
    shown = show_month(year, month)
    assert parse_month(shown) == (year, month) and parse_month(f"{year:04d}-{month:02d}") == (year, month)
    assert show_iso_month(f"{year:04d}-{month:02d}") == shown


@given(st.text(max_size=12))
def test_anything_else_is_a_coded_error_in_vietnamese(text):
    for parse in (parse_day, parse_month):
        try:
            parse(text)
        except DateInputError as error:
            assert error.code == "DATE_INVALID" and "mm/yyyy" in error.message_vi
            assert "out of range" not in error.message_vi


@pytest.mark.parametrize("text", ["31/02/1991", "29/02/2015", "00/01/2016", "1/13/2016", "12-5", "2016"])
def test_days_that_do_not_exist_say_so(text):
    with pytest.raises(DateInputError) as raised:
        parse_day(text, label="Từ ngày", label_en="From")
    assert raised.value.message_vi.startswith(f"Từ ngày “{text}” không phải một ngày có thật")
    assert "ví dụ 05/01/2016" in raised.value.message_vi


def test_a_stored_value_that_is_no_month_is_shown_as_it_is():
    assert show_iso_month("") == "" and show_iso_month("tháng 1") == "tháng 1"
