"""The legal clocks of a dossier, from the policy parameters in force at its reception (issue 23).

- **receipt e-mail**: the receipt and appointment slip leaves within ``receipt_notice_minutes`` of the
  reception, in elapsed time (Decree 164/2025: 2 hours);
- **supplement request**: an online (electronic) dossier is examined — taken into process, refused or
  sent a supplement request — within ``supplement_request_working_hours`` working hours of its
  reception (Decree 45/2020: 8), counted in office hours of working days (``hoso.workdays.hours``);
- **due date**: the close of office hours on the dossier's due date (working days of the procedure).

A clock whose parameter no policy in force sets (a dossier of 2016, say) does not exist for that
dossier. Which office's policies: the managing office's (the dossier's), at the reception moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _

from hoso.policies.parameters import reception_parameters
from hoso.policy.parameters import ReceptionParameters
from hoso.reference.calendar import working_clock
from hoso.workdays.hours import VN_TZ, WorkingClock
from hoso.workflow.models import Channel, DossierEvent
from hoso.workflow.states import Status

RECEIPT_NOTICE, SUPPLEMENT_REQUEST, DUE_DATE = "receipt_notice", "supplement_request", "due_date"
LABELS = {
    RECEIPT_NOTICE: _("Receipt e-mailed"),
    SUPPLEMENT_REQUEST: _("Examined or supplement requested"),
    DUE_DATE: _("Result by the due date"),
}
#: Events by which an officer has examined a received dossier (the supplement-request clock stops).
EXAMINING_EVENTS = frozenset(
    {DossierEvent.Kind.STATUS, DossierEvent.Kind.ASSIGNED, DossierEvent.Kind.SUPPLEMENT_REQUESTED}
)


@dataclass(frozen=True, slots=True)
class LegalClock:
    kind: str
    due_at: datetime  # aware, Vietnam time
    legal_basis_vi: str
    legal_basis_en: str

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])


def receipt_notice_due(received_at: datetime, parameters: ReceptionParameters) -> datetime | None:
    minutes = parameters.receipt_notice_minutes
    return None if minutes is None else received_at.astimezone(VN_TZ) + timedelta(minutes=minutes)


def supplement_request_due(
    received_at: datetime, channel: str, parameters: ReceptionParameters, clock: WorkingClock
) -> datetime | None:
    """The end of the examination window of an online dossier; None for paper and barcodes (examined
    at the desk in the submitter's presence) and where no policy sets the limit."""
    hours = parameters.supplement_request_working_hours
    if hours is None or channel != Channel.ELECTRONIC:
        return None
    return clock.add_working_hours(received_at, hours).replace(tzinfo=VN_TZ)


def due_date_closes(due_date: date, clock: WorkingClock) -> datetime:
    """The last moment of the due date: the close of its last opening period (17:00)."""
    periods = clock.hours_on(due_date).periods
    return datetime.combine(due_date, periods[-1][1], tzinfo=VN_TZ)


def clocks_for(
    *, office_id: str, channel: str, received_at: datetime, due_date: date, clock: WorkingClock | None = None
) -> list[LegalClock]:
    """Every legal clock of one dossier (see the module text)."""
    clock = clock or working_clock()
    parameters = reception_parameters(office_id, received_at)
    found: list[LegalClock] = []
    receipt = receipt_notice_due(received_at, parameters)
    if receipt is not None:
        given = parameters.get("receipt_notice_minutes")
        found.append(LegalClock(RECEIPT_NOTICE, receipt, given.legal_basis_vi, given.legal_basis_en))
    examined = supplement_request_due(received_at, channel, parameters, clock)
    if examined is not None:
        given = parameters.get("supplement_request_working_hours")
        found.append(LegalClock(SUPPLEMENT_REQUEST, examined, given.legal_basis_vi, given.legal_basis_en))
    found.append(
        LegalClock(
            DUE_DATE,
            due_date_closes(due_date, clock),
            "Thời hạn giải quyết của thủ tục theo danh mục thủ tục hành chính",
            "The procedure's time limit in the procedure catalogue",
        )
    )
    return found


def dossier_clocks(dossier) -> list[LegalClock]:
    return clocks_for(
        office_id=dossier.office_id,
        channel=dossier.channel,
        received_at=dossier.received_at,
        due_date=dossier.due_date,
    )


def examined_at(dossier, events) -> datetime | None:
    """When an officer first examined the dossier after its reception (``events``: its events in
    order), or None while it waits unexamined."""
    for event in events:
        if event.kind in EXAMINING_EVENTS and event.at >= dossier.received_at:
            return event.at
    if dossier.status != Status.RECEIVED:
        return dossier.status_changed_at
    return None
