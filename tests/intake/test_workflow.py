from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from hoso.intake.blobstore import blob_store
from hoso.intake.pipeline import receive
from hoso.testing.envelopes import envelope
from hoso.workflow.audit import verify_chain
from hoso.workflow.models import DossierEvent
from hoso.workflow.services import TransitionError, receive_supplement, request_supplement, transition
from hoso.workflow.states import TRANSITIONS, Status

from .conftest import UNIT_CODE, UNIT_TAX

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(unit, signers):
    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    return receive(raw, ivan_code="00030", received_at=datetime(2016, 1, 5, 2, tzinfo=UTC)).submission.dossier


def test_every_transition_outside_the_table_is_refused(dossier):
    for target in Status:
        if target in TRANSITIONS[Status.RECEIVED]:
            continue
        with pytest.raises(TransitionError) as caught:
            transition(dossier, target, actor_label="test")
        assert (
            caught.value.code == "WORKFLOW_TRANSITION_NOT_ALLOWED"
            and "Không thể chuyển" in caught.value.message_vi
        )


def test_the_supplement_loop_stops_the_clock_and_is_audited(dossier, monkeypatch):
    due = dossier.due_date
    transition(dossier, Status.IN_PROCESS, actor_label="thu.caugiay")
    with pytest.raises(TransitionError):
        request_supplement(dossier, actor_label="thu.caugiay", note=" ")
    monkeypatch.setattr(timezone, "now", lambda: datetime(2016, 1, 7, 2, tzinfo=UTC))
    request_supplement(dossier, actor_label="thu.caugiay", note="Thiếu bản sao hợp đồng lao động")
    monkeypatch.setattr(timezone, "now", lambda: datetime(2016, 1, 11, 2, tzinfo=UTC))
    updated = receive_supplement(dossier, raw=b"%PDF-1.4 hop dong", actor_label="I-VAN 00030")
    assert updated.status == Status.SUPPLEMENT_RECEIVED
    # Stopped Thursday 07/01 to Monday 11/01: two working days (08/01, 11/01) are added back.
    assert updated.due_date == date(2016, 1, 14) and due == date(2016, 1, 12)
    event = updated.events.get(kind=DossierEvent.Kind.SUPPLEMENT_RECEIVED)
    assert blob_store().get(event.data["sha256"]) == b"%PDF-1.4 hop dong"
    assert verify_chain() == (4, None)


def test_a_changed_event_breaks_the_chain(dossier):
    transition(dossier, Status.IN_PROCESS, actor_label="x")
    DossierEvent.objects.filter(sequence=1).update(note="sửa lén")
    count, broken = verify_chain()
    assert count == 0 and broken.sequence == 1 and "thay đổi" in broken.reason_vi


def test_a_removed_last_event_is_detected(dossier):
    transition(dossier, Status.IN_PROCESS, actor_label="x")
    DossierEvent.objects.filter(sequence=2).delete()
    count, broken = verify_chain()
    assert count == 1 and broken is not None and "xoá" in broken.reason_vi
