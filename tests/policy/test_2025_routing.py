"""Issue 23, item 1: under Decree 164/2025 any office receives whatever the submitter's district and
routes the dossier to the managing office — the office guard reads the policy parameter
``reception_any_office`` in force at the reception instead of always asking."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from hoso.desk.models import Forwarding
from hoso.policies.parameters import receives_for_any_office, reception_parameters
from hoso.workflow.models import Dossier
from tests.desk.test_office_guard import PAPER
from tests.intake.conftest import pki, signers, trusted, unit  # noqa: F401 — fixtures
from tests.workflow.conftest import fast_passwords, officers  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db
JULY_2025 = datetime(2025, 7, 8, 2, tzinfo=UTC)  # Tuesday 08/07/2025, 09:00 in Hanoi
JUNE_2025 = datetime(2025, 6, 30, 2, tzinfo=UTC)
#: The guard's typed dossier, with a period and children's birth dates that fit July 2025.
PAPER_2025 = {
    **PAPER,
    "paper-period": "07/2025",
    "paper-rows": "Nguyễn Văn Bé; 12/03/2024; 1\nTrần Thị Na; 01/10/2023; 0",
}


@pytest.fixture
def desk_at(client, officers, demo_data, trusted, monkeypatch):  # noqa: F811 — the imported fixtures
    def at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        client.force_login(officers["desk"])
        return client

    return at


def test_the_stored_policies_give_the_parameters_of_the_reception_moment(reference_data):
    assert not receives_for_any_office("00110", JUNE_2025)
    assert receives_for_any_office("00110", JULY_2025)
    july = reception_parameters("00110", datetime(2025, 7, 8, 9))  # naive: Hanoi time
    assert (july.receipt_notice_minutes, july.supplement_request_working_hours) == (120, 8)
    assert reception_parameters("00110", datetime(2016, 1, 5, 9)).values == {}


def test_before_the_decree_the_desk_asks_before_receiving_for_another_office(desk_at):
    page = desk_at(JUNE_2025).post("/tiep-nhan/", PAPER_2025).content.decode()
    assert 'name="confirm_office"' in page and not Dossier.objects.exists()


def test_under_the_decree_the_desk_receives_and_routes_without_asking(desk_at, officers):  # noqa: F811
    response = desk_at(JULY_2025).post("/tiep-nhan/", PAPER_2025)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.office_id == "00101"  # routed to the managing office
    forwarding = Forwarding.objects.get()
    assert (forwarding.received_office_id, forwarding.managing_office_id) == ("00110", "00101")
    assert forwarding.officer == officers["desk"]


def test_the_desk_lookup_says_what_will_happen_under_each_policy(desk_at):
    before = desk_at(JUNE_2025).get("/tiep-nhan/nguoi-nop/?loai=2&ma=00001").json()
    assert before["other_office"] and "hỏi" in before["message"]
    after = desk_at(JULY_2025).get("/tiep-nhan/nguoi-nop/?loai=2&ma=00001").json()
    assert after["other_office"] and after["message"].endswith(
        "tiếp nhận tại đây và chuyển cho cơ quan quản lý."
    )
