"""Everything received, accepted or refused, with the receipt that answered it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.workflow.models import Channel


class Submission(models.Model):
    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        # Held: the only problem is a certificate's unknown revocation status (hoso.intake.pending).
        PENDING = "pending", _("Pending a revocation check")

    public_id = models.UUIDField(_("submission id"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    # Every reception inserts a submission: a foreign key whose column leads a composite index below
    # gets no index of its own, and no text-pattern (LIKE) index is made (issue 5, item 12).
    # Its links to reference data carry no database constraint, as the dossier's do (PostgreSQL CPU a
    # reception: hoso.workflow.models.Dossier); its link to the dossier does.
    sha256 = models.CharField(_("SHA-256 of the bytes received"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(max_length=100, blank=True)
    ivan = models.ForeignKey(
        "reference.IvanProvider",
        verbose_name=_("I-VAN"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receiving officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
    )
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 — NULL: no key (unique)
    # Set for final outcomes only, so that a repeat gets the first receipt while a submission refused
    # for a passing reason (revocation status unknown) can be sent again.
    repeat_key = models.CharField(max_length=300, null=True, blank=True)  # noqa: DJ001 — unique (Meta)
    # What was signed (hoso.intake.pipeline.content_key: the unit, procedure, period and each form's
    # signed-content digest), set on accepted electronic dossiers: the same signed content under other
    # envelope bytes is a repeat of the first dossier, never a second one.
    content_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 — unique (Meta)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    transient = models.BooleanField(_("refused for a passing reason"), default=False)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    unit = models.ForeignKey(
        "reference.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,
        db_constraint=False,
    )
    commune = models.ForeignKey(
        "reference.Commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,
        db_constraint=False,
    )
    office = models.ForeignKey(
        "reference.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    procedure = models.ForeignKey(
        "reference.Procedure", null=True, blank=True, on_delete=models.PROTECT, db_constraint=False
    )
    procedure_code = models.CharField(_("declared procedure code"), max_length=20, blank=True)
    period = models.CharField(_("declared period"), max_length=7, blank=True)
    signature = models.JSONField(_("signature report"), default=dict, blank=True)
    policy = models.JSONField(_("policy decision"), default=dict, blank=True)
    facts = models.JSONField(_("decoded content"), default=dict, blank=True)
    dossier = models.OneToOneField(
        "workflow.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="submission"
    )
    receipt_xml = models.BinaryField(_("signed receipt"))
    receipt_sha256 = models.CharField(max_length=64)
    purged_at = models.DateTimeField(_("evidence purged at (retention)"), null=True, blank=True)
    # A submission held pending (hoso.intake.pending): the signed pending acknowledgement it was first
    # answered with (kept as evidence once the final receipt replaces it), how many times its revocation
    # status was checked again, when next, and when it was decided.
    acknowledgement_xml = models.BinaryField(_("signed pending acknowledgement"), default=b"", blank=True)
    revocation_checks = models.PositiveIntegerField(_("revocation checks"), default=0)
    next_check_at = models.DateTimeField(_("next revocation check"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ivan", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="submission_idempotency_unique",
            ),
            models.UniqueConstraint(fields=["repeat_key"], name="submission_repeat_key_unique"),
            models.UniqueConstraint(fields=["content_key"], name="submission_content_key_unique"),
        ]
        indexes = [
            models.Index(fields=["sha256"], name="submission_sha256_idx"),
            models.Index(fields=["commune", "received_at"], name="submission_commune_idx"),
            models.Index(fields=["ivan", "received_at"], name="submission_ivan_idx"),
            models.Index(fields=["unit", "received_at"], name="submission_unit_idx"),
            models.Index(fields=["office", "channel", "received_at"], name="submission_office_idx"),
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="submission_pending_idx",
            ),
        ]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.public_id} {self.outcome}"


class DecisionEvent(models.Model):
    """A held submission refused in the end (hoso.intake.pending): no dossier, so no dossier event, yet the
    I-VAN's feed must say it. Its place in the feed is after the audit-chain event ``after_sequence`` (read
    with the chain head locked, so it follows commit order), then by id: feed cursor ``<after_sequence>.<id>``."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="decision_events")
    ivan = models.ForeignKey("reference.IvanProvider", on_delete=models.PROTECT, db_index=False)
    after_sequence = models.PositiveBigIntegerField(_("after audit event"))
    kind = models.CharField(_("kind"), max_length=24)
    at = models.DateTimeField(_("at"))
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["after_sequence", "id"]
        indexes = [models.Index(fields=["ivan", "after_sequence", "id"], name="decision_event_feed_idx")]
        verbose_name = _("decision on a held submission")
        verbose_name_plural = _("decisions on held submissions")

    def __str__(self) -> str:
        return f"{self.after_sequence}.{self.pk} {self.kind}"


