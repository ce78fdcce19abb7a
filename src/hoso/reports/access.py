"""Who sees which reports: the director, IT and the City office see every office; an office head sees
their own office; desk and department officers (and I-VANs, through the API) report problems."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

ALL_OFFICES_ROLES = {"director", "it_admin"}
OFFICE_ROLES = {"office_head"}
PROBLEM_REPORTER_ROLES = {"desk_officer", "department_officer", "office_head", "director", "it_admin"}


@dataclass
class Scope:
    reports: bool  # may see dashboards and analytics
    office: str | None  # None: every office; else this office only
    it: bool  # the IT department: the problem queue
    office_of_user: str | None = None


def roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(user.groups.values_list("name", flat=True))


def scope(user) -> Scope:
    names = roles(user)
    officer = getattr(user, "officer", None) if user.is_authenticated else None
    own = officer.office_id if officer is not None else None
    if user.is_superuser or names & ALL_OFFICES_ROLES or (names & OFFICE_ROLES and own and len(own) == 3):
        return Scope(True, None, user.is_superuser or "it_admin" in names, own)
    if names & OFFICE_ROLES and own:
        return Scope(True, own, False, own)
    return Scope(False, own, False, own)


def office_for(user, requested: str | None) -> str | None:
    """The office a report covers: what was asked, within what the user may see."""
    allowed = scope(user)
    if not allowed.reports:
        raise PermissionDenied
    if allowed.office is None:
        return requested or None
    if requested and requested != allowed.office:
        raise PermissionDenied
    return allowed.office
