import subprocess
from datetime import UTC, datetime
from shutil import which

import pytest
from cryptography import x509

from hoso.intake.blobstore import blob_store
from hoso.intake.gateway import cert_path
from hoso.intake.models import Submission
from hoso.intake.pipeline import IntakeError, receive
from hoso.signature import TrustStore, verify
from hoso.testing.envelopes import envelope
from hoso.workflow.audit import verify_chain
from hoso.workflow.models import Dossier

from .conftest import UNIT_CODE, UNIT_TAX

pytestmark = pytest.mark.django_db
JAN_5_2016 = datetime(2016, 1, 5, 2, 0, tzinfo=UTC)  # 09:00 in Hanoi, a Tuesday


def test_a_signed_envelope_is_accepted_numbered_and_answered_with_a_signed_receipt(unit, signers):
    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    reception = receive(raw, ivan_code="00030", received_at=JAN_5_2016)
    assert reception.outcome == "accepted", reception.submission.reasons
    dossier = reception.submission.dossier
    assert dossier.number == "00001/2016/00105"
    assert dossier.due_date.isoformat() == "2016-01-12"  # 5 working days
    assert dossier.department_id == "thu" and dossier.status == "received"
    stored = Submission.objects.select_related("dossier").get(pk=reception.submission.pk)
    assert stored.dossier.number == "00001/2016/00105" and bytes(stored.receipt_xml) == reception.receipt_xml
    assert blob_store().get(reception.submission.sha256) == raw
    receipt = reception.receipt_xml
    assert b"00001/2016/00105" in receipt and b"2016-01-05T09:00:00+07:00" in receipt
    gateway = x509.load_pem_x509_certificate(cert_path().read_bytes())
    report = verify(receipt, trust=TrustStore([gateway]), at=JAN_5_2016)
    assert report.passed, report.reason
    assert verify_chain() == (1, None)
    assert reception.submission.policy["rule"] and reception.submission.policy["policy"]


@pytest.mark.skipif(
    which("xmlsec1") is None, reason="Debian package xmlsec1 not installed (make test installs it)"
)
def test_receipts_verify_with_the_xmlsec1_command(unit, signers, tmp_path):
    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    receipt = receive(raw, ivan_code="00030", received_at=JAN_5_2016).receipt_xml
    (tmp_path / "receipt.xml").write_bytes(receipt)
    result = subprocess.run(
        ["xmlsec1", "--verify", "--pubkey-cert-pem", str(cert_path()), "--enabled-key-data", "rsa,x509",
         str(tmp_path / "receipt.xml")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_repeat_gets_the_first_receipt_and_no_second_dossier(unit, signers):
    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    first = receive(raw, ivan_code="00030", received_at=JAN_5_2016)
    again = receive(raw, ivan_code="00030")
    assert again.outcome == "repeat" and again.receipt_xml == first.receipt_xml
    other = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], employees=4)
    keyed = receive(other, ivan_code="00030", idempotency_key="k-1", received_at=JAN_5_2016)
    assert receive(other + b" ", ivan_code="00030", idempotency_key="k-1").submission == keyed.submission
    assert Dossier.objects.count() == 2


def test_a_twin_stored_first_turns_the_second_into_a_repeat_and_gives_its_number_back(
    unit, signers, monkeypatch
):
    """The race of two identical submissions, made certain: the second finds no earlier one, takes a
    number, and its submission then collides with the first's when written (on PostgreSQL at the end of
    the pipelined transaction). It answers with the first receipt, and the number it took is given back."""
    from hoso.intake import pipeline

    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    first = receive(raw, ivan_code="00030", received_at=JAN_5_2016)
    looked_up = []
    real_earlier = pipeline._earlier

    def blind_first_time(*args):
        looked_up.append(args)
        return None if len(looked_up) == 1 else real_earlier(*args)

    monkeypatch.setattr(pipeline, "_earlier", blind_first_time)
    # ... and blind to the same signed content too (asked with the submitter), which would find it first.
    real_content_key = pipeline.content_key
    monkeypatch.setattr(
        pipeline, "content_key", lambda report: None if len(looked_up) == 1 else real_content_key(report)
    )
    twin = receive(raw, ivan_code="00030", received_at=JAN_5_2016)
    assert len(looked_up) == 2  # the second look-up came from the collision
    assert twin.outcome == "repeat" and twin.receipt_xml == first.receipt_xml
    assert Dossier.objects.count() == Submission.objects.count() == 1
    other = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], employees=2)
    assert receive(other, ivan_code="00030", received_at=JAN_5_2016).submission.dossier.sequence == 2
    assert verify_chain() == (2, None)


