"""The outbox of notice e-mails: queued with their notice, sent by the job worker, retried.

A notice's e-mail is an :class:`~hoso.reports.models.OutboxMessage` written in the transaction that
records the notice; no web request talks to the mail server. The periodic job ``hoso:outbox`` (every
minute, :func:`hoso.jobs.tasks.send_outbox`) calls :func:`send_due`, which

- claims up to :data:`BATCH` due messages in a short transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on
  PostgreSQL, so that senders on several servers take different messages; SQLite's one writer
  serialises the claims) by moving their next attempt :data:`LEASE` ahead and writing its own token;
- sends them over one SMTP connection, outside any transaction (a slow mail server never holds a lock
  or SQLite's write lock);
- records each outcome under its token: sent, or the error with the next attempt after an exponential
  back-off (1, 2, 4 … minutes, at most an hour), or, after :data:`MAX_ATTEMPTS` attempts the server
  answered with a refusal, failed for good (IT may queue it again from the notices page).

A mail server that cannot be reached (or refuses the log-in) is the gateway's problem, not the
message's: such attempts are recorded with their error and back-off but never make a message fail, so
messages wait, never lost, until the server is back. Delivery is at least once: a sender that dies
after the server accepted a message and before recording it sends that message again once its lease
has run out.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.jobs import leases
from hoso.reports.models import Notice, OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # refusals by the server: 1+2+4+8+16+32+60 minutes ≈ 2 hours, then failed for good
MAX_BACKOFF_MINUTES = 60
BATCH = 10  # messages claimed at once (one SMTP connection)
SMTP_TIMEOUT = 20  # seconds per network operation, unless EMAIL_TIMEOUT says otherwise
# Longer than a batch can take (10 messages × MAIL, RCPT, DATA each at the timeout = 10 minutes): a claim
# outlives its sender only if the sender died.
LEASE = timedelta(minutes=15)
RUN_SECONDS = 45  # one run of the job stops claiming after this; the next minute's run goes on

Status = OutboxMessage.Status
Kind = OutboxMessage.ErrorKind
SERVER_SIDE = {Kind.CONNECTION, Kind.AUTH}  # never a reason to give a message up


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return leases.backoff(attempts, MAX_BACKOFF_MINUTES)


def enqueue(
    notice: Notice | None,
    *,
    recipient: str,
    sender: str,
    subject: str,
    body: str,
    attachment_sha256: str = "",
    attachment_name: str = "",
    at: datetime | None = None,
) -> OutboxMessage:
    """Queue a notice's e-mail (call inside the transaction that records the notice), or with no notice
    an e-mail to an officer (a password-reset link)."""
    now = at or timezone.now()
    return OutboxMessage.objects.create(
        notice=notice,
        recipient=recipient,
        sender=sender,
        subject=subject,
        body=body,
        attachment_sha256=attachment_sha256,
        attachment_name=attachment_name,
        created_at=now,
        next_attempt_at=now,  # due at once
    )


def write_to_folder(message: OutboxMessage, connection, at: datetime) -> None:
    """Deliver a message at once through a local backend (the file backend of the demo and of ``hoso
    report notify --outbox DIR``: no network) and record it sent."""
    _email(message, connection).send()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENT, sent_at=at, attempts=message.attempts + 1, last_attempt_at=at
    )


@dataclass
class OutboxRun:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unreachable: str = ""  # the error, when the mail server could not be reached

    def __str__(self) -> str:
        text = f"sent {self.sent}, to retry {self.retrying}, given up {self.failed}"
        return text + (f"; mail server unreachable: {self.unreachable}" if self.unreachable else "")


def send_due(*, now: datetime | None = None, batch: int = BATCH) -> OutboxRun:
    """Send the messages due (at ``now``, default the clock), batch by batch, until none is due, the
    mail server cannot be reached, or :data:`RUN_SECONDS` have passed."""
    run = OutboxRun()
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        at = now or timezone.now()
        token, claimed = _claim(at, batch)
        if not claimed:
            break
        if not _send_batch(claimed, token, at, run):
            break
    if run.sent or run.retrying or run.failed:
        log.info("outbox: %s", run)
    return run


def _claim(at: datetime, size: int) -> tuple[str, list[OutboxMessage]]:
    due = OutboxMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=at)
    return leases.claim(due, at, size, LEASE)


def _send_batch(claimed: list[OutboxMessage], token: str, at: datetime, run: OutboxRun) -> bool:
    """Send the claimed messages; False when the mail server could not be reached (stop for now)."""
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT)
    try:
        connection.open()
    except smtplib.SMTPAuthenticationError as exc:
        _server_down(claimed, token, at, Kind.AUTH, _text(exc), run)
        return False
    except Exception as exc:  # noqa: BLE001 - refused, timed out, no such host, TLS failed, misconfigured
        _server_down(claimed, token, at, Kind.CONNECTION, _text(exc), run)
        return False
    try:
        for index, message in enumerate(claimed):
            try:
                email = _email(message, connection)
            except Exception as exc:  # noqa: BLE001 - the letter's store failing is this message's error
                _failed(message, token, at, Kind.LETTER, _text(exc), run)
                continue
            try:
                email.send()
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
                _server_down(claimed[index:], token, at, Kind.CONNECTION, _text(exc), run)
                return False
            except smtplib.SMTPException as exc:  # the server answered: refused sender, recipient or data
                _failed(message, token, at, Kind.REFUSED, _text(exc), run)
            except OSError as exc:  # the connection broke (reset, timeout)
                _server_down(claimed[index:], token, at, Kind.CONNECTION, _text(exc), run)
                return False
            except Exception as exc:  # noqa: BLE001 - this message's own fault (an address Django refuses)
                _failed(message, token, at, Kind.OTHER, _text(exc), run)
            else:
                _sent(message, token, at, run)
    finally:
        try:
            connection.close()
        except OSError:  # closing a broken connection
            log.debug("outbox: closing the SMTP connection failed", exc_info=True)
    return True


def _email(message: OutboxMessage, connection) -> EmailMessage:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=message.sender,
        to=[message.recipient],
        connection=connection,
    )
    if message.attachment_sha256:
        from hoso.intake.blobstore import blob_store

        email.attach(
            message.attachment_name or "thong-bao.pdf",
            blob_store().get(message.attachment_sha256),
            "application/pdf",
        )
    return email


def _text(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(
            f"{who}: {code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"
            for who, (code, reply) in exc.recipients.items()
        )
        return f"{type(exc).__name__}: {detail}"[:2000]
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        )
        return f"{type(exc).__name__}: {exc.smtp_code} {reply}"[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def _record(message: OutboxMessage, token: str, **fields) -> bool:
    """Write an outcome if this sender still holds the message (its lease may have run out)."""
    done = leases.record(message, token, Status.QUEUED, **fields)
    if not done:
        log.warning("outbox: message %s was claimed again before its outcome was recorded", message.pk)
    return bool(done)


def _sent(message: OutboxMessage, token: str, at: datetime, run: OutboxRun) -> None:
    _record(message, token, status=Status.SENT, sent_at=at, attempts=message.attempts + 1, last_attempt_at=at)
    run.sent += 1


def _failed(message: OutboxMessage, token: str, at: datetime, kind: str, error: str, run: OutboxRun) -> None:
    attempts = message.attempts + 1
    give_up = kind not in SERVER_SIDE and attempts >= MAX_ATTEMPTS
    _record(
        message,
        token,
        status=Status.FAILED if give_up else Status.QUEUED,
        attempts=attempts,
        last_attempt_at=at,
        last_error=error,
        error_kind=kind,
        next_attempt_at=at + backoff(attempts),
    )
    log.warning("outbox: message %s to %s, attempt %d: %s", message.pk, message.recipient, attempts, error)
    if give_up:
        run.failed += 1
    else:
        run.retrying += 1


def _server_down(messages, token: str, at: datetime, kind: str, error: str, run: OutboxRun) -> None:
    for message in messages:
        _failed(message, token, at, kind, error, run)
    run.unreachable = error


def requeue_failed(messages) -> int:
    """Queue again the messages given up (IT, after mending the cause): due now, attempts from zero."""
    return messages.filter(status=Status.FAILED).update(
        status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), claim=""
    )


# --- What people read --------------------------------------------------------------------------------


def explain(message: OutboxMessage) -> str:
    """The state of one message in words (Vietnamese through the catalogue, English otherwise)."""
    if message.status == Status.SENT:
        return _("Sent")
    if message.status == Status.FAILED:
        return _("Not sent after %(attempts)d attempts: %(reason)s") % {
            "attempts": message.attempts,
            "reason": reason(message.error_kind),
        }
    if not message.attempts:
        return _("Waiting to be sent")
    return _("Not sent yet: %(reason)s") % {"reason": reason(message.error_kind)}


def reason(kind: str) -> str:
    host = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return {
        Kind.CONNECTION: _("the mail server (%(host)s) cannot be reached") % {"host": host},
        Kind.AUTH: _("the mail server (%(host)s) refused the log-in (EMAIL_HOST_USER, EMAIL_HOST_PASSWORD)")
        % {"host": host},
        Kind.REFUSED: _("the mail server refused the message (the address, or the sender)"),
        Kind.LETTER: _("the attached letter could not be read from the evidence store"),
    }.get(kind, _("an error while sending"))


@dataclass
class OutboxState:
    queued: int
    sent: int
    failed: int
    unreachable: int  # queued messages whose last attempt found the mail server down
    unreachable_since: datetime | None  # the last such attempt
    unreachable_kind: str  # connection, or auth (the server refused the log-in)
    last_error: str
    next_attempt_at: datetime | None
    last_sent_at: datetime | None

    @property
    def server_down(self) -> bool:
        """Messages wait because the mail server could not be reached (or refused the log-in) at the
        latest attempt: none was delivered since."""
        return bool(self.unreachable) and (
            self.last_sent_at is None
            or (self.unreachable_since is not None and self.unreachable_since >= self.last_sent_at)
        )


def state(messages=None) -> OutboxState:
    """Counts of the outbox (or of the messages given) and whether the mail server is the reason."""
    messages = OutboxMessage.objects.all() if messages is None else messages
    counts = dict(messages.values_list("status").annotate(n=Count("pk")).order_by())
    waiting = messages.filter(status=Status.QUEUED, error_kind__in=list(SERVER_SIDE))
    last = waiting.order_by("-last_attempt_at").first()
    soonest = messages.filter(status=Status.QUEUED).order_by("next_attempt_at").first()
    return OutboxState(
        queued=counts.get(Status.QUEUED, 0),
        sent=counts.get(Status.SENT, 0),
        failed=counts.get(Status.FAILED, 0),
        unreachable=waiting.count(),
        unreachable_since=last.last_attempt_at if last else None,
        unreachable_kind=last.error_kind if last else "",
        last_error=last.last_error if last else "",
        next_attempt_at=soonest.next_attempt_at if soonest else None,
        last_sent_at=messages.filter(status=Status.SENT).aggregate(at=Max("sent_at"))["at"],
    )
