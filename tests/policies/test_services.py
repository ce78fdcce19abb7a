"""Stored policy versions, decisions recorded with the version that made them, immutability."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db.models import ProtectedError

from hoso.policies import services
from hoso.policies.errors import DecisionImmutable, PolicyVersionImmutable, UnknownProcedure
from hoso.policies.models import Decision, PolicyVersion
from hoso.policy import Outcome, PolicyLoadError, builtin_text

from .helpers import at, draft_text

pytestmark = pytest.mark.django_db


def child_card_facts(certificate: bool = False, day: date = date(2016, 1, 5), **kwargs):
    return services.facts_for(
        channel=kwargs.get("channel", "barcode"),
        procedure_code=kwargs.get("procedure", "602"),
        submitter_kind=kwargs.get("submitter", "commune"),
        submitter_code=kwargs.get("code", "00007"),
        has_certificate=certificate,
        office_code=kwargs.get("office", "00105"),
        received_at=kwargs.get("received_at", at(day)),
    )


def test_the_catalogue_knows_every_tag_the_committed_policies_use(reference_data):
    from hoso.policy import builtin_policies

    builtin_policies(known_tags=services.known_tags())  # raises PolicyLoadError on an unknown tag


def test_committed_policies_are_stored_when_first_needed(reference_data):
    PolicyVersion.objects.all().delete()  # as on a database that never decided anything
    policy_set = services.active_policy_set()
    assert policy_set.identity == (("164-2025-nd-cp", 1), ("2671-bhxh-cntt", 1), ("baseline", 1))
    rows = {v.policy: v for v in PolicyVersion.objects.all()}
    assert rows["2671-bhxh-cntt"].status == "active" and rows["2671-bhxh-cntt"].precedence == 100
    assert rows["baseline"].content == builtin_text("baseline.toml")
    assert services.active_policy_set() is policy_set  # cached by version and hash


def test_facts_take_the_tags_of_the_catalogue(reference_data):
    facts = child_card_facts()
    assert facts.procedure_tags >= {"child-under-6-card", "thu-so-the"}
    assert services.facts_for(
        channel="paper",
        procedure_code="600",
        submitter_kind="unit",
        has_certificate=False,
        office_code="00105",
        received_at=at(date(2016, 1, 5)),
    ).procedure_tags == {"thu-so-the"}


def test_unknown_procedure_is_a_coded_error(reference_data):
    with pytest.raises(UnknownProcedure) as caught:
        child_card_facts(procedure="999")
    assert caught.value.code == "POLICY_UNKNOWN_PROCEDURE" and "999" in caught.value.message_vi


def test_decide_and_record(reference_data):
    facts = child_card_facts(certificate=False)
    decision, record = services.decide_and_record(facts, reference="dossier-1")
    assert decision.outcome is Outcome.ACCEPT and decision.rule_id == "child-card-commune-without-certificate"
    record.refresh_from_db()
    assert (record.policy, record.version, record.rule, record.outcome) == (
        "2671-bhxh-cntt",
        1,
        "child-card-commune-without-certificate",
        "accept",
    )
    assert record.policy_version.sha256 == decision.policy_sha256
    assert record.facts["procedure_tags"] == ["child-under-6-card", "thu-so-the"]
    assert record.received_at == at(date(2016, 1, 5))
    assert record.legal_basis_vi.startswith("Công văn 2671/BHXH-CNTT ngày 26/11/2015")
    assert record.policy_set == [
        {"policy": "164-2025-nd-cp", "version": 1},
        {"policy": "2671-bhxh-cntt", "version": 1},
        {"policy": "baseline", "version": 1},
    ]
    assert record.reference == "dossier-1" and record.accepted


def test_a_version_that_decided_is_immutable(reference_data):
    services.decide_and_record(child_card_facts())
    version = PolicyVersion.objects.get(policy="2671-bhxh-cntt")
    changed = version.content.replace(
        "Hồ sơ điện tử có chữ ký số được tiếp nhận", "Hồ sơ điện tử được tiếp nhận"
    )
    with pytest.raises(PolicyVersionImmutable):
        services.store_policy(changed)
    version.content = changed
    with pytest.raises(PolicyVersionImmutable):
        version.save()
    with pytest.raises(ProtectedError):
        PolicyVersion.objects.get(pk=version.pk).delete()


def test_an_unused_version_may_still_be_corrected(reference_data):
    services.active_policy_set()
    corrected = builtin_text("baseline.toml").replace(
        "Hồ sơ giấy được tiếp nhận", "Hồ sơ giấy luôn được tiếp nhận"
    )
    stored = services.store_policy(corrected)
    assert stored.policy == "baseline" and stored.version == 1 and "luôn" in stored.content
    assert PolicyVersion.objects.filter(policy="baseline").count() == 1


def test_a_new_version_takes_over_and_old_decisions_keep_theirs(reference_data):
    old_decision, old_record = services.decide_and_record(
        child_card_facts(channel="barcode", procedure="600", submitter="unit")
    )
    assert old_decision.outcome is Outcome.REFUSE
    v2 = services.store_policy(draft_text())
    assert v2.status == "active" and v2.version == 2
    assert PolicyVersion.objects.get(policy="2671-bhxh-cntt", version=1).status == "retired"
    new_decision, new_record = services.decide_and_record(
        child_card_facts(channel="barcode", procedure="600", submitter="unit")
    )
    assert new_decision.outcome is Outcome.ACCEPT and new_record.version == 2
    old_record.refresh_from_db()
    assert (old_record.version, old_record.outcome) == (1, "refuse")
    assert old_record.policy_version.status == "retired"


def test_storing_the_same_file_twice_is_a_no_op(reference_data):
    first = services.store_policy(draft_text())
    count = PolicyVersion.objects.count()
    again = services.store_policy(draft_text())
    assert first.pk == again.pk and PolicyVersion.objects.count() == count


def test_a_draft_is_not_used_until_activated(reference_data):
    services.active_policy_set()
    draft = services.store_policy(draft_text(), activate=False)
    assert draft.status == "draft"
    assert services.active_policy_set().identity[1] == ("2671-bhxh-cntt", 1)
    services.activate_version(draft)
    assert services.active_policy_set().identity[1] == ("2671-bhxh-cntt", 2)


def test_an_unknown_tag_cannot_be_stored(reference_data):
    with pytest.raises(PolicyLoadError) as caught:
        services.store_policy(draft_text().replace('tags_none = ["thu-so-the"]', 'tags_none = ["thu-so-th"]'))
    assert caught.value.issues[0].code == "POLICY_UNKNOWN_TAG"


def test_a_recorded_decision_cannot_change(reference_data):
    _, record = services.decide_and_record(child_card_facts())
    record.outcome = "refuse"
    with pytest.raises(DecisionImmutable):
        record.save()


def test_a_decision_under_an_unstored_policy_cannot_be_recorded(reference_data):
    from hoso.policy import load_policy

    draft_set = services.active_policy_set().replacing(load_policy(draft_text(version=9), known_tags=None))
    facts = child_card_facts()
    decision = services.decide(facts, policy_set=draft_set)
    with pytest.raises(services.PolicyStorageError):
        services.record_decision(facts, decision)
    assert not Decision.objects.exists()


def test_received_at_utc_is_decided_on_the_vietnam_date(reference_data):
    facts = child_card_facts(
        channel="barcode",
        procedure="600",
        submitter="unit",
        received_at=datetime(2015, 12, 31, 17, 30, tzinfo=UTC),
    )
    assert services.decide(facts).rule_id == "barcode-suspended-from-2016-01-01"


def test_an_overlong_code_is_a_coded_error_not_a_database_error(reference_data):
    from dataclasses import replace

    facts = replace(child_card_facts(), office_code="0" * 30)
    decision = services.decide(facts)
    with pytest.raises(services.PolicyStorageError) as caught:
        services.record_decision(facts, decision)
    assert caught.value.code == "POLICY_FACT_TOO_LONG"
