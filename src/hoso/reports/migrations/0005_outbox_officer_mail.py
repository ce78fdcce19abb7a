# An outbox message without a notice: an e-mail to an officer (a password-reset link, hoso.accounts).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_outbox'),
    ]

    operations = [
        migrations.AlterField(
            model_name='outboxmessage',
            name='notice',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='messages', to='reports.notice', verbose_name='notice'),
        ),
    ]