def test_a_retry_that_would_now_be_refused_for_a_while_still_gets_the_first_receipt(unit, signers):
    """An I-VAN retrying an accepted dossier after its certificate's registration lapsed gets the
    acceptance, by its idempotency key and by its bytes, not "register, then send again"."""
    from hoso.reference.models import CertificateRegistration

    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    first = receive(raw, ivan_code="00030", idempotency_key="retry-1", received_at=JAN_5_2016)
    assert first.outcome == "accepted"
    CertificateRegistration.objects.filter(unit=unit).delete()
    for key in ("retry-1", None):
        again = receive(raw, ivan_code="00030", idempotency_key=key, received_at=JAN_5_2016)
        assert again.outcome == "repeat" and again.receipt_xml == first.receipt_xml
    fresh = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], employees=2)
    refused = receive(fresh, ivan_code="00030", received_at=JAN_5_2016)
    assert refused.outcome == "refused" and refused.submission.transient
    assert Submission.objects.count() == 2 and Dossier.objects.count() == 1


def test_a_repeat_is_answered_from_the_record_even_while_receipts_cannot_be_signed(
    unit, signers, monkeypatch
):
    """A retry is what an I-VAN sends when something went wrong: it must get the first receipt even
    when the gateway could not sign a new one (a token unplugged) or verify anything just now. A repeat
    is looked up before any check, takes no lock and signs nothing."""
    from hoso.intake import front, pipeline

    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    first = receive(raw, ivan_code="00030", idempotency_key="outage-1", received_at=JAN_5_2016)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the signing token is unplugged")

    monkeypatch.setattr(pipeline, "attach_receipt", broken)
    monkeypatch.setattr(front, "verify_tree", broken)
    for key in ("outage-1", None):
        again = receive(raw, ivan_code="00030", idempotency_key=key, received_at=JAN_5_2016)
        assert again.outcome == "repeat" and again.receipt_xml == first.receipt_xml
    with pytest.raises(RuntimeError):  # a new dossier cannot be acknowledged meanwhile
        receive(
            envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], employees=2),
            ivan_code="00030",
            received_at=JAN_5_2016,
        )
    assert Dossier.objects.count() == 1


def _refusal(raw, *, code, ivan="00030", at=JAN_5_2016, channel="electronic"):
    reception = receive(raw, ivan_code=ivan, received_at=at, channel=channel)
    assert reception.outcome == "refused"
    codes = [r["code"] for r in reception.submission.reasons]
    assert code in codes, codes
    assert reception.submission.dossier is None
    assert b"<SoHoSo/>" in reception.receipt_xml and b"TU_CHOI" in reception.receipt_xml
    assert all(r["message"] and r["message_en"] for r in reception.submission.reasons)
    assert blob_store().get(reception.submission.sha256) == raw  # kept as evidence
    return reception.submission


def test_refusal_malformed_xml(unit):
    _refusal(b"<Hoso><NoiDung></Hoso>", code="XML_MALFORMED")


def test_refusal_not_an_envelope(unit):
    _refusal(b"<?xml version='1.0'?><D02-TS><NoiDung/></D02-TS>", code="INTAKE_NOT_ENVELOPE")


