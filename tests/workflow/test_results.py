"""Results: documents kept, under-6 cards built (TE1 + 01 + number, valid until 72 months), the record
signed by the gateway and its event in the chain (so in the I-VAN feed)."""

from datetime import date

import pytest
from cryptography import x509

from hoso.intake.blobstore import blob_store
from hoso.intake.gateway import cert_path
from hoso.signature import TrustStore, verify
from hoso.workflow import actions
from hoso.workflow.access import actor_for
from hoso.workflow.audit import verify_chain
from hoso.workflow.models import DossierEvent
from hoso.workflow.results import Document, ResultError, card_valid_to
from hoso.workflow.services import TransitionError
from hoso.workflow.states import Status

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% result\n"
NUMBERS = {0: "0115000001", 1: "0114000002"}


def test_card_validity_ends_the_day_before_72_months():
    assert card_valid_to(date(2015, 3, 12)) == date(2021, 3, 11)
    assert card_valid_to(date(2012, 2, 29)) == date(2018, 2, 27)  # no 29/02/2018: the 28th is the birthday


def test_the_under_6_result_builds_each_childs_card_and_is_signed(under6, officers, clock):
    sothe = actor_for(officers["sothe"])
    actions.take(under6, sothe)
    result = actions.record(under6, sothe, documents=[Document("quyet-dinh.pdf", PDF)], card_numbers=NUMBERS)
    assert [c["code"] for c in result.cards] == ["TE1010115000001", "TE1010114000002"]
    assert result.cards[0]["valid_to"] == "2021-03-11" and result.cards[1]["valid_to"] == "2020-09-30"
    under6.refresh_from_db()
    assert under6.status == Status.RESULT_READY
    assert blob_store().get(result.documents[0]["sha256"]) == PDF
    gateway = x509.load_pem_x509_certificate(cert_path().read_bytes())
    report = verify(bytes(result.signed_xml), trust=TrustStore([gateway]), at=clock)
    assert report.passed, report.reason
    assert b"TE1010115000001" in bytes(result.signed_xml)
    event = under6.events.get(kind=DossierEvent.Kind.RESULT)
    assert event.data["result_sha256"] == result.signed_sha256 and len(event.data["cards"]) == 2
    assert blob_store().get(result.signed_sha256) == bytes(result.signed_xml)
    assert verify_chain()[1] is None


def test_a_child_without_a_number_blocks_the_result(under6, officers, clock):
    sothe = actor_for(officers["sothe"])
    actions.take(under6, sothe)
    with pytest.raises(ResultError) as caught:
        actions.record(under6, sothe, documents=[Document("kq.pdf", PDF)], card_numbers={0: "0115000001"})
    assert caught.value.code == "RESULT_CARD_INVALID" and "Trần Thị Na" in caught.value.message_vi
    under6.refresh_from_db()
    assert under6.status == Status.IN_PROCESS


def test_documents_must_be_pdf_or_xml(under6, officers, clock):
    sothe = actor_for(officers["sothe"])
    actions.take(under6, sothe)
    for content in (b"MZ\x90\x00 an exe", b"<a><b></a>"):
        with pytest.raises(ResultError):
            actions.record(under6, sothe, documents=[Document("x", content)], card_numbers=NUMBERS)
    with pytest.raises(ResultError):
        actions.record(under6, sothe, documents=[], card_numbers=NUMBERS)
    result = actions.record(
        under6, sothe, documents=[Document("kq.xml", b"<KetQua><A>1</A></KetQua>")], card_numbers=NUMBERS
    )
    assert result.documents[0]["type"] == "xml"


def test_a_result_needs_a_dossier_in_process(under6, officers):
    with pytest.raises((TransitionError, Exception)):
        actions.record(
            under6, actor_for(officers["sothe"]), documents=[Document("k.pdf", PDF)], card_numbers=NUMBERS
        )


def test_the_desk_hands_the_result_over(under6, officers, clock):
    sothe, desk = actor_for(officers["sothe"]), actor_for(officers["desk"])
    actions.take(under6, sothe)
    actions.record(under6, sothe, documents=[Document("kq.pdf", PDF)], card_numbers=NUMBERS)
    with pytest.raises(TransitionError):
        actions.hand_over(under6, desk, receiver=" ")
    moved = actions.hand_over(under6, desk, receiver="Ông Nguyễn Văn Cán bộ xã")
    assert moved.status == Status.HANDED_OVER
    assert moved.result.handed_over_to == "Ông Nguyễn Văn Cán bộ xã"
    assert verify_chain()[1] is None
