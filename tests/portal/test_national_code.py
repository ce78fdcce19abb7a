"""The national dossier code (issue 23, item 3): a layout as data, filled from what the reception holds,
given in the reception's transaction without a statement more; MaTTHC as catalogue data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from hoso.identifiers import IdentifierError, format_national_code, validate_agency_code
from hoso.identifiers.national import validate_template

from .conftest import AGENCY, MATTHC, receive

DEFAULT = "{agency}-{yy}{mm}{dd}-{seq:4}"
agencies = st.from_regex(r"\A[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}\Z")
days = st.dates(date(2000, 1, 1), date(2099, 12, 31))
sequences = st.integers(1, 99999)


@given(agencies, days, sequences, sequences)
def test_two_sequences_of_an_agency_and_a_year_never_share_a_code(agency, day, first, second):
    one = format_national_code(DEFAULT, agency=agency, office="00110", day=day, sequence=first)
    two = format_national_code(DEFAULT, agency=agency, office="00110", day=day, sequence=second)
    assert (one == two) == (first == second)
    assert one.startswith(f"{agency}-{day:%y%m%d}-") and int(one.rsplit("-", 1)[1]) == first


@given(days, sequences)
def test_the_sequence_is_padded_never_cut(day, sequence):
    code = format_national_code(
        "{office}/{yyyy}/{seq:5}", agency="", office="00110", day=day, sequence=sequence
    )
    assert code == f"00110/{day.year}/{sequence:05d}"


@pytest.mark.parametrize(
    "template",
    ["{agency}-{yy}{mm}{dd}", "{agency}-{seq}", "{yy}-{seq}", "{agency}-{yy}-{seq}-{who}", "{agency} {yy}{seq}",
     "{agency}-{yy:2}-{seq}"],
)  # fmt: skip
def test_a_layout_that_could_repeat_or_names_unknown_fields_is_refused(template):
    with pytest.raises(IdentifierError) as refused:
        validate_template(template)
    assert (
        refused.value.code == "ID_NATIONAL_CODE_TEMPLATE"
        and "Mẫu mã hồ sơ quốc gia" in refused.value.message_vi
    )


@pytest.mark.parametrize("code", ["000.00.01.H22", "G22.26.01.H26"])
def test_agency_codes_of_the_qcvn_102_shape(code):
    assert validate_agency_code(code) == code


@pytest.mark.parametrize("code", ["", "000.00.01", "000-00-01-H22", "000.00.01.h22", "0000.00.01.H22"])
def test_other_agency_codes_are_refused_in_words(code):
    with pytest.raises(IdentifierError) as refused:
        validate_agency_code(code)
    assert refused.value.code == "ID_AGENCY_CODE_FORMAT"


@pytest.mark.django_db
def test_a_reception_gets_the_national_code_beside_its_number(national, demo_data, trusted, officers):
    dossier = receive(officers["desk"], datetime(2016, 1, 6, 2, tzinfo=UTC))
    sequence = dossier.sequence
    assert dossier.number == f"{sequence:05d}/2016/00110"
    assert dossier.national_code == f"{AGENCY}-160106-{sequence:04d}"
    dossier.refresh_from_db()
    assert (
        dossier.national_code == f"{AGENCY}-160106-{sequence:04d}"
        and dossier.procedure.national_code == MATTHC
    )


@pytest.mark.django_db
def test_the_layout_in_force_on_the_day_of_reception_is_used(national, demo_data, trusted, officers):
    from hoso.reference.models import NationalCodeLayout

    NationalCodeLayout.objects.create(valid_from=date(2016, 1, 7), template="{agency}.{yyyy}{mm}{dd}.{seq:6}")
    before = receive(officers["desk"], datetime(2016, 1, 6, 16, 59, tzinfo=UTC))  # 23:59
    after = receive(officers["desk"], datetime(2016, 1, 6, 17, 0, tzinfo=UTC))  # 00:00 on the 7th
    assert before.national_code == f"{AGENCY}-160106-{before.sequence:04d}"
    assert after.national_code == f"{AGENCY}.20160107.{after.sequence:06d}"


@pytest.mark.django_db
def test_an_office_without_an_agency_code_keeps_its_local_number_only(national, demo_data, trusted, officers):
    from hoso.reference.models import Office

    Office.objects.filter(code="00110").update(agency_code="")
    dossier = receive(officers["desk"])
    assert dossier.national_code == "" and dossier.number


@pytest.mark.django_db
def test_the_national_code_costs_the_reception_no_statement(national, demo_data, trusted, officers):
    """Measured, not assumed: the same reception with and without an agency code sends as many statements."""
    from hoso.reference.models import Office

    receive(officers["desk"])  # the caches (layouts, catalogue, calendar, policies) warm
    counts = {}
    for agency in ("", AGENCY):
        Office.objects.filter(code="00110").update(agency_code=agency)
        with CaptureQueriesContext(connection) as queries:
            dossier = receive(officers["desk"])
        counts[agency] = len(queries.captured_queries)
        assert bool(dossier.national_code) == bool(agency)
    assert counts[""] == counts[AGENCY]


@pytest.mark.django_db
def test_the_dossier_page_shows_the_national_code(national, demo_data, trusted, officers, client):
    dossier = receive(officers["desk"])
    client.force_login(officers["desk"])
    page = client.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Mã hồ sơ quốc gia" in page and dossier.national_code in page and MATTHC in page
