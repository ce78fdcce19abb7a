"""Submissions held pending a revocation check, and the feed's decision events (issue 19, item 4)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0008_content_key"),
        ("reference", "0003_registration_evidence"),
        ("workflow", "0005_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DecisionEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("after_sequence", models.PositiveBigIntegerField(verbose_name="after audit event")),
                ("kind", models.CharField(max_length=24, verbose_name="kind")),
                ("at", models.DateTimeField(verbose_name="at")),
                ("data", models.JSONField(blank=True, default=dict)),
            ],
            options={
                "verbose_name": "decision on a held submission",
                "verbose_name_plural": "decisions on held submissions",
                "ordering": ["after_sequence", "id"],
            },
        ),
        migrations.AddField(
            model_name="submission",
            name="acknowledgement_xml",
            field=models.BinaryField(blank=True, default=b"", verbose_name="signed pending acknowledgement"),
        ),
        migrations.AddField(
            model_name="submission",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AddField(
            model_name="submission",
            name="next_check_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next revocation check"),
        ),
        migrations.AddField(
            model_name="submission",
            name="revocation_checks",
            field=models.PositiveIntegerField(default=0, verbose_name="revocation checks"),
        ),
        migrations.AlterField(
            model_name="submission",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("accepted", "Accepted"),
                    ("refused", "Refused"),
                    ("pending", "Pending a revocation check"),
                ],
                max_length=10,
                verbose_name="outcome",
            ),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                condition=models.Q(("next_check_at__isnull", False)),
                fields=["next_check_at"],
                name="submission_pending_idx",
            ),
        ),
        migrations.AddField(
            model_name="decisionevent",
            name="ivan",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, to="reference.ivanprovider"
            ),
        ),
        migrations.AddField(
            model_name="decisionevent",
            name="submission",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decision_events",
                to="intake.submission",
            ),
        ),
        migrations.AddIndex(
            model_name="decisionevent",
            index=models.Index(fields=["ivan", "after_sequence", "id"], name="decision_event_feed_idx"),
        ),
    ]
