"""Links from the reception tables to reference data carry no database constraint (PostgreSQL CPU a
dossier, issue 18): Django's PROTECT still refuses the deletion, and `hoso check` finds a row whose
reference was deleted behind hoso's back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import ProtectedError

from hoso.operations.checks import reference_findings, unconstrained_links
from hoso.reference.models import Procedure
from hoso.workflow.models import Dossier

pytestmark = pytest.mark.django_db


def test_only_links_to_reference_data_go_unenforced():
    links = {(f.model._meta.label, f.name) for f in unconstrained_links()}
    assert ("workflow.Dossier", "office") in links and ("policies.Decision", "policy_version") in links
    # The evidence's own links stay enforced by the database.
    assert ("workflow.DossierEvent", "dossier") not in links
    assert all(
        f.related_model._meta.app_label in ("reference", "auth", "policies") for f in unconstrained_links()
    )


def test_protect_still_refuses_and_check_finds_a_reference_deleted_outside_hoso(under6):
    dossier = under6
    with pytest.raises(ProtectedError):
        Procedure.objects.filter(pk=dossier.procedure_id).delete()
    assert reference_findings() == []
    procedure = dossier.procedure
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Procedure._meta.db_table} WHERE id = %s", [procedure.pk])  # noqa: S608 — a model's table
    found = [f for f in reference_findings() if "workflow_dossier.procedure_id" in f.message_en]
    assert len(found) == 1 and found[0].code == "CHECK_REFERENCE_MISSING"
    assert found[0].message_vi.startswith("1 dòng của workflow_dossier.procedure_id")
    assert Dossier.objects.filter(pk=dossier.pk).exists()