def test_refusal_tampered_content(unit, signers):
    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    tampered = raw.replace(b"<KyKeKhai>01/2016</KyKeKhai>", b"<KyKeKhai>02/2016</KyKeKhai>")
    submission = _refusal(tampered, code="SIG_HASH_FAILURE")
    assert "chữ ký" in submission.reasons[0]["message"].lower() or submission.reasons[0]["message"]


def test_refusal_unregistered_certificate(unit, signers, pki):
    from hoso.reference.models import Unit

    Unit.objects.create(code="HB00002", tax_code="0107890123", name="Tây Hồ", office_id="00103")
    raw = envelope(unit_code="HB00002", tax_code="0107890123", signer=signers["unit-ec"])
    submission = _refusal(raw, code="INTAKE_CERTIFICATE_NOT_REGISTERED")
    assert "04/ĐK-IVAN" in submission.reasons[0]["advice"]


def test_refusal_signed_by_another_units_certificate(unit, signers):
    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["commune"])
    _refusal(raw, code="INTAKE_SIGNER_TAX_CODE")


def test_refusal_unknown_unit_and_tax_code_mismatch(unit, signers):
    _refusal(
        envelope(unit_code="ZZ99999", tax_code=UNIT_TAX, signer=signers["unit-valid"]),
        code="INTAKE_UNIT_UNKNOWN",
    )
    _refusal(
        envelope(unit_code=UNIT_CODE, tax_code="0100109106", signer=signers["unit-valid"]),
        code="INTAKE_TAX_CODE_MISMATCH",
    )


def test_refusal_ivan_mismatch(unit, signers):
    _refusal(
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], ivan="00040"),
        code="INTAKE_IVAN_MISMATCH",
    )


def test_refusal_unknown_procedure_and_missing_form(unit, signers):
    _refusal(
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], procedure="999"),
        code="INTAKE_PROCEDURE_UNKNOWN",
    )
    _refusal(
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], procedure="601"),
        code="FORM_REQUIRED_MISSING",
    )


def test_refusal_period_out_of_range(unit, signers):
    _refusal(
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], period="06/2016"),
        code="FORM_PERIOD_RANGE",
    )


def test_refusal_electronic_before_the_dispatch(unit, signers):
    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], period="09/2015")
    reception = receive(raw, ivan_code="00030", received_at=datetime(2015, 9, 30, 2, tzinfo=UTC))
    assert reception.outcome == "refused"
    (reason,) = reception.submission.reasons
    assert reason["code"].startswith("POLICY_") and "2671" in reason["legal_basis"]
    assert reception.submission.policy["outcome"] == "refuse"


@pytest.mark.parametrize(
    ("certificate", "code"),
    [("unit-expired", "SIG_EXPIRED"), ("unit-revoked", "SIG_REVOKED"), ("unit-wrong-ku", "SIG_KEY_USAGE")],
)
def test_refusal_bad_certificates(reference_data, trusted, pki, signers, certificate, code):
    from hoso.reference.models import Unit

    from .conftest import register_certificate

    issued = pki.entities[certificate]
    unit = Unit.objects.create(code="HB00009", tax_code=issued.tax_code, name="X", office_id="00101")
    register_certificate(unit, issued.certificate)
    raw = envelope(unit_code=unit.code, tax_code=unit.tax_code, signer=signers[certificate])
    reception = receive(raw, ivan_code="00030", received_at=JAN_5_2016)
    assert reception.outcome == "refused"
    assert reception.submission.reasons[0]["code"].startswith(code), reception.submission.reasons
    if certificate == "unit-expired":  # dates as a person in Hanoi reads them, ISO in English
        assert "05/01/2016 09:00:00 giờ Hà Nội" in reception.submission.reasons[0]["message"]
        assert "2016-01-05T02:00:00+00:00" in reception.submission.reasons[0]["message_en"]


