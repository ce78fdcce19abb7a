"""Stored policy versions and the record of every channel decision."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoso.policies.errors import DecisionImmutable, PolicyVersionImmutable
from hoso.policy.facts import Outcome

CHANNEL_CHOICES = [
    ("electronic", _("electronic (digitally signed)")),
    ("barcode", _("barcoded semi-electronic")),
    ("paper", _("paper")),
]
SUBMITTER_CHOICES = [("unit", _("employer unit")), ("commune", _("commune People's Committee"))]
OUTCOME_CHOICES = [("accept", _("accepted")), ("refuse", _("refused"))]


class PolicyVersion(models.Model):
    """One version of one policy file, content and hash as published.

    ``policy``, ``version``, ``precedence`` and the titles are read from the content when it is saved
    (the file is the single source of truth). Once a version has decided anything it is immutable:
    a change is a new version. At most one version of a policy is active; decisions are made under
    the active version of every policy.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    policy = models.CharField(_("policy"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    precedence = models.IntegerField(_("precedence"))
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    content = models.TextField(_("policy file (TOML)"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ("-precedence", "policy", "-version")
        constraints = [
            models.UniqueConstraint(fields=("policy", "version"), name="policies_version_unique"),
            models.UniqueConstraint(
                fields=("policy",), condition=Q(status="active"), name="policies_one_active_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = PolicyVersion.objects.filter(pk=self.pk).values_list("sha256", "content").first()
            if stored is not None and (stored[1] != self.content) and self.has_decisions:
                raise PolicyVersionImmutable(
                    "POLICY_VERSION_IMMUTABLE",
                    f"Phiên bản {self} đã được dùng để quyết định hồ sơ nên không thể sửa: hãy tạo phiên bản mới.",
                    f"Version {self} has decided dossiers and cannot change: publish a new version.",
                    policy=self.policy,
                    version=self.version,
                )
        super().save(*args, **kwargs)

    @property
    def has_decisions(self) -> bool:
        return self.pk is not None and self.decisions.exists()


class Decision(models.Model):
    """One channel decision, as made: the facts, the outcome, and the policy version that made it.

    Evidence: a record is never changed after it is written (``save`` refuses updates, the admin is
    read-only). Codes (office, procedure, submitter) are kept as received, not as foreign keys, so a
    refusal of an unknown code is recorded too.
    """

    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("channel"), max_length=12, choices=CHANNEL_CHOICES)
    procedure_code = models.CharField(_("procedure"), max_length=20)
    submitter_kind = models.CharField(_("submitter kind"), max_length=10, choices=SUBMITTER_CHOICES)
    submitter_code = models.CharField(_("submitter code"), max_length=20, blank=True)
    has_certificate = models.BooleanField(_("registered certificate"))
    office_code = models.CharField(_("receiving office"), max_length=5)
    facts = models.JSONField(_("facts"))
    outcome = models.CharField(_("outcome"), max_length=6, choices=OUTCOME_CHOICES)
    rule = models.CharField(_("deciding rule"), max_length=64)
    # No database constraint: policy versions are never deleted (PROTECT, enforced by Django) and the
    # constraint's trigger cost every reception CPU at commit (hoso.workflow.models.Dossier says more).
    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        on_delete=models.PROTECT,
        related_name="decisions",
        db_constraint=False,
    )
    policy = models.CharField(_("policy"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    policy_set = models.JSONField(_("policy set"), default=list)
    message_vi = models.TextField(_("message (Vietnamese)"))
    message_en = models.TextField(_("message (English)"))
    legal_basis_vi = models.TextField(_("legal basis (Vietnamese)"))
    legal_basis_en = models.TextField(_("legal basis (English)"))
    advice_vi = models.TextField(_("advice (Vietnamese)"), blank=True)
    advice_en = models.TextField(_("advice (English)"), blank=True)
    reference = models.CharField(_("submission reference"), max_length=100, blank=True)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("channel decision")
        verbose_name_plural = _("channel decisions")
        ordering = ("-received_at", "-pk")
        indexes = [
            models.Index(fields=("received_at",), name="policies_dec_received"),
            models.Index(fields=("office_code", "received_at"), name="policies_dec_office"),
            models.Index(fields=("submitter_code", "received_at"), name="policies_dec_submitter"),
        ]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.channel} {self.procedure_code} → {self.outcome}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise DecisionImmutable(
                "POLICY_DECISION_IMMUTABLE",
                "Quyết định đã ghi là chứng cứ, không thể sửa.",
                "A recorded decision is evidence and cannot change.",
            )
        super().save(*args, **kwargs)

    @property
    def accepted(self) -> bool:
        return self.outcome == Outcome.ACCEPT
