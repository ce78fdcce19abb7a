import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hoso.identifiers import (
    DossierNumber,
    IdentifierError,
    build_health_card_code,
    format_dossier_number,
    parse_dossier_number,
    parse_health_card_code,
    tax_code_check_digit,
    validate_office_code,
    validate_social_insurance_number,
    validate_tax_code,
    validate_unit_code,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize("mst", ["0101300842", "0100109106", "0100109106-001"])
def test_valid_tax_codes(mst):
    assert validate_tax_code(mst) == mst


@pytest.mark.parametrize(
    ("mst", "code"),
    [
        ("0101300843", "ID_TAX_CODE_CHECK"),
        ("010130084", "ID_TAX_CODE_FORMAT"),
        ("01013008421", "ID_TAX_CODE_FORMAT"),
        ("01013OO842", "ID_TAX_CODE_FORMAT"),
        ("0100109106-000", "ID_TAX_CODE_BRANCH"),
        ("", "ID_TAX_CODE_FORMAT"),
    ],
)
def test_invalid_tax_codes_raise_a_coded_vietnamese_error(mst, code):
    with pytest.raises(IdentifierError) as caught:
        validate_tax_code(mst)
    assert caught.value.code == code
    assert "Mã số thuế" in caught.value.message_vi


@given(nine_digits)
def test_a_computed_check_digit_always_validates(nine):
    check = tax_code_check_digit(nine)
    assume(check is not None)
    assert validate_tax_code(nine + str(check))


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_digit_substitution_is_detected(nine, position, delta):
    check = tax_code_check_digit(nine)
    assume(check is not None)
    digits = list(nine + str(check))
    digits[position] = str((int(digits[position]) + delta) % 10)
    with pytest.raises(IdentifierError):
        validate_tax_code("".join(digits))


@given(st.integers(1, 99_999), st.integers(1000, 9999), st.sampled_from(["001", "00101", "00131", "07906"]))
def test_dossier_numbers_round_trip(seq, year, office):
    text = format_dossier_number(seq, year, office)
    assert len(text.split("/")[0]) == 5
    assert parse_dossier_number(text) == DossierNumber(office=office, year=year, sequence=seq)
    assert str(parse_dossier_number(text)) == text


def test_dossier_number_example():
    assert parse_dossier_number("03706/2026/07906") == DossierNumber("07906", 2026, 3706)
    assert format_dossier_number(1, 2016, "00105") == "00001/2016/00105"


@pytest.mark.parametrize(
    "text", ["3706/2026/07906", "00000/2026/001", "03706/26/001", "03706/2026/0011", "x"]
)
def test_malformed_dossier_numbers(text):
    with pytest.raises(IdentifierError) as caught:
        parse_dossier_number(text)
    assert caught.value.code == "ID_DOSSIER_NUMBER_FORMAT"


@pytest.mark.parametrize("seq", [0, 100_000, -1])
def test_dossier_sequence_out_of_range(seq):
    with pytest.raises(IdentifierError):
        format_dossier_number(seq, 2016, "001")


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_child_health_card_code(number):
    code = build_health_card_code(number)
    assert code == f"TE101{number}" and len(code) == 15
    card = parse_health_card_code(code)
    assert (card.group, card.benefit_level, card.province, card.social_insurance_number) == (
        "TE",
        1,
        "01",
        number,
    )


@pytest.mark.parametrize(
    "text", ["TE10101234567", "TE60101234567890", "T1010123456789X", "TE201" + "0" * 10, "1E1010123456789"]
)
def test_invalid_health_card_codes(text):
    with pytest.raises(IdentifierError) as caught:
        parse_health_card_code(text)
    assert caught.value.code.startswith("ID_HEALTH_CARD")


def test_other_groups_have_other_levels():
    assert str(parse_health_card_code("DN4010123456789")) == "DN4010123456789"


def test_units_offices_and_social_insurance_numbers():
    assert validate_unit_code("ta0100a") == "TA0100A"
    assert validate_unit_code("TS12345") == "TS12345"
    assert validate_office_code("00105") == "00105"
    assert validate_social_insurance_number("0112345678") == "0112345678"
    for bad, check in [
        ("TA010A", validate_unit_code),
        ("TA-100A", validate_unit_code),
        ("0010", validate_office_code),
        ("011234567", validate_social_insurance_number),
        ("01123456789", validate_social_insurance_number),
    ]:
        with pytest.raises(IdentifierError):
            check(bad)


@given(st.text(max_size=30))
def test_validators_never_fail_with_anything_but_a_coded_error(text):
    for check in (
        validate_tax_code,
        validate_unit_code,
        validate_office_code,
        validate_social_insurance_number,
        parse_dossier_number,
        parse_health_card_code,
    ):
        try:
            check(text)
        except IdentifierError as error:
            assert error.code.startswith("ID_") and error.message_vi and error.message_en
