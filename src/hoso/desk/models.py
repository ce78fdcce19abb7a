"""What the desk keeps between requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingScan(models.Model):
    """The symbols an officer's scanner has read of dossiers not yet complete — one per officer (their
    desk). Kept until every symbol of a dossier is there (it then goes through the pipeline once) or the
    officer discards them; a page reload or a pause between pages loses nothing. Every reading is also
    kept as evidence (``intake.DeskReading``); this is only the desk's working state."""

    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="pending_scan",
    )
    #: HOSO1 symbol texts, each once, in the order they were scanned
    symbols = models.JSONField(_("symbols"), default=list)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scan in progress")
        verbose_name_plural = _("scans in progress")

    def __str__(self) -> str:
        return f"{self.officer} ({len(self.symbols)})"


class Forwarding(models.Model):
    """A dossier received at one office's desk for a submitter another office manages, after the
    officer confirmed it: recorded as received here, routed to (numbered and handled by) the managing
    office. The receiving office may open what it received (read only)."""

    submission = models.OneToOneField(
        "intake.Submission", verbose_name=_("submission"), on_delete=models.CASCADE, related_name="forwarding"
    )
    dossier = models.ForeignKey(
        "workflow.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="forwardings",
    )
    received_office = models.ForeignKey(
        "reference.Office", verbose_name=_("received at"), on_delete=models.PROTECT, related_name="+"
    )
    managing_office = models.ForeignKey(
        "reference.Office", verbose_name=_("routed to"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT)
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier received for another office")
        verbose_name_plural = _("dossiers received for another office")

    def __str__(self) -> str:
        return f"{self.received_office_id} → {self.managing_office_id}: {self.submission_id}"
