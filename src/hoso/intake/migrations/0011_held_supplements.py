"""Supplements held while a signer's revocation status is unknown (issue 19, item 4)."""

import django.db.models.deletion
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0010_reference_links_without_constraints"),
        ("reference", "0004_importupload"),
        ("workflow", "0006_reference_links_without_constraints"),
    ]

    operations = [
        migrations.CreateModel(
            name="HeldSupplement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "public_id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, unique=True, verbose_name="supplement id"
                    ),
                ),
                ("received_at", models.DateTimeField(verbose_name="received at")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256 of the bytes received")),
                ("size", models.PositiveBigIntegerField(verbose_name="size (bytes)")),
                ("content_type", models.CharField(blank=True, max_length=100)),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("pending", "Pending a revocation check"),
                            ("received", "Received"),
                            ("refused", "Refused"),
                        ],
                        max_length=10,
                        verbose_name="outcome",
                    ),
                ),
                ("reasons", models.JSONField(blank=True, default=list, verbose_name="reasons")),
                ("acknowledgement_xml", models.BinaryField(verbose_name="signed pending acknowledgement")),
                (
                    "revocation_checks",
                    models.PositiveIntegerField(default=0, verbose_name="revocation checks"),
                ),
                (
                    "next_check_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="next revocation check"),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided at")),
                (
                    "dossier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="held_supplements",
                        to="workflow.dossier",
                    ),
                ),
                (
                    "ivan",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="reference.ivanprovider",
                    ),
                ),
            ],
            options={
                "verbose_name": "held supplement",
                "verbose_name_plural": "held supplements",
                "indexes": [
                    models.Index(
                        condition=models.Q(("next_check_at__isnull", False)),
                        fields=["next_check_at"],
                        name="held_supplement_pending_idx",
                    )
                ],
            },
        ),
    ]
