import csv
from datetime import date
from pathlib import Path

import pytest

from hoso.identifiers import validate_tax_code, validate_unit_code
from hoso.reference.calendar import seed_calendar, working_calendar
from hoso.reference.catalogue import CHILD_UNDER_6_CARD_TAG, known_tags, procedure_on
from hoso.reference.loaders import load_reference_data
from hoso.reference.models import CalendarEntry, Commune, Department, FormVersion, IvanProvider, Office, Unit

SHARED = Path(__file__).resolve().parents[3] / "shared" / "domain"

pytestmark = pytest.mark.django_db


def test_offices_are_the_city_and_thirty_districts(reference_data):
    assert Office.objects.count() == 31
    city = Office.objects.get(code="001")
    assert city.kind == "city" and city.parent is None
    assert Office.objects.filter(parent=city).count() == 30
    assert Office.objects.get(code="00105").name_vi == "BHXH quận Cầu Giấy"


def test_offices_and_ivans_are_the_shared_domain_data(reference_data):
    if not SHARED.exists():
        pytest.skip(f"shared domain data not found at {SHARED}")
    with (SHARED / "hanoi-offices.csv").open(encoding="utf-8") as f:
        assert {r["office_code"]: r["name"] for r in csv.DictReader(f)} == dict(
            Office.objects.values_list("code", "name_vi")
        )
    with (SHARED / "ivan-providers.csv").open(encoding="utf-8") as f:
        assert {r["ivan_code"]: r["name"] for r in csv.DictReader(f)} == dict(
            IvanProvider.objects.values_list("code", "name")
        )


def test_catalogue(reference_data):
    p = procedure_on("602", date(2016, 1, 5))
    assert p.tags == ["thu-so-the", CHILD_UNDER_6_CARD_TAG]
    assert p.time_limit_days == 10 and p.department.code == "so_the"
    report = procedure_on("600", date(2016, 1, 5))
    assert (
        report.time_limit_days == 5
        and report.required_forms == ["D02-TS"]
        and "TK1-TS" in report.optional_forms
    )
    assert procedure_on("600", date(2014, 7, 31)) is None  # before the catalogue's validity
    assert {"thu-so-the", CHILD_UNDER_6_CARD_TAG} <= known_tags()
    assert str(FormVersion.objects.get(code="D02-TS", decision="959")) == "D02-TS@959"
    assert Department.objects.filter(code__in=["thu", "so_the", "mot_cua", "cntt"]).count() == 4


def test_loading_again_changes_nothing_and_keeps_administrators_edits(reference_data):
    counts = (Office.objects.count(), IvanProvider.objects.count(), CalendarEntry.objects.count())
    # An administrator records a government swap and deletes a seeded day.
    CalendarEntry.objects.create(day=date(2016, 2, 13), kind="working", name_vi="Làm bù", name_en="Swap")
    CalendarEntry.objects.filter(day=date(2016, 2, 12)).delete()
    report = load_reference_data()
    assert report.counts["calendar_entries_added"] == 0
    assert (Office.objects.count(), IvanProvider.objects.count()) == counts[:2]
    assert CalendarEntry.objects.count() == counts[2]
    assert not CalendarEntry.objects.filter(day=date(2016, 2, 12)).exists()
    calendar = working_calendar()  # the cache follows the edits
    assert calendar.is_working_day(date(2016, 2, 13)) and calendar.is_working_day(date(2016, 2, 12))


def test_seeding_a_new_year_range(reference_data):
    assert seed_calendar(2028, 2028) > 0
    assert not working_calendar().is_working_day(date(2028, 1, 1)) or date(2028, 1, 1).weekday() >= 5
    assert seed_calendar(2028, 2028) == 0


def test_stored_calendar_answers_the_issue_examples(reference_data):
    calendar = working_calendar()
    assert calendar.add_working_days(date(2015, 12, 31), 1) == date(2016, 1, 4)
    assert calendar.add_working_days(date(2016, 4, 29), 1) == date(2016, 5, 4)
    assert not calendar.is_working_day(date(2016, 2, 9))


def test_demo_data(demo_data):
    assert demo_data["units"] == Unit.objects.count() >= 90
    for unit in Unit.objects.all():
        validate_unit_code(unit.code)
        validate_tax_code(unit.tax_code)
    assert Unit.objects.get(code="TS12345").tax_code == "0101300842"
    assert Commune.objects.values("office").distinct().count() >= 3
    assert Commune.objects.filter(kind="xa").exists()
    # Every demo officer has a full name: the desk's papers name the officer, never the account.
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="motcua.badinh").get_full_name() == "Lan Nguyễn Thị"
    assert not get_user_model().objects.filter(last_name="").exists()
