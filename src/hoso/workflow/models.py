"""Dossiers, their numbering and their audit trail (a hash chain over every event)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.workflow.states import Status


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic (digital signature, via I-VAN)")
    BARCODE = "barcode", _("Semi-electronic (barcode)")
    PAPER = "paper", _("Paper")


class DossierCounter(models.Model):
    """The last dossier sequence given by an office in a year; rows are locked while numbering."""

    office = models.ForeignKey("reference.Office", on_delete=models.PROTECT)
    year = models.PositiveIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="dossier_counter_unique")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last_sequence}"


class Dossier(models.Model):
    # Every reception inserts a dossier: only the indexes the pages and reports use are kept. A
    # foreign key whose column leads a composite index below gets no index of its own (db_index=False),
    # and no text-pattern (LIKE) index is made, since nothing searches by pattern (issue 5, item 12).
    # Links to reference data (offices, procedures, departments, units, communes, I-VANs, officers)
    # carry no database constraint (db_constraint=False): those rows are never deleted (PROTECT is
    # enforced by Django, and `hoso check` finds any row that lost its reference), and the constraint
    # triggers PostgreSQL fires at every reception's commit were a tenth of its CPU a dossier
    # (docs/architecture.md, "Reference links without constraints"; issue 18, item 10).
    number = models.CharField(_("dossier number"), max_length=20)
    # The national dossier code (mã hồ sơ of the national public-service portal), given at reception
    # beside the number (hoso.reference.national); empty when the office has no agency identifier code.
    # Not indexed: nothing looks dossiers up by it, and every reception would pay for the index.
    national_code = models.CharField(_("national dossier code"), max_length=60, blank=True, default="")
    office = models.ForeignKey(
        "reference.Office",
        verbose_name=_("receiving office"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    procedure = models.ForeignKey(
        "reference.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, db_constraint=False
    )
    department = models.ForeignKey(
        "reference.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    unit = models.ForeignKey(
        "reference.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
        db_constraint=False,
    )
    commune = models.ForeignKey(
        "reference.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
        db_constraint=False,
    )
    ivan = models.ForeignKey(
        "reference.IvanProvider",
        verbose_name=_("I-VAN"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
        db_constraint=False,
    )
    period = models.CharField(_("declared period"), max_length=7, blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.RECEIVED)
    status_changed_at = models.DateTimeField(_("status changed at"))
    clock_stopped_at = models.DateTimeField(_("deadline clock stopped at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "sequence"], name="dossier_sequence_unique"),
            models.UniqueConstraint(fields=["number"], name="dossier_number_unique"),
        ]
        indexes = [
            models.Index(fields=["office", "status", "due_date", "id"], name="dossier_queue_idx"),
            models.Index(fields=["status", "due_date", "id"], name="dossier_due_idx"),
            models.Index(fields=["unit", "received_at"], name="dossier_unit_idx"),
            models.Index(fields=["ivan", "received_at"], name="dossier_ivan_idx"),
            models.Index(fields=["department"], name="dossier_department_idx"),
            # The back-office queues: an office's (or all offices') open dossiers by due date, with
            # keyset paging on (due_date, id); by department, procedure and channel as filters.
            models.Index(
                fields=["office", "department", "status", "due_date", "id"], name="dossier_dept_queue_idx"
            ),
            models.Index(fields=["office", "due_date", "id"], name="dossier_office_due_idx"),
            models.Index(fields=["due_date", "id"], name="dossier_due_id_idx"),
            models.Index(
                fields=["office", "procedure", "status", "due_date", "id"], name="dossier_procedure_idx"
            ),
            models.Index(
                fields=["office", "channel", "status", "due_date", "id"], name="dossier_channel_idx"
            ),
            models.Index(fields=["commune", "received_at"], name="dossier_commune_idx"),
            models.Index(fields=["assignee", "status"], name="dossier_assignee_idx"),
        ]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self) -> str:
        return self.number


class AuditHead(models.Model):
    """The head of the audit chain: a single row, locked by every writer of an event."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash[:12]}"


class DossierEvent(models.Model):
    """One thing that happened to a dossier. Events form one hash chain: each stores the SHA-256 of
    its own content and of the previous event, so a change, removal or insertion is detectable."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Dossier received")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
        SUPPLEMENT_RECEIVED = "supplement_received", _("Supplement received")
        RESULT = "result", _("Result recorded")
        NOTE = "note", _("Note")

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(  # an officer: reference data, no database constraint (see Dossier)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_constraint=False
    )
    actor_label = models.CharField(_("by"), max_length=150)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.dossier_id} {self.kind}"


class Result(models.Model):
    """The result of a dossier: its documents (kept in the blob store), for the under-6 list the card of
    each child, and the result record signed by the gateway (``KetQuaHoSo``) that reaches the I-VAN feed."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="result")
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    documents = models.JSONField(_("documents"), default=list, blank=True)  # [{name, sha256, size, type}]
    cards = models.JSONField(_("health cards"), default=list, blank=True)  # [{name, born, code, valid_to}]
    signed_xml = models.BinaryField(_("signed result record"))
    signed_sha256 = models.CharField(max_length=64)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handed_over_to = models.CharField(_("handed over to"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.dossier_id} result"


class Apology(models.Model):
    """Mẫu 04 of Circular 01/2018/TT-VPCP: the apology and new appointment for a dossier that will be
    late. Drafted automatically (:mod:`hoso.workflow.apologies`) with a proposed date; the office head
    approves it with the date and the reason, which moves the due date and records both in the audit
    chain."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="apologies")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_at = models.DateTimeField(_("drafted at"))
    old_due_date = models.DateField(_("due date before"))
    proposed_due_date = models.DateField(_("proposed new due date"))
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["old_due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "old_due_date"], name="apology_once_per_due_date"),
        ]
        verbose_name = _("apology and new appointment")
        verbose_name_plural = _("apologies and new appointments")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.old_due_date} → {self.new_due_date or self.proposed_due_date}"
