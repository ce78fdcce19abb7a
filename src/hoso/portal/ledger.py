"""The delivery ledger as IT reads it: filtered, paged, each row's state in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.portal.models import Delivery, SyncCursor
from hoso.workflow.states import Status as WorkflowStatus

PAGE = 100
Status = Delivery.Status
#: the kinds of call as the page's filter names them (the portal's service names stay off the page)
SERVICE_KEYS = {"ho-so": Delivery.Service.DOSSIER, "tien-do": Delivery.Service.PROGRESS}
Kind = Delivery.ErrorKind


@dataclass(frozen=True)
class Filters:
    status: str = ""
    service: str = ""  # a key of SERVICE_KEYS
    number: str = ""  # a dossier's local number or national code
    start: date | None = None
    end: date | None = None


def deliveries(filters: Filters):
    rows = Delivery.objects.select_related("dossier", "event")
    if filters.status in Status.values:
        rows = rows.filter(status=filters.status)
    if filters.service in SERVICE_KEYS:
        rows = rows.filter(service=SERVICE_KEYS[filters.service])
    if filters.number:
        rows = rows.filter(Q(dossier__number=filters.number) | Q(dossier__national_code=filters.number))
    if filters.start:
        rows = rows.filter(created_at__gte=_day_start(filters.start))
    if filters.end:
        rows = rows.filter(created_at__lt=_day_start(filters.end + timedelta(days=1)))
    return rows


def service_choices() -> list[tuple[str, str]]:
    return [(key, Delivery.Service(service).label) for key, service in SERVICE_KEYS.items()]


def page(filters: Filters, before: int | None = None) -> tuple[list[Delivery], int | None]:
    """The newest :data:`PAGE` rows (before row ``before``) and the id to page on from, if more."""
    rows = deliveries(filters).order_by("-id")
    if before:
        rows = rows.filter(id__lt=before)
    found = list(rows[: PAGE + 1])
    more = found[PAGE - 1].id if len(found) > PAGE else None
    return found[:PAGE], more


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def explain(delivery: Delivery) -> str:
    """The row's state in words (Vietnamese through the catalogue)."""
    if delivery.status == Status.SENT:
        return _("Sent")
    reason = reason_of(delivery)
    if delivery.status == Status.FAILED:
        return _("Not sent after %(attempts)d attempts: %(reason)s") % {
            "attempts": delivery.attempts,
            "reason": reason,
        }
    if not delivery.attempts:
        return _("Waiting to be sent")
    return _("Not sent yet: %(reason)s") % {"reason": reason}


def change_of(delivery: Delivery) -> str:
    """What happened to the dossier: the state it entered, or the event's kind."""
    event = delivery.event
    if event.to_status in WorkflowStatus.values:
        return str(WorkflowStatus(event.to_status).label)
    return str(event.get_kind_display())


def reason_of(delivery: Delivery) -> str:
    said = {
        Kind.CONNECTION: _("the portal cannot be reached"),
        Kind.TIMEOUT: _("the portal did not answer in time"),
        Kind.AUTH: _(
            "the portal refused the log-in (the gateway's account at the portal, in the server's configuration)"
        ),
        Kind.ANSWER: _("the portal's answer could not be read"),
        Kind.REFUSED: _("the portal refused the record"),
        Kind.INCOMPLETE: _("the dossier cannot be named to the portal yet"),
    }.get(delivery.error_kind, _("an error while sending"))
    if delivery.portal_code:
        said += " — " + _("the portal's error code %(code)s") % {"code": delivery.portal_code}
    return said


@dataclass(frozen=True)
class LedgerState:
    configured: bool
    address: str
    counts: dict[str, int]
    started_at: datetime | None


def state() -> LedgerState:
    counts = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).order_by())
    cursor = SyncCursor.objects.filter(pk=1).first()
    address = getattr(settings, "HOSO_PORTAL_URL", None) or ""
    return LedgerState(bool(address), address, {s: counts.get(s, 0) for s in Status.values},
                       cursor.started_at if cursor else None)  # fmt: skip
