"""The delivery ledger of the national portal: one row per call owed to the portal, and the cursor of
the audit chain up to which events were turned into such rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncCursor(models.Model):
    """The audit-chain sequence up to which events were read into the ledger (one row). Events are
    numbered in commit order under the chain head's lock, so nothing committed is ever behind it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField()  # when the sync was first switched on (earlier events not sent)
    moved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"after #{self.last_sequence}"


class Delivery(models.Model):
    """One call owed to the portal for one event of a dossier, with its attempts and outcome."""

    class Service(models.TextChoices):
        DOSSIER = "DongBoHoSoMC", _("Dossier record")
        PROGRESS = "CapNhatTienDoHoSoMC", _("Progress")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    class ErrorKind(models.TextChoices):
        NONE = "", _("none")
        CONNECTION = "connection", _("the portal cannot be reached")
        TIMEOUT = "timeout", _("the portal did not answer in time")
        AUTH = "auth", _("the portal refused the log-in")
        ANSWER = "answer", _("the portal's answer could not be read")
        REFUSED = "refused", _("the portal refused the record")
        INCOMPLETE = "incomplete", _("the dossier lacks a national code")

    event = models.ForeignKey("workflow.DossierEvent", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        "workflow.Dossier", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    service = models.CharField(_("service"), max_length=24, choices=Service.choices)
    updating = models.BooleanField(_("update of a sent dossier"), default=False)  # isUpdating
    status = models.CharField(_("state"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("queued at"))
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claim = models.CharField(max_length=32, blank=True, default="")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error_kind = models.CharField(max_length=12, choices=ErrorKind.choices, blank=True, default="")
    portal_code = models.CharField(_("portal's error code"), max_length=20, blank=True, default="")
    last_error = models.TextField(_("last error"), blank=True, default="")
    payload = models.JSONField(_("data sent"), default=dict, blank=True)
    resent_at = models.DateTimeField(_("queued again at"), null=True, blank=True)
    resent_by = models.CharField(_("queued again by"), max_length=150, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "service"], name="portal_delivery_once")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="portal_delivery_due_idx"),
            models.Index(fields=["dossier", "service"], name="portal_delivery_dossier_idx"),
            models.Index(fields=["created_at", "id"], name="portal_delivery_created_idx"),
        ]
        verbose_name = _("delivery to the national portal")
        verbose_name_plural = _("deliveries to the national portal")

    def __str__(self) -> str:
        return f"{self.service} #{self.event_id} {self.status}"
