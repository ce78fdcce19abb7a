"""Submissions keep the key of what was signed (issue 19, item 3): a repeat is found by signed content."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intake", "0007_fetched_ocsp")]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="content_key",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(fields=("content_key",), name="submission_content_key_unique"),
        ),
    ]
