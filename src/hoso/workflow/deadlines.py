"""Due state of a dossier against its due date, in working days: on time, due soon, late — or paused
while a supplement is awaited (the deadline clock stops), or none once processing is over."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoso.reference.calendar import working_calendar
from hoso.workflow.states import CLOCK_STOPPED_STATES, Status

ON_TIME, DUE_SOON, LATE, PAUSED, DONE = "on_time", "due_soon", "late", "paused", "done"
LABELS = {
    ON_TIME: _("On time"),
    DUE_SOON: _("Due soon"),
    LATE: _("Late"),
    PAUSED: _("Clock stopped"),
    DONE: _("Done"),
}
#: The states in which the deadline clock runs.
RUNNING_STATES = frozenset({Status.RECEIVED, Status.IN_PROCESS, Status.SUPPLEMENT_RECEIVED})
DUE_SOON_WORKING_DAYS = 1


def due_soon_limit(today: date) -> date:
    """The last due date that counts as due soon: at most one working day left."""
    return working_calendar().add_working_days(today, DUE_SOON_WORKING_DAYS)


def due_state(status: str, due_date: date, today: date) -> str:
    if status in CLOCK_STOPPED_STATES:
        return PAUSED
    if status not in RUNNING_STATES:
        return DONE
    if due_date < today:
        return LATE
    if due_date <= due_soon_limit(today):
        return DUE_SOON
    return ON_TIME


def working_days_left(due_date: date, today: date) -> int:
    """Working days from ``today`` to ``due_date`` (negative when late)."""
    return working_calendar().count_working_days(today, due_date)


def due_state_filter(state: str, today: date) -> Q:
    """The same classification as a database filter (served by the (status, due_date) indexes)."""
    running = Q(status__in=list(RUNNING_STATES))
    if state == LATE:
        return running & Q(due_date__lt=today)
    if state == DUE_SOON:
        return running & Q(due_date__gte=today, due_date__lte=due_soon_limit(today))
    if state == ON_TIME:
        return running & Q(due_date__gt=due_soon_limit(today))
    if state == PAUSED:
        return Q(status__in=list(CLOCK_STOPPED_STATES))
    if state == DONE:
        return ~Q(status__in=list(RUNNING_STATES | CLOCK_STOPPED_STATES))
    raise ValueError(state)
