"""Who may see and do what: roles are Django groups, the office and department come from `Officer`.

An officer sees only the dossiers of their own office; the staff of the City office (code ``001``) and
the director see every office's. Each action names the roles that may take it; the state table
(`states.py`) decides separately whether the dossier's state allows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from hoso.errors import CodedError
from hoso.workflow.models import Dossier
from hoso.workflow.states import Status

CITY_OFFICE = "001"
DESK = "desk_officer"
DEPARTMENT = "department_officer"
HEAD = "office_head"
IT = "it_admin"
DIRECTOR = "director"
ROLES = (DESK, DEPARTMENT, HEAD, IT, DIRECTOR)


class AccessDenied(CodedError):
    pass


@dataclass(frozen=True)
class Actor:
    """A logged-in user as the workflow sees them."""

    user: object
    roles: frozenset[str]
    office_id: str | None
    department_id: str | None

    @property
    def label(self) -> str:
        return f"Cán bộ {self.user.get_username()}"

    @property
    def sees_all_offices(self) -> bool:
        return (
            getattr(self.user, "is_superuser", False)
            or DIRECTOR in self.roles
            or self.office_id == CITY_OFFICE
        )

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles)) or getattr(self.user, "is_superuser", False)


def actor_for(user) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user, frozenset(), None, None)
    officer = getattr(user, "officer", None)
    roles = frozenset(user.groups.values_list("name", flat=True))
    return Actor(
        user,
        roles,
        getattr(officer, "office_id", None),
        getattr(officer, "department_id", None),
    )


def visible_dossiers(actor: Actor, queryset: QuerySet | None = None) -> QuerySet:
    """The dossiers ``actor`` may read: their office's, or all for the City office and the director."""
    queryset = Dossier.objects.all() if queryset is None else queryset
    if actor.sees_all_offices:
        return queryset
    if actor.office_id is None:
        return queryset.none()
    return queryset.filter(office_id=actor.office_id)


def can_see(actor: Actor, dossier: Dossier) -> bool:
    return actor.sees_all_offices or (actor.office_id is not None and dossier.office_id == actor.office_id)


def _same_office(actor: Actor, dossier: Dossier) -> bool:
    """Acting on a dossier needs its office (City staff read every office but act on their own)."""
    return getattr(actor.user, "is_superuser", False) or dossier.office_id == actor.office_id


def _department_officer_of(actor: Actor, dossier: Dossier) -> bool:
    return _same_office(actor, dossier) and (
        actor.has(HEAD) or (actor.has(DEPARTMENT) and actor.department_id == dossier.department_id)
    )


# action -> (who may, in which states)
ACTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "take": ("department", frozenset({Status.RECEIVED})),
    "resume": ("department", frozenset({Status.SUPPLEMENT_RECEIVED})),
    "request_supplement": ("department", frozenset({Status.IN_PROCESS})),
    "receive_supplement": ("desk_or_department", frozenset({Status.SUPPLEMENT_REQUESTED})),
    "record_result": ("department", frozenset({Status.IN_PROCESS})),
    "refuse": ("department", frozenset({Status.RECEIVED, Status.IN_PROCESS, Status.SUPPLEMENT_REQUESTED})),
    "hand_over": ("desk", frozenset({Status.RESULT_READY})),
    "reassign": ("head", frozenset({Status.RECEIVED, Status.IN_PROCESS, Status.SUPPLEMENT_RECEIVED})),
}


def may(actor: Actor, action: str, dossier: Dossier) -> bool:
    who, states = ACTIONS[action]
    if dossier.status not in states:
        return False
    if who == "department":
        return _department_officer_of(actor, dossier)
    if who == "desk":
        return _same_office(actor, dossier) and actor.has(DESK, HEAD)
    if who == "desk_or_department":
        return _same_office(actor, dossier) and (actor.has(DESK) or _department_officer_of(actor, dossier))
    if who == "head":
        return _same_office(actor, dossier) and actor.has(HEAD)
    return False


def allowed_actions(actor: Actor, dossier: Dossier) -> list[str]:
    return [action for action in ACTIONS if may(actor, action, dossier)]


def require(actor: Actor, action: str, dossier: Dossier) -> None:
    if not may(actor, action, dossier):
        raise AccessDenied(
            "WORKFLOW_ACTION_NOT_ALLOWED",
            f"Cán bộ {actor.user.get_username()} không được thực hiện thao tác này với hồ sơ {dossier.number} "
            f"ở trạng thái “{Status(dossier.status).label}”.",
            f"{actor.user.get_username()} may not do “{action}” on dossier {dossier.number} in state "
            f"{dossier.status}.",
        )
