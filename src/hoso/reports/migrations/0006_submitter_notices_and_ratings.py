# Notices to submitters (the ledger and its cursor) and the ratings of the public lookup (issue 23, items 5, 6).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_outbox_officer_mail'),
        ('workflow', '0007_dossier_national_code'),
    ]

    operations = [
        migrations.CreateModel(
            name='SubmitterNoticeCursor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_sequence', models.PositiveBigIntegerField(default=0)),
                ('updated_at', models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name='Rating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('office_id', models.CharField(max_length=5)),
                ('score', models.PositiveSmallIntegerField(verbose_name='score')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('at', models.DateTimeField(verbose_name='rated at')),
                ('dossier', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='rating', to='workflow.dossier')),
            ],
            options={
                'verbose_name': 'rating',
                'verbose_name_plural': 'ratings',
                'indexes': [models.Index(fields=['office_id', 'at'], name='rating_office_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('score__gte', 1), ('score__lte', 5)), name='rating_score_1_to_5')],
            },
        ),
        migrations.CreateModel(
            name='SubmitterNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_sequence', models.PositiveBigIntegerField(verbose_name='event')),
                ('office_id', models.CharField(max_length=5)),
                ('kind', models.CharField(choices=[('receipt', 'Dossier received'), ('supplement', 'Supplement requested'), ('result', 'Result ready')], max_length=12, verbose_name='kind')),
                ('means', models.CharField(choices=[('email', 'E-mail'), ('text', 'Text message')], max_length=8, verbose_name='means')),
                ('recipient', models.CharField(max_length=300, verbose_name='recipient')),
                ('text', models.TextField(verbose_name='text')),
                ('created_at', models.DateTimeField(verbose_name='queued at')),
                ('sender_name', models.CharField(blank=True, max_length=100, verbose_name='sent through')),
                ('status', models.CharField(choices=[('queued', 'Waiting to be sent'), ('sent', 'Sent'), ('failed', 'Not sent (gave up)')], default='queued', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(verbose_name='next attempt')),
                ('last_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='last attempt')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('reference', models.CharField(blank=True, max_length=200, verbose_name="sender's reference")),
                ('claim', models.CharField(blank=True, max_length=32)),
                ('dossier', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='submitter_notices', to='workflow.dossier')),
                ('message', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='submitter_notice', to='reports.outboxmessage')),
            ],
            options={
                'verbose_name': 'notice to a submitter',
                'verbose_name_plural': 'notices to submitters',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['means', 'status', 'next_attempt_at'], name='submitter_notice_due_idx'), models.Index(fields=['office_id', 'created_at'], name='submitter_notice_office_idx')],
                'constraints': [models.UniqueConstraint(fields=('event_sequence', 'means'), name='submitter_notice_once')],
            },
        ),
    ]
