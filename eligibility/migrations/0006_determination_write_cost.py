"""Cheaper determination rows: a county's DOJ file writes them by the million and each index and
foreign-key check is paid on every one (measured on the 1M-row benchmark).

- relief, outcome and code_section lose their indexes (and the varchar_pattern_ops twins db_index adds
  on PostgreSQL): a handful of values per office, or searched with icontains, so queries go through the
  office indexes;
- office and batch lose their single-column indexes (the composite indexes start with the office) and
  their database foreign-key checks; PROTECT and SET_NULL are enforced by Django.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("eligibility", "0005_determination_queue_index"),
        ("intake", "0008_bulk_tables_unchecked_office"),
        ("offices", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="determination",
            name="code_section",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name="determination",
            name="outcome",
            field=models.CharField(
                choices=[("dismiss", "Dismiss"), ("reduce", "Reduce"), ("not_eligible", "Not eligible"),
                         ("needs_review", "Needs review"), ("not_yet_eligible", "Not yet eligible")],
                max_length=20),
        ),
        migrations.AlterField(
            model_name="determination",
            name="relief",
            field=models.CharField(max_length=20),
        ),
        migrations.AlterField(
            model_name="determination",
            name="batch",
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="determinations",
                                    to="intake.batch"),
        ),
        migrations.AlterField(
            model_name="determination",
            name="office",
            field=models.ForeignKey(db_constraint=False, db_index=False,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="offices.office"),
        ),
    ]
