"""Issue 20, item 2: what the desk officer types is read as people write it, and a value that cannot be
what the paper means is named — never built into a form the pipeline would refuse."""

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.dossier.typed import (
    CHILD_COLUMNS,
    D02_COLUMNS,
    TypedValueError,
    check_typed_lines,
    first_day,
    parse_typed_date,
    parse_typed_period,
)

TODAY = date(2026, 12, 5)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
separators = st.sampled_from("/-.")


@given(days, separators, st.booleans(), st.booleans())
def test_a_date_as_people_write_it_is_the_same_day_in_the_forms_format(day, sep, pad_day, pad_month):
    typed = sep.join(
        [f"{day.day:02d}" if pad_day else str(day.day), f"{day.month:02d}" if pad_month else str(day.month)]
        + [str(day.year)]
    )
    written = parse_typed_date(typed)
    assert written == day.strftime("%d/%m/%Y") and first_day(written) == day
    assert parse_typed_date(written) == written  # the form's format is read back unchanged


@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(29, 35))
def test_a_day_past_the_end_of_its_month_is_named_with_the_months_length(year, month, day):
    last = calendar.monthrange(year, month)[1]
    typed = f"{day}/{month}/{year}"
    if day <= last:
        assert parse_typed_date(typed) == f"{day:02d}/{month:02d}/{year}"
        return
    with pytest.raises(TypedValueError) as raised:
        parse_typed_date(typed)
    assert f"có {last} ngày" in raised.value.vi and f"has {last} days" in raised.value.en


@given(st.text(max_size=12))
def test_anything_typed_is_a_date_or_a_named_mistake(text):
    try:
        written = parse_typed_date(text)
    except TypedValueError as error:
        assert error.vi and error.en
    else:
        first_day(written)  # a real day


@pytest.mark.parametrize(
    ("typed", "written"),
    [("12/5/1993", "12/05/1993"), ("12/05/1993", "12/05/1993"), ("5/1993", "05/1993"), ("1993", "1993")],
)
def test_the_examples_of_the_issue(typed, written):
    assert parse_typed_date(typed) == written


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("31/02/1991", "Không có ngày 31/02/1991: tháng 2/1991 có 28 ngày."),
        ("12/13/1991", "không có tháng 13"),
        ("12/5/93", "ghi năm đủ 4 chữ số"),
        ("1/1/1850", "trước 1900"),
        ("mười hai", "không phải là ngày"),
    ],
)
def test_mistakes_are_said_in_vietnamese(typed, says):
    with pytest.raises(TypedValueError) as raised:
        parse_typed_date(typed)
    assert says in raised.value.vi


@given(st.integers(1, 12), st.integers(1900, 2100), st.booleans())
def test_a_period_is_month_and_year(month, year, pad):
    assert parse_typed_period(f"{month:02d}/{year}" if pad else f"{month}/{year}") == f"{month:02d}/{year}"


def test_lines_are_put_in_the_forms_format_and_every_mistake_is_named_on_its_line():
    checked, problems = check_typed_lines(
        D02_COLUMNS,
        [
            ["Lê Văn An", "12/5/1993", "nam", "01 1234 5678"],
            ["Phạm Thị Bình", "31/02/1991", "2"],
            ["", "1/1/2030"],
        ],
        today=TODAY,
    )
    assert checked[0] == ["Lê Văn An", "12/05/1993", "1", "0112345678"]
    assert [(p.line, p.part) for p in problems] == [(2, 1), (2, 2), (3, 0), (3, 1), (3, 2)]
    assert problems[0].vi == "Dòng 2: không có ngày 31/02/1991: tháng 2/1991 có 28 ngày."
    assert "sau hôm nay" in problems[3].vi and "thiếu giới tính" in problems[4].vi


def test_nothing_is_added_to_a_line_that_gives_less():
    checked, problems = check_typed_lines(CHILD_COLUMNS, [["Trần Thị Na", "1/10/2024", "0"]], today=TODAY)
    assert checked == [["Trần Thị Na", "01/10/2024", "0"]] and not problems


def test_a_line_with_too_many_parts_is_named():
    _checked, problems = check_typed_lines(
        D02_COLUMNS, [["A", "1/1/2000", "1", "0112345678", "x"]], today=TODAY
    )
    assert problems[0].line == 1 and "nhiều nhất 4" in problems[0].vi
