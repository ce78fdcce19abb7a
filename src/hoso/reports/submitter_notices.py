"""Notices to a dossier's submitter (Decree 164/2025: the receipt e-mailed within 2 hours; Decree 45/2020:
the supplement request; the result ready): by e-mail through the outbox, and by text through the
configured sender (:mod:`hoso.reports.senders`), each recorded in the ledger
(:class:`~hoso.reports.models.SubmitterNotice`) that IT reads on the notices page.

**Queued from the audit chain.** Every reception, supplement request and result is an event of the
audit chain, written in the transaction that makes the change, numbered in commit order under the chain
head's lock (hoso.workflow.audit) — the one place where the workflow records what happens. The periodic job
``hoso:submitter-notices`` (every minute, :func:`run`) reads the events after its cursor and, in one
transaction with moving the cursor, writes the notices and their outbox e-mails. A rolled-back change has
no event, so nothing is sent for it; a committed one always has, so none is lost; a reception costs no
statement more (the national portal's sync reads the chain the same way, hoso.portal.sync).

**Off by default** (``HOSO_SUBMITTER_NOTICES`` empty): the job does nothing. Switched on, it starts at
the chain's head (no notice for what happened before), and an event older than :data:`MAX_AGE` when
read (the job stopped for days) is passed over: a submitter is not told days late that their dossier
was received.

Addresses: the e-mail of the unit (or the commune's People's Committee) in the reference data; for texts,
the phone typed on the dossier (at the desk, or by the unit in its envelope), else the reference data's.
A submitter without one gets no notice of that means (counted in the run).
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hoso.dossier import parse_envelope
from hoso.intake.blobstore import blob_store
from hoso.intake.models import Submission
from hoso.reports.models import SubmitterNotice, SubmitterNoticeCursor
from hoso.reports.notices import sender as email_sender
from hoso.reports.outbox import backoff, enqueue
from hoso.reports.senders import SenderError, configured_sender
from hoso.workflow.models import AuditHead, Dossier, DossierEvent

log = logging.getLogger(__name__)

Kind = SubmitterNotice.Kind
Means = SubmitterNotice.Means
Status = SubmitterNotice.Status
EventKind = DossierEvent.Kind

NOTIFIED = {
    EventKind.RECEIVED: Kind.RECEIPT,
    EventKind.SUPPLEMENT_REQUESTED: Kind.SUPPLEMENT,
    EventKind.RESULT: Kind.RESULT,
}
MAX_AGE = timedelta(days=2)
COLLECT_BATCH = 500
TEXT_BATCH = 20
MAX_ATTEMPTS = 8  # 1+2+4+…+60 minutes ≈ 2 hours, then given up (IT queues it again from the notices page)
LEASE = timedelta(minutes=15)


def enabled_means() -> set[str]:
    return set(getattr(settings, "HOSO_SUBMITTER_NOTICES", None) or [])


# --- What the submitter reads ------------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str  # the e-mail
    text: str  # the SMS/Zalo message: short


def _day(value) -> str:
    return value.strftime("%d/%m/%Y")


def lookup_link(dossier: Dossier) -> str:
    """The public lookup of ``dossier`` filled in (its number and submitter code), as an address when
    ``HOSO_PUBLIC_URL`` says where the public reaches hoso, else the page's path."""
    query = urlencode({"so": dossier.number, "ma": dossier.unit_id or dossier.commune_id or ""}, safe="/")
    path = f"{reverse('desk:lookup')}?{query}"
    base = getattr(settings, "HOSO_PUBLIC_URL", None)
    return f"{base.rstrip('/')}{path}" if base else path


def submitter_name(dossier: Dossier) -> str:
    if dossier.unit_id:
        return dossier.unit.name
    return f"UBND {dossier.commune.name_vi}" if dossier.commune_id else ""


