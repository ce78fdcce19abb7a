"""API keys of the I-VAN providers and their rate-limit buckets."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "hoso"


def hash_key(key: str) -> str:
    """Keys are 256 random bits, so one SHA-256 is enough to store them safely (no password stretching
    is needed for a secret that cannot be guessed); the hash is what the database holds."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class IvanKey(models.Model):
    """One API key of an I-VAN. The key itself is shown once, at creation; only its hash is kept."""

    ivan = models.ForeignKey(
        "reference.IvanProvider", verbose_name=_("I-VAN"), on_delete=models.PROTECT, related_name="api_keys"
    )
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True)
    prefix = models.CharField(
        _("key prefix"), max_length=24, help_text=_("The first characters, to tell keys apart.")
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["ivan_id", "-created_at"]
        verbose_name = _("I-VAN API key")
        verbose_name_plural = _("I-VAN API keys")

    def __str__(self) -> str:
        return f"{self.ivan_id} {self.prefix}…"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, ivan, *, label: str = "") -> tuple[IvanKey, str]:
        """A new key for ``ivan``: the stored row and the clear key (to be shown once)."""
        key = f"{KEY_PREFIX}_{ivan.code}_{secrets.token_urlsafe(32)}"
        row = cls.objects.create(ivan=ivan, key_hash=hash_key(key), prefix=key[:16], label=label)
        return row, key


class RateBucket(models.Model):
    """A token bucket of one I-VAN, shared by every server process (the `database` rate-limit backend)."""

    ivan = models.OneToOneField("reference.IvanProvider", primary_key=True, on_delete=models.CASCADE)
    tokens = models.FloatField()
    updated = models.FloatField(help_text="UNIX time of the last refill")

    class Meta:
        verbose_name = _("rate-limit bucket")
        verbose_name_plural = _("rate-limit buckets")

    def __str__(self) -> str:
        return f"{self.ivan_id}: {self.tokens:.1f}"


class WindowCount(models.Model):
    """Requests one client made in one window of a fixed-window limit (the public lookup's), shared by
    every server process and machine (the `database` rate-limit backend, ``hoso.desk.throttle``)."""

    key = models.CharField(max_length=200, unique=True)  # scope:client:window
    count = models.PositiveIntegerField()
    expires = models.FloatField(db_index=True, help_text="UNIX time the window ends")

    class Meta:
        verbose_name = _("request count of a window")
        verbose_name_plural = _("request counts of windows")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
