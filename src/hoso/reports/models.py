"""Notices sent to units still on barcodes (and the outbox of their e-mails), and problem reports (vướng
mắc) to the IT department."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One notice to a unit (or a commune) still filing barcoded dossiers: who, when, how."""

    class Method(models.TextChoices):
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Printed letter")

    unit = models.ForeignKey(
        "reference.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="notices"
    )
    office = models.ForeignKey("reference.Office", verbose_name=_("office"), on_delete=models.PROTECT)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True, on_delete=models.PROTECT
    )
    sent_by_label = models.CharField(_("sent by"), max_length=150, blank=True)
    recipient = models.CharField(_("recipient"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    document_sha256 = models.CharField(_("letter (SHA-256 in the evidence store)"), max_length=64, blank=True)
    last_barcode_at = models.DateTimeField(_("last barcoded dossier"), null=True, blank=True)
    ivan = models.ForeignKey(
        "reference.IvanProvider", verbose_name=_("I-VAN"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The rest of what the letter says, so that a letter not kept (an e-mail-only notice) can be printed
    # again from the notice alone; empty on notices recorded before these were kept.
    refused = models.PositiveIntegerField(_("barcoded dossiers refused"), null=True, blank=True)
    registered_from = models.DateField(_("registered with the I-VAN from"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["unit", "sent_at"], name="notice_unit_idx")]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.method} {self.sent_at:%Y-%m-%d}"


class OutboxMessage(models.Model):
    """A notice's e-mail (or an officer's, without notice), queued in the same transaction as what it says
    and sent by the job worker
    (``hoso:outbox``, :mod:`hoso.reports.outbox`) with attempts, back-off and the last error kept."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent (gave up)")

    class ErrorKind(models.TextChoices):
        CONNECTION = "connection", _("The mail server cannot be reached")
        AUTH = "auth", _("The mail server refused the log-in")
        REFUSED = "refused", _("The mail server refused the message")
        LETTER = "letter", _("The attached letter could not be read")
        OTHER = "other", _("Other error")

    # None: an e-mail of an officer's account (a password-reset link, hoso.accounts.passwords).
    notice = models.ForeignKey(
        Notice,
        verbose_name=_("notice"),
        on_delete=models.PROTECT,
        related_name="messages",
        null=True,
        blank=True,
    )
    recipient = models.CharField(_("recipient"), max_length=300)
    sender = models.CharField(_("sender"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    attachment_sha256 = models.CharField(_("attached letter (SHA-256)"), max_length=64, blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("queued at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    error_kind = models.CharField(_("kind of error"), max_length=12, choices=ErrorKind.choices, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)  # the sender that holds it (hoso.reports.outbox)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return f"{self.recipient} {self.status} ({self.attempts})"


class Problem(models.Model):
    """A problem report (vướng mắc) to the IT department."""

    class Category(models.TextChoices):
        SIGNATURE = "signature", _("Digital signature or certificate")
        REGISTRATION = "registration", _("Registration with an I-VAN")
        BARCODE = "barcode", _("Barcode reading")
        POLICY = "policy", _("Channel rule (dispatch 2671)")
        FORMS = "forms", _("Forms and their content")
        IVAN = "ivan", _("I-VAN connection")
        SYSTEM = "system", _("System fault")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        DESK = "desk", _("Desk officer")
        DEPARTMENT = "department", _("Department officer")
        IVAN = "ivan", _("I-VAN")
        OTHER = "other", _("Other")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    source = models.CharField(_("reported by (kind)"), max_length=12, choices=Source.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporter_label = models.CharField(_("reported by"), max_length=150)
    ivan = models.ForeignKey(
        "reference.IvanProvider", verbose_name=_("I-VAN"), null=True, blank=True, on_delete=models.PROTECT
    )
    office = models.ForeignKey(
        "reference.Office", verbose_name=_("office"), null=True, blank=True, on_delete=models.PROTECT
    )
    dossier = models.ForeignKey(
        "workflow.Dossier", verbose_name=_("dossier"), null=True, blank=True, on_delete=models.PROTECT
    )
    submission = models.ForeignKey(
        "intake.Submission", verbose_name=_("submission"), null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reported at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="problem_queue_idx")]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class ProblemEvent(models.Model):
    """The history of a problem report: its creation, replies, assignments and status changes."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Reported")
        REPLY = "reply", _("Reply")
        ASSIGNED = "assigned", _("Assigned")
        STATUS = "status", _("Status changed")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150)
    text = models.TextField(_("text"), blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("problem report event")
        verbose_name_plural = _("problem report events")

    def __str__(self) -> str:
        return f"#{self.problem_id} {self.kind}"


# --- Roll-ups: the report queries read these, rebuilt from the submissions and dossiers by
# hoso.reports.rollups.refresh() (a cron job `hoso report refresh`, or on demand when stale). ---------


class UnitMonth(models.Model):
    """What one unit (or commune) filed in one Hanoi month, by channel and outcome."""

    office_id = models.CharField(max_length=5)
    submitter = models.CharField(max_length=7)  # unit code, or a commune's GSO code
    is_commune = models.BooleanField(default=False)
    month = models.DateField()  # the first day of the month
    barcode_accepted = models.IntegerField(default=0)
    barcode_refused = models.IntegerField(default=0)
    electronic_accepted = models.IntegerField(default=0)
    electronic_refused = models.IntegerField(default=0)
    first_electronic_at = models.DateTimeField(null=True)  # the month's first accepted electronic dossier
    last_barcode_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["month", "office_id"], name="rollup_unitmonth_month_idx"),
            models.Index(fields=["submitter", "month"], name="rollup_unitmonth_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.submitter} {self.month:%Y-%m}"


class DossierDay(models.Model):
    """Dossiers received on one Hanoi day by office, channel and procedure, and how many of them are
    finished, on time, as of the last refresh."""

    office_id = models.CharField(max_length=5)
    day = models.DateField()
    channel = models.CharField(max_length=12)
    procedure_code = models.CharField(max_length=20)
    received = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "office_id"], name="rollup_dossierday_idx")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.channel} {self.procedure_code}"


