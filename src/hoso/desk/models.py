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
