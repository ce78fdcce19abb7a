"""Admin pages: policy versions (publish with line-numbered errors, immutable once used), decisions read-only."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from hoso.policies import services
from hoso.policies.models import Decision, PolicyVersion
from hoso.policy import builtin_text

from .helpers import at, draft_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, django_user_model, reference_data):
    user = django_user_model.objects.create_superuser("it", "it@example.org", "pw-for-tests")
    client.force_login(user)
    return client


def one_decision():
    facts = services.facts_for(
        channel="barcode",
        procedure_code="602",
        submitter_kind="commune",
        submitter_code="00007",
        has_certificate=False,
        office_code="00105",
        received_at=at(date(2016, 1, 5)),
    )
    return services.decide_and_record(facts)[1]


def test_lists_load(admin):
    record = one_decision()
    assert admin.get(reverse("admin:policies_policyversion_changelist")).status_code == 200
    assert admin.get(reverse("admin:policies_decision_changelist")).status_code == 200
    page = admin.get(reverse("admin:policies_decision_change", args=[record.pk]))
    assert page.status_code == 200 and "child-card-commune-without-certificate" in page.content.decode()


def test_decisions_are_read_only(admin):
    record = one_decision()
    url = reverse("admin:policies_decision_change", args=[record.pk])
    admin.post(url, {"outcome": "refuse"})
    record.refresh_from_db()
    assert record.outcome == "accept"
    assert admin.get(reverse("admin:policies_decision_add")).status_code == 403
    assert (
        admin.post(reverse("admin:policies_decision_delete", args=[record.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Decision.objects.count() == 1


def test_add_a_version_with_errors_shows_lines(admin):
    bad = draft_text().replace("valid_until = 2016-03-31", "valid_until = 2013-03-31")
    response = admin.post(reverse("admin:policies_policyversion_add"), {"content": bad, "source": "admin"})
    assert response.status_code == 200
    line = bad.splitlines().index("valid_until = 2013-03-31") + 1
    assert f"{line}: " in response.content.decode()
    assert not PolicyVersion.objects.filter(version=2).exists()


def test_add_a_version(admin):
    response = admin.post(
        reverse("admin:policies_policyversion_add"), {"content": draft_text(), "source": "admin"}
    )
    assert response.status_code == 302
    version = PolicyVersion.objects.get(policy="2671-bhxh-cntt", version=2)
    assert version.status == "draft" and version.precedence == 100 and len(version.sha256) == 64


def test_an_existing_version_cannot_be_added_again(admin):
    services.active_policy_set()
    changed = builtin_text("baseline.toml").replace("Hồ sơ giấy được", "Hồ sơ giấy luôn được")
    response = admin.post(
        reverse("admin:policies_policyversion_add"), {"content": changed, "source": "admin"}
    )
    assert (
        response.status_code == 200
        and "increase" in response.content.decode().lower()
        or "tăng" in response.content.decode()
    )


def test_a_used_version_is_read_only_and_cannot_be_deleted(admin):
    record = one_decision()
    version = record.policy_version
    url = reverse("admin:policies_policyversion_change", args=[version.pk])
    page = admin.get(url).content.decode()
    assert 'name="content"' not in page
    assert (
        admin.post(
            reverse("admin:policies_policyversion_delete", args=[version.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_activate_action(admin):
    services.active_policy_set()
    draft = services.store_policy(draft_text(), activate=False)
    response = admin.post(
        reverse("admin:policies_policyversion_changelist"),
        {"action": "activate", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active"
    assert PolicyVersion.objects.get(policy="2671-bhxh-cntt", version=1).status == "retired"
