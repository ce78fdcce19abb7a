from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hoso.reference.models import Office, Procedure, Unit

pytestmark = pytest.mark.django_db


def test_unit_tax_code_is_validated_with_its_check_digit(reference_data):
    unit = Unit(code="TA0100A", tax_code="0101300843", name="X", office=Office.objects.get(code="00101"))
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        unit.full_clean()
    assert "sai chữ số kiểm tra" in str(caught.value)
    unit.tax_code = "0101300842"
    unit.full_clean()


def test_unit_code_must_have_seven_characters(reference_data):
    unit = Unit(code="TA010", tax_code="0101300842", name="X", office=Office.objects.get(code="00101"))
    with pytest.raises(ValidationError):
        unit.full_clean()


def test_procedure_versions_may_not_overlap_and_forms_must_exist(reference_data):
    current = Procedure.objects.get(code="600", version=1)
    overlapping = Procedure(
        code="600", version=2, valid_from=date(2016, 1, 1), domain="thu", department=current.department,
        time_limit_days=5, required_forms=["D02-TS"], name_vi="x",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    current.valid_to = date(2015, 12, 31)
    current.save()
    overlapping.full_clean()
    overlapping.required_forms = ["X99-TS"]
    with pytest.raises(ValidationError):
        overlapping.full_clean()


def test_bilingual_names_follow_the_language(reference_data):
    office = Office.objects.get(code="00105")
    with translation.override("vi"):
        assert office.name == "BHXH quận Cầu Giấy"
    with translation.override("en"):
        assert "Cầu Giấy" in office.name and office.name.startswith("Social Insurance")