def wording(kind: str, dossier: Dossier, event: DossierEvent) -> Wording:
    """The notice's words in Vietnamese: the dossier number, what happened, the due date or what to bring,
    the lookup link; dates dd/mm/yyyy."""
    office = dossier.office.name_vi
    procedure = dossier.procedure.name_vi
    at = timezone.localtime(event.at)
    link = lookup_link(dossier)
    code = dossier.unit_id or dossier.commune_id or ""
    due = (event.data or {}).get("due_date") or dossier.due_date.isoformat()
    due_text = _day(datetime.fromisoformat(due))
    online = dossier.channel == "electronic"
    if kind == Kind.RECEIPT:
        subject = f"Đã tiếp nhận hồ sơ số {dossier.number}"
        lines = [
            f"{office} đã tiếp nhận hồ sơ số {dossier.number} ({procedure}) lúc {at:%H:%M} ngày {_day(at)}.",
            f"Ngày hẹn trả kết quả: {due_text}.",
        ]
        text = (
            f"BHXH: đã tiếp nhận hồ sơ số {dossier.number} ngày {_day(at)}, hẹn trả kết quả ngày {due_text}."
        )
    elif kind == Kind.SUPPLEMENT:
        where = "qua tổ chức I-VAN đã nộp hồ sơ" if online else f"tại bộ phận một cửa của {office}"
        subject = f"Yêu cầu bổ sung hồ sơ số {dossier.number}"
        lines = [
            f"Ngày {_day(at)}, {office} yêu cầu bổ sung hồ sơ số {dossier.number} ({procedure}).",
            f"Giấy tờ cần bổ sung: {event.note.strip()}",
            f"Xin nộp giấy tờ bổ sung {where}. Thời hạn giải quyết tạm dừng cho đến khi nhận đủ giấy tờ "
            "bổ sung; ngày hẹn trả kết quả mới được tính lại từ ngày đó.",
        ]
        text = f"BHXH: hồ sơ số {dossier.number} cần bổ sung: {event.note.strip()[:80]}. Nộp bổ sung {where}."
    else:
        where = (
            "Kết quả điện tử được trả qua tổ chức I-VAN đã nộp hồ sơ."
            if online
            else f"Xin mang giấy tiếp nhận hồ sơ và hẹn trả kết quả đến bộ phận một cửa của {office} để nhận kết quả."
        )
        subject = f"Hồ sơ số {dossier.number} đã có kết quả"
        lines = [f"Hồ sơ số {dossier.number} ({procedure}) đã có kết quả từ ngày {_day(at)}.", where]
        text = f"BHXH: hồ sơ số {dossier.number} đã có kết quả từ ngày {_day(at)}. {where}"
    name = submitter_name(dossier)
    body = "\n".join(
        [
            f"Kính gửi {name}," if name else "Kính gửi quý đơn vị,",
            "",
            *lines,
            "",
            f"Tra cứu tình trạng hồ sơ (số hồ sơ {dossier.number}, mã {code}): {link}",
            "",
            f"{office}",
            "Thư này được gửi tự động, xin không trả lời thư này.",
        ]
    )
    return Wording(subject=subject, body=body, text=f"{text} Tra cứu: {link}")


# --- Addresses ---------------------------------------------------------------------------------------


def email_of(dossier: Dossier) -> str:
    submitter = dossier.unit if dossier.unit_id else dossier.commune if dossier.commune_id else None
    return (submitter.email or "").strip() if submitter else ""


def phone_of(dossier: Dossier) -> str:
    """The phone typed on the dossier (its envelope, as kept), else the reference data's; digits only."""
    typed = ""
    submission = Submission.objects.filter(dossier=dossier).only("sha256").first()
    if submission is not None:
        try:
            typed = parse_envelope(blob_store().get(submission.sha256)).unit.dien_thoai
        except Exception:  # noqa: BLE001 - evidence purged or unreadable: fall back to the reference data
            log.debug("submitter notices: the envelope of %s cannot be read", dossier.number, exc_info=True)
    submitter = dossier.unit if dossier.unit_id else dossier.commune if dossier.commune_id else None
    for candidate in (typed, submitter.phone if submitter else ""):
        digits = re.sub(r"[\s.\-()]", "", candidate or "")
        if re.fullmatch(r"\+?\d{9,15}", digits):
            return digits
    return ""


# --- Queue: events after the cursor → notices ----------------------------------------------------------


@dataclass
class NoticeRun:
    events: int = 0
    emails: int = 0
    texts: int = 0
    no_address: int = 0
    too_old: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"events {self.events}: e-mails queued {self.emails}, texts queued {self.texts}, no address "
            f"{self.no_address}, too old {self.too_old}; texts sent {self.sent}, to retry {self.retrying}, "
            f"given up {self.failed}"
        )


def collect(run: NoticeRun, *, now: datetime | None = None, batch: int = COLLECT_BATCH) -> int:
    """Write the notices owed for up to ``batch`` events after the cursor and move the cursor, in one
    transaction; returns the events read (of every kind). The first call starts the cursor at the chain's
    head."""
    now = now or timezone.now()
    means = enabled_means()
    with transaction.atomic():
        cursor = SubmitterNoticeCursor.objects.select_for_update().filter(pk=1).first()
        if cursor is None:
            head = AuditHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first() or 0
            SubmitterNoticeCursor.objects.create(pk=1, last_sequence=head, updated_at=now)
            log.info("submitter notices start after event %s", head)
            return 0
        sequences = list(
            DossierEvent.objects.filter(sequence__gt=cursor.last_sequence)
            .order_by("sequence")
            .values_list("sequence", flat=True)[:batch]
        )
        if not sequences:
            return 0
        events = (
            DossierEvent.objects.filter(
                sequence__gte=sequences[0], sequence__lte=sequences[-1], kind__in=list(NOTIFIED)
            )
            .select_related("dossier__office", "dossier__procedure", "dossier__unit", "dossier__commune")
            .order_by("sequence")
        )
        for event in events:
            run.events += 1
            if event.at < now - MAX_AGE:
                run.too_old += 1
                continue
            _notify(event, means, now, run)
        SubmitterNoticeCursor.objects.filter(pk=1).update(last_sequence=sequences[-1], updated_at=now)
    return len(sequences)


