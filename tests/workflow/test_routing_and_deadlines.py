"""Routing (office of the submitter, department of the procedure), taking and reassigning, due states."""

from datetime import date

import pytest

from hoso.workflow import actions
from hoso.workflow.access import AccessDenied, actor_for, allowed_actions, visible_dossiers
from hoso.workflow.deadlines import DUE_SOON, LATE, ON_TIME, PAUSED, due_state, due_state_filter
from hoso.workflow.models import Dossier, DossierEvent
from hoso.workflow.states import Status

from .conftest import receive_children

pytestmark = pytest.mark.django_db


def test_a_communes_list_goes_to_its_district_office_and_the_card_department(under6, officers):
    assert under6.office_id == "00110" and under6.department_id == "so_the"
    # A list of a Ba Đình ward received at the Sóc Sơn desk still goes to Ba Đình.
    from hoso.reference.models import Commune

    ward = Commune.objects.filter(office_id="00101").first()
    other = receive_children(officers["desk"], commune_code=ward.gso_code)
    assert other.office_id == "00101"


def test_the_department_officer_takes_from_their_queue_and_the_head_reassigns(under6, officers):
    assert "take" not in allowed_actions(actor_for(officers["thu"]), under6)  # another department
    assert "take" not in allowed_actions(actor_for(officers["other_sothe"]), under6)  # another office
    taken = actions.take(under6, actor_for(officers["sothe"]))
    assert (
        taken.status == Status.IN_PROCESS and Dossier.objects.get(pk=under6.pk).assignee == officers["sothe"]
    )
    with pytest.raises(AccessDenied):
        actions.reassign(under6, actor_for(officers["sothe"]), officers["sothe2"])
    with pytest.raises(AccessDenied):  # not an officer of the card department
        actions.reassign(under6, actor_for(officers["head"]), officers["thu"])
    with pytest.raises(AccessDenied):  # the head of another office
        actions.reassign(under6, actor_for(officers["other_head"]), officers["sothe2"])
    actions.reassign(under6, actor_for(officers["head"]), officers["sothe2"])
    assert Dossier.objects.get(pk=under6.pk).assignee == officers["sothe2"]
    event = under6.events.filter(kind=DossierEvent.Kind.ASSIGNED).get()
    assert event.data["to"] == "t.sothe2.socson"


def test_officers_see_their_office_the_city_and_the_director_see_all(under6, officers):
    assert visible_dossiers(actor_for(officers["desk"])).filter(pk=under6.pk).exists()
    assert not visible_dossiers(actor_for(officers["other_desk"])).filter(pk=under6.pk).exists()
    assert visible_dossiers(actor_for(officers["city"])).filter(pk=under6.pk).exists()
    assert visible_dossiers(actor_for(officers["director"])).filter(pk=under6.pk).exists()
    # Seeing is not acting: City staff cannot take a district's dossier.
    assert allowed_actions(actor_for(officers["city"]), under6) == []
    assert allowed_actions(actor_for(officers["director"]), under6) == []


@pytest.mark.parametrize(
    ("status", "due", "today", "state"),
    [
        ("in_process", date(2016, 1, 19), date(2016, 1, 5), ON_TIME),
        ("in_process", date(2016, 1, 6), date(2016, 1, 5), DUE_SOON),  # one working day left
        ("in_process", date(2016, 1, 5), date(2016, 1, 5), DUE_SOON),  # due today
        ("received", date(2016, 1, 11), date(2016, 1, 8), DUE_SOON),  # Friday → Monday: one working day
        ("received", date(2016, 1, 12), date(2016, 1, 8), ON_TIME),
        ("in_process", date(2016, 1, 4), date(2016, 1, 5), LATE),
        ("supplement_requested", date(2016, 1, 4), date(2016, 1, 5), PAUSED),
    ],
)
def test_due_states(reference_data, status, due, today, state):
    assert due_state(status, due, today) == state


def test_the_due_state_filter_agrees_with_the_classification(under6, officers):
    today = date(2016, 1, 5)
    for days, expected in ((-1, LATE), (0, DUE_SOON), (14, ON_TIME)):
        Dossier.objects.filter(pk=under6.pk).update(due_date=date.fromordinal(today.toordinal() + days))
        assert Dossier.objects.filter(due_state_filter(expected, today), pk=under6.pk).exists()
        dossier = Dossier.objects.get(pk=under6.pk)
        assert due_state(dossier.status, dossier.due_date, today) == expected