class IvanSubmission(models.Model):
    """An electronic submission an I-VAN forwarded, with its delay since the claimed signing time."""

    submission_id = models.BigIntegerField(primary_key=True)
    ivan_id = models.CharField(max_length=5)
    office_id = models.CharField(max_length=5, blank=True)
    received_at = models.DateTimeField()
    delay_seconds = models.FloatField(null=True)
    accepted = models.BooleanField()
    reason = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["received_at", "ivan_id"], name="rollup_ivan_idx"),
            models.Index(fields=["delay_seconds"], name="rollup_ivan_delay_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ivan_id} {self.submission_id}"


class RollupState(models.Model):
    """When the roll-ups were rebuilt, and the high-water marks of their sources then."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField()
    last_submission_id = models.BigIntegerField(default=0)
    last_event_sequence = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"


class UnitSwitch(models.Model):
    """Each unit's move: its first accepted electronic dossier, its last barcoded one, and the
    registration it had then (Hanoi days as text, ready to list)."""

    submitter = models.CharField(max_length=7, primary_key=True)
    office_id = models.CharField(max_length=5)
    first_electronic_at = models.DateTimeField(null=True)
    first_electronic_day = models.CharField(max_length=10, blank=True)
    last_barcode_day = models.CharField(max_length=10, blank=True)
    registration = models.CharField(max_length=20, blank=True)  # "<day> <I-VAN>"

    class Meta:
        indexes = [models.Index(fields=["first_electronic_at", "office_id"], name="rollup_unitswitch_idx")]

    def __str__(self) -> str:
        return f"{self.submitter} {self.first_electronic_day}"


class SubmitterNotice(models.Model):
    """One message to a dossier's submitter — the receipt, a supplement request, the result ready — by
    e-mail (delivered by the outbox, :attr:`message`) or by text (SMS/Zalo, delivered by the configured
    sender, :mod:`hoso.reports.senders`, with its attempts kept here): the delivery ledger of
    :mod:`hoso.reports.submitter_notices`. Written from the audit chain's event, at most once per event
    and means."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Dossier received")
        SUPPLEMENT = "supplement", _("Supplement requested")
        RESULT = "result", _("Result ready")

    class Means(models.TextChoices):
        EMAIL = "email", _("E-mail")
        TEXT = "text", _("Text message")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent (gave up)")

    dossier = models.ForeignKey(
        "workflow.Dossier", on_delete=models.PROTECT, related_name="submitter_notices"
    )
    event_sequence = models.PositiveBigIntegerField(_("event"))
    office_id = models.CharField(max_length=5)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    means = models.CharField(_("means"), max_length=8, choices=Means.choices)
    recipient = models.CharField(_("recipient"), max_length=300)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("queued at"))
    message = models.OneToOneField(  # the e-mail's outbox message (its delivery is the outbox's)
        OutboxMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="submitter_notice"
    )
    sender_name = models.CharField(_("sent through"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reference = models.CharField(_("sender's reference"), max_length=200, blank=True)
    claim = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event_sequence", "means"], name="submitter_notice_once"),
        ]
        indexes = [
            models.Index(fields=["means", "status", "next_attempt_at"], name="submitter_notice_due_idx"),
            models.Index(fields=["office_id", "created_at"], name="submitter_notice_office_idx"),
        ]
        verbose_name = _("notice to a submitter")
        verbose_name_plural = _("notices to submitters")

    def __str__(self) -> str:
        return f"{self.kind} {self.means} {self.recipient} {self.status}"


class SubmitterNoticeCursor(models.Model):
    """How far :func:`hoso.reports.submitter_notices.collect` has read the audit chain (one row)."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"after event {self.last_sequence}"


class Rating(models.Model):
    """A submitter's satisfaction with one dossier (1 to 5, an optional comment), left once through the
    public lookup (``/tra-cuu/``): the satisfaction group of the scorecard (:mod:`hoso.reports.scorecard`)."""

    dossier = models.OneToOneField("workflow.Dossier", on_delete=models.PROTECT, related_name="rating")
    office_id = models.CharField(max_length=5)
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("rated at"))

    class Meta:
        indexes = [models.Index(fields=["office_id", "at"], name="rating_office_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5")
        ]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"