def test_too_large_and_not_xml_are_errors_not_submissions(unit, settings):
    settings.HOSO_MAX_UPLOAD_BYTES = 100
    with pytest.raises(IntakeError) as caught:
        receive(b"<Hoso>" + b" " * 200 + b"</Hoso>", ivan_code="00030")
    assert caught.value.code == "INTAKE_TOO_LARGE"
    with pytest.raises(IntakeError) as caught:
        receive(b"%PDF-1.4 not xml", ivan_code="00030")
    assert caught.value.code == "INTAKE_NOT_XML"
    assert not Submission.objects.exists()


def test_a_receipt_lost_to_a_crash_is_made_once_at_restart(unit, signers):
    from hoso.intake.receipts import complete_missing_receipts

    reception = receive(
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"]),
        ivan_code="00030",
        received_at=JAN_5_2016,
    )
    Submission.objects.filter(pk=reception.submission.pk).update(
        receipt_xml=b"", receipt_sha256=""
    )  # the crash
    assert complete_missing_receipts() == 1 and complete_missing_receipts() == 0
    stored = Submission.objects.get(pk=reception.submission.pk)
    assert b"00001/2016/00105" in bytes(stored.receipt_xml) and stored.receipt_sha256
    assert receive(
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"]), ivan_code="00030"
    ).receipt_xml


def test_a_refusal_for_an_unregistered_certificate_can_be_resent_after_registration(unit, signers, pki):
    from hoso.reference.models import Unit

    from .conftest import register_certificate

    other = Unit.objects.create(code="HB00003", tax_code="0107890123", name="Tây Hồ", office_id="00103")
    raw = envelope(unit_code=other.code, tax_code=other.tax_code, signer=signers["unit-ec"])
    first = receive(raw, ivan_code="00030", idempotency_key="dk-1", received_at=JAN_5_2016)
    assert first.outcome == "refused" and first.submission.transient
    register_certificate(other, pki.entities["unit-ec"].certificate)
    again = receive(raw, ivan_code="00030", idempotency_key="dk-1", received_at=JAN_5_2016)
    assert again.outcome == "accepted", again.submission.reasons


def test_a_decision_is_never_bound_to_a_version_whose_content_changed_in_another_process(unit, signers):
    """The active policy versions are cached for a few seconds per process. When another process (the
    admin of another worker, `hoso policy publish`) replaces the content of an active version that has
    decided nothing yet, a decision made here under the cached content must not be recorded as made by
    the stored version (whose content is now another): the reception fails as it did before the cache
    (nothing stored but the evidence), and the next one is decided under the stored content."""
    from hoso.policies.errors import PolicyStorageError
    from hoso.policies.models import Decision, PolicyVersion
    from hoso.policies.services import active_policy_set
    from hoso.policy import load_policy

    assert active_policy_set()  # this process has read the active versions
    version = PolicyVersion.objects.get(policy="2671-bhxh-cntt", status="active")
    assert not version.has_decisions
    edited = version.content + "\n# edited by the admin of another worker\n"
    edited_sha = load_policy(edited, known_tags=None).sha256
    # What store_policy does in the other process; no signal reaches this one.
    PolicyVersion.objects.filter(pk=version.pk).update(content=edited, sha256=edited_sha)

    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    try:
        reception = receive(raw, ivan_code="00030", received_at=JAN_5_2016)
    except PolicyStorageError:
        assert not Decision.objects.exists() and not Submission.objects.exists()
        reception = receive(raw, ivan_code="00030", received_at=JAN_5_2016)  # the I-VAN sends it again
    assert reception.outcome == "accepted", reception.submission.reasons
    decided = reception.submission.policy
    record = Decision.objects.select_related("policy_version").get(
        reference=str(reception.submission.public_id)
    )
    assert record.policy_version.sha256 == decided["policy_sha256"] == edited_sha