def _notify(event: DossierEvent, means: set[str], now: datetime, run: NoticeRun) -> None:
    dossier = event.dossier
    kind = NOTIFIED[event.kind]
    words = wording(kind, dossier, event)
    common = {"dossier": dossier, "event_sequence": event.sequence, "office_id": dossier.office_id, "kind": kind,
              "created_at": now, "next_attempt_at": now}  # fmt: skip
    if Means.EMAIL in means:
        if address := email_of(dossier):
            message = enqueue(
                None, recipient=address, sender=email_sender(), subject=words.subject, body=words.body, at=now
            )
            SubmitterNotice.objects.create(
                **common,
                means=Means.EMAIL,
                recipient=address,
                text=words.body,
                message=message,
                sender_name="outbox",
            )
            run.emails += 1
        else:
            run.no_address += 1
    if Means.TEXT in means:
        if phone := phone_of(dossier):
            SubmitterNotice.objects.create(**common, means=Means.TEXT, recipient=phone, text=words.text)
            run.texts += 1
        else:
            run.no_address += 1


# --- Send the texts ----------------------------------------------------------------------------------


def send_texts(*, now: datetime | None = None, run: NoticeRun | None = None) -> NoticeRun:
    """Deliver the texts due through the configured sender, batch by batch; record each outcome."""
    run = run or NoticeRun()
    try:
        sender = configured_sender()
    except SenderError as exc:
        log.error("submitter notices: %s", exc)
        return run
    while True:
        at = now or timezone.now()
        token, claimed = _claim(at)
        if not claimed:
            return run
        for notice in claimed:
            try:
                result = sender.send(notice.recipient, notice.text)
                ok, reference, error, permanent = result.ok, result.reference, result.error, result.permanent
            except Exception as exc:  # noqa: BLE001 - a vendor's adaptor failing is this attempt's error
                ok, reference, error, permanent = False, "", f"{type(exc).__name__}: {exc}", False
            attempts = notice.attempts + 1
            fields = {
                "attempts": attempts,
                "last_attempt_at": at,
                "sender_name": sender.name[:100],
                "claim": "",
            }
            if ok:
                fields |= {
                    "status": Status.SENT,
                    "sent_at": at,
                    "reference": reference[:200],
                    "last_error": "",
                }
                run.sent += 1
            else:
                give_up = permanent or attempts >= MAX_ATTEMPTS
                fields |= {"status": Status.FAILED if give_up else Status.QUEUED, "last_error": error[:2000],
                           "next_attempt_at": at + backoff(attempts)}  # fmt: skip
                if give_up:
                    run.failed += 1
                else:
                    run.retrying += 1
                log.warning(
                    "submitter notices: text %s to %s, attempt %d: %s",
                    notice.pk,
                    notice.recipient,
                    attempts,
                    error,
                )
            SubmitterNotice.objects.filter(pk=notice.pk, claim=token).update(**fields)


def _claim(at: datetime) -> tuple[str, list[SubmitterNotice]]:
    token = secrets.token_hex(16)
    with transaction.atomic():
        claimed = list(
            SubmitterNotice.objects.select_for_update(skip_locked=True)
            .filter(means=Means.TEXT, status=Status.QUEUED, next_attempt_at__lte=at)
            .order_by("next_attempt_at", "pk")[:TEXT_BATCH]
        )
        if claimed:
            SubmitterNotice.objects.filter(pk__in=[n.pk for n in claimed]).update(
                claim=token, next_attempt_at=at + LEASE
            )
    return token, claimed


def requeue_failed_texts(notices) -> int:
    """Queue again the texts given up (IT, after mending the cause): due now, attempts from zero."""
    return notices.filter(means=Means.TEXT, status=Status.FAILED).update(
        status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), claim=""
    )


def run() -> str:
    """The job ``hoso:submitter-notices``: queue the notices owed since the last run, send the texts due."""
    if not enabled_means():
        return "off (HOSO_SUBMITTER_NOTICES is empty)"
    result = NoticeRun()
    while collect(result):
        pass
    send_texts(run=result)
    if result.events:
        log.info("submitter notices: %s", result)
    return str(result)
