"""Cases and counts, written by the million from a county's DOJ file: the office column without a
database foreign-key check (Django enforces PROTECT), and the county / code-section indexes without
the LIKE-prefix twins db_index adds on PostgreSQL, which no query uses."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0007_snapshot_record_lz4'),
        ('offices', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='county',
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AlterField(
            model_name='case',
            name='office',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='offices.office'),
        ),
        migrations.AlterField(
            model_name='count',
            name='code_section',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='count',
            name='office',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='offices.office'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['county'], name='case_county'),
        ),
        migrations.AddIndex(
            model_name='count',
            index=models.Index(fields=['code_section'], name='count_code_section'),
        ),
    ]