def test_the_certificate_fact_is_that_of_the_registrations_at_the_last_instant_of_the_certificate(
    unit, signers, pki, settings
):
    """The has-certificate fact reuses the registration of the signing certificate; it stays what
    ``has_registered_certificate`` says (a certificate is not valid at its notAfter instant there) even
    when the signature check accepts the certificate at that instant (RFC 5280: notAfter inclusive)."""
    import shutil

    from hoso.intake import gateway
    from hoso.policies.models import Decision
    from hoso.reference.registrations import has_registered_certificate

    # A pinned end-entity is checked for its validity only (no revocation data that expires before it).
    shutil.copy(pki.entities["unit-valid"].cert_path, settings.HOSO_TRUST_ANCHORS / "unit-valid.pem")
    gateway.forget()
    at = pki.entities["unit-valid"].certificate.not_valid_after_utc
    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    reception = receive(raw, ivan_code="00030", received_at=at)
    assert reception.outcome == "accepted", reception.submission.reasons
    recorded = Decision.objects.get(reference=str(reception.submission.public_id)).has_certificate
    assert recorded == has_registered_certificate(moment=at, unit=unit)


def test_the_forms_are_checked_as_signed_not_as_the_bytes_read_again(unit, signers):
    """A comment is outside what an XML signature covers. Put into a signed form between the digits of a
    social-insurance number, it leaves the signature valid; the form checks read the signed content
    (the number whole), not the form's bytes again (where the number would stop at the comment)."""
    from hoso.dossier import EnvelopeFile, build_d02
    from hoso.testing.envelopes import d02_rows, signed_form

    signer = signers["unit-valid"]
    form = signed_form(build_d02({"MaDonVi": UNIT_CODE, "TenDonVi": "Đơn vị"}, d02_rows(1)), signer)
    assert b"<MasoBHXH>0100000000</MasoBHXH>" in form
    form = form.replace(b"<MasoBHXH>01000", b"<MasoBHXH>01000<!-- a comment -->")
    raw = envelope(
        unit_code=UNIT_CODE,
        tax_code=UNIT_TAX,
        signer=signer,
        forms=[EnvelopeFile(name="D02-TS.xml", content=form, form_code="D02-TS", description="D02")],
    )
    reception = receive(raw, ivan_code="00030", received_at=JAN_5_2016)
    assert reception.outcome == "accepted", reception.submission.reasons
    rows = reception.submission.facts["forms"][0]["rows"]
    assert [row["ma_so_bhxh"] for row in rows] == ["0100000000"]


def test_a_concurrent_twin_of_the_same_signed_content_is_a_repeat_not_a_second_dossier(
    unit, signers, monkeypatch
):
    """Two envelopes of the same signed forms racing: the second does not see the first when it asks
    (made certain here), takes a number, collides on the content key when written, and answers with the
    first receipt; the number is given back."""
    from datetime import date

    from hoso.dossier import EnvelopeFile, build_d02
    from hoso.intake import pipeline
    from hoso.testing.envelopes import d02_rows, signed_form

    form = signed_form(
        build_d02({"MaDonVi": UNIT_CODE, "TenDonVi": "Đơn vị"}, d02_rows(2)), signers["unit-valid"]
    )
    files = [EnvelopeFile(name="D02-TS.xml", content=form, form_code="D02-TS", description="Danh sách")]

    def packed(created: date) -> bytes:
        return envelope(
            unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], forms=files, created=created
        )

    first = receive(packed(date(2016, 1, 4)), ivan_code="00030", received_at=JAN_5_2016)
    assert first.outcome == "accepted"
    monkeypatch.setattr(pipeline, "_repeat_of", lambda state, earlier_id: None)  # blind to it when asking
    twin = receive(packed(date(2016, 1, 5)), ivan_code="00030", received_at=JAN_5_2016)
    assert twin.outcome == "repeat" and twin.receipt_xml == first.receipt_xml
    assert Dossier.objects.count() == Submission.objects.count() == 1
    other = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], seed=3)
    assert receive(other, ivan_code="00030", received_at=JAN_5_2016).submission.dossier.sequence == 2
    assert verify_chain() == (2, None)
