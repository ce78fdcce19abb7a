"""The policy parameters in force for a reception, from the active policies (the legal clocks and the
reception rule: see ``hoso.policy.parameters`` and docs/policies.md §8).

A dossier is clocked by the parameters in force at its reception, whatever has changed since: the
active policies are dated, so asking them about the reception moment gives the values of that moment.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from hoso.policies.services import active_policy_set
from hoso.policy import VN_TZ
from hoso.policy.parameters import ReceptionParameters


def reception_parameters(office_code: str, received_at: datetime) -> ReceptionParameters:
    """The parameters for a reception by ``office_code`` at ``received_at`` (naive: Vietnam time)."""
    moment = received_at if timezone.is_aware(received_at) else received_at.replace(tzinfo=VN_TZ)
    return active_policy_set().parameters(office_code or "", moment)


def receives_for_any_office(office_code: str, received_at: datetime | None = None) -> bool:
    """Whether the office receives for a submitter another office manages without asking (now, by
    default): true under Decree 164/2025; before, the desk names the managing office and the officer
    confirms (the office guard)."""
    return reception_parameters(office_code, received_at or timezone.now()).reception_any_office