class HeldSupplement(models.Model):
    """A supplement held while a signer's revocation status is unknown (hoso.intake.supplement): its bytes
    kept, its reception time fixed, answered 202 with a signed pending acknowledgement; recorded on its
    dossier at that reception time, or refused, once the status is known (hoso.intake.pending)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending a revocation check")
        RECEIVED = "received", _("Received")
        REFUSED = "refused", _("Refused")

    public_id = models.UUIDField(_("supplement id"), default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey("workflow.Dossier", on_delete=models.PROTECT, related_name="held_supplements")
    ivan = models.ForeignKey("reference.IvanProvider", on_delete=models.PROTECT, db_index=False)
    received_at = models.DateTimeField(_("received at"))
    sha256 = models.CharField(_("SHA-256 of the bytes received"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    acknowledgement_xml = models.BinaryField(_("signed pending acknowledgement"))
    revocation_checks = models.PositiveIntegerField(_("revocation checks"), default=0)
    next_check_at = models.DateTimeField(_("next revocation check"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="held_supplement_pending_idx",
            )
        ]
        verbose_name = _("held supplement")
        verbose_name_plural = _("held supplements")

    def __str__(self) -> str:
        return f"{self.public_id} {self.outcome}"


class DeskReading(models.Model):
    """One reading at the desk: the scans (or scanner text) an officer gave, kept as evidence, what the
    reader made of them, and the submissions they carried. Scans that yielded nothing are recorded too,
    so that every stored byte belongs to a record (and retention can find it)."""

    class Source(models.TextChoices):
        SCANS = "scans", _("Scans or PDF files")
        SCANNER_TEXT = "scanner_text", _("Scanner text")

    received_at = models.DateTimeField(_("received at"), db_index=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("receiving officer"), null=True, on_delete=models.PROTECT
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    #: [{"sha256", "name", "size"}] of every file or text, in the order given
    evidence = models.JSONField(_("evidence"), default=list)
    complete = models.BooleanField(_("every dossier complete"), default=False)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    submissions = models.ManyToManyField(Submission, related_name="desk_readings", blank=True)
    purged_at = models.DateTimeField(_("evidence purged at (retention)"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("desk reading")
        verbose_name_plural = _("desk readings")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.source} ({len(self.evidence)})"


class FetchedCrl(models.Model):
    """A CRL the revocation job (``hoso:revocation``) downloaded and verified: signed by the CA certificate
    ``ca_sha256`` names and newer than the one it replaced. Every server's trust store includes these rows
    (:func:`hoso.intake.gateway.trust_store`), so one fetch serves the whole cluster. One row per (CA,
    address): a newer CRL replaces the row (a new id, which is how the servers notice it)."""

    ca_sha256 = models.CharField(_("SHA-256 of the issuing CA's certificate"), max_length=64)
    ca_name = models.CharField(_("CA"), max_length=400)
    url = models.CharField(_("fetched from"), max_length=1000)
    der = models.BinaryField(_("CRL (DER)"))
    sha256 = models.CharField(_("SHA-256 of the CRL"), max_length=64)
    crl_number = models.CharField(_("CRL number"), max_length=50, blank=True)
    this_update = models.DateTimeField(_("thisUpdate"))
    next_update = models.DateTimeField(_("nextUpdate"))
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ca_sha256", "url"], name="fetched_crl_one_per_source")
        ]
        verbose_name = _("fetched CRL")
        verbose_name_plural = _("fetched CRLs")

    def __str__(self) -> str:
        return f"{self.ca_name} {self.this_update:%Y-%m-%d %H:%M} ({self.url})"


class CrlSource(models.Model):
    """One address the revocation job fetches a CA's CRL from, and how its attempts went: readiness warns
    when one keeps failing (``revocation_fetch``)."""

    ca_sha256 = models.CharField(_("SHA-256 of the issuing CA's certificate"), max_length=64)
    ca_name = models.CharField(_("CA"), max_length=400)
    url = models.CharField(_("address"), max_length=1000)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    failures_in_a_row = models.PositiveIntegerField(_("failures in a row"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ca_sha256", "url"], name="crl_source_one_per_url")]
        verbose_name = _("CRL address")
        verbose_name_plural = _("CRL addresses")

    def __str__(self) -> str:
        return f"{self.ca_name} ← {self.url}"


class ClusterIdentity(models.Model):
    """What every server of one gateway must share, recorded by the first `hoso init` (one row, id 1):
    the fingerprint of the secret key (never the key) and the receipt-signing certificate in use.
    A server that differs refuses to start and fails `hoso check` (:mod:`hoso.intake.cluster`)."""

    secret_fingerprint = models.CharField(_("fingerprint of the secret key"), max_length=64)
    gateway_sha256 = models.CharField(_("SHA-256 of the receipt-signing certificate"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("cluster identity")
        verbose_name_plural = _("cluster identity")

    def __str__(self) -> str:
        return f"{self.gateway_sha256[:16]}…"


class GatewayCertificate(models.Model):
    """Every certificate the gateway has signed receipts with (the current one is
    :attr:`ClusterIdentity.gateway_sha256`), so that a receipt signed before a key rotation still names
    a certificate the cluster knows. The built-in self-signed identity keeps its key here, sealed with a
    key derived from the secret key; a CA-issued key (files, PKCS#12, token) never enters the database."""

    sha256 = models.CharField(_("SHA-256 of the certificate"), max_length=64, unique=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    subject = models.CharField(_("subject"), max_length=400)
    not_after = models.DateTimeField(_("valid until"))
    sealed_key = models.BinaryField(_("sealed key of the built-in identity"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"))

    class Meta:
        verbose_name = _("gateway certificate")
        verbose_name_plural = _("gateway certificates")

    def __str__(self) -> str:
        return self.subject


class TrustedCertificate(models.Model):
    """A CA certificate every server trusts (`hoso trust add`): an anchor, or an issuing CA below one
    (trusted only through a path to an anchor). Shared by the cluster through the database."""

    class Role(models.TextChoices):
        ANCHOR = "anchor", _("trust anchor")
        INTERMEDIATE = "intermediate", _("issuing CA")

    sha256 = models.CharField(_("SHA-256 of the certificate"), max_length=64, unique=True)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    der = models.BinaryField(_("certificate (DER)"))
    subject = models.CharField(_("subject"), max_length=400)
    not_after = models.DateTimeField(_("valid until"))
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("trusted CA certificate")
        verbose_name_plural = _("trusted CA certificates")

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_role_display()})"


class FetchedOcsp(models.Model):
    """An OCSP answer the revocation job got for a registered unit's or commune's certificate, verified
    (signed by the issuing CA or a responder it delegated, for that certificate, current). Every server's
    trust store includes these rows (:mod:`hoso.intake.ocsp_refresh`); a newer answer replaces the row."""

    class Status(models.TextChoices):
        GOOD = "good", _("good")
        REVOKED = "revoked", _("revoked")
        UNKNOWN = "unknown", _("unknown to the CA")

    cert_sha256 = models.CharField(_("SHA-256 of the certificate"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=400)
    ca_name = models.CharField(_("CA"), max_length=400)
    url = models.CharField(_("responder"), max_length=1000)
    der = models.BinaryField(_("OCSP response (DER)"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    this_update = models.DateTimeField(_("thisUpdate"))
    next_update = models.DateTimeField(_("nextUpdate"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        verbose_name = _("OCSP answer")
        verbose_name_plural = _("OCSP answers")

    def __str__(self) -> str:
        return f"{self.subject}: {self.status} ({self.this_update:%Y-%m-%d %H:%M})"


class SupplementReceipt(models.Model):
    """The signed receipt of an electronic supplement recorded on its dossier (hoso.intake.supplement):
    made and stored once, in the transaction that records the supplement, and answered byte for byte the
    same on every later request. ``public_id`` is the supplement's id (a held supplement keeps its own)."""

    public_id = models.UUIDField(_("supplement id"), default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        "workflow.Dossier", on_delete=models.PROTECT, related_name="supplement_receipts"
    )
    ivan = models.ForeignKey("reference.IvanProvider", on_delete=models.PROTECT, db_index=False)
    received_at = models.DateTimeField(_("received at"))
    sha256 = models.CharField(_("SHA-256 of the bytes received"), max_length=64)
    receipt_xml = models.BinaryField(_("signed receipt"))
    receipt_sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sha256"], name="supplement_receipt_once"),
        ]
        verbose_name = _("supplement receipt")
        verbose_name_plural = _("supplement receipts")

    def __str__(self) -> str:
        return f"{self.dossier_id} supplement {self.public_id}"
