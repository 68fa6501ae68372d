"""Determinations' relief, outcome and code_section keep a plain index, without the varchar_pattern_ops
twin that db_index=True adds on PostgreSQL: no query uses LIKE 'x%' on them (the code-section filter is
icontains, which no btree serves), and every index is paid on each row a bulk evaluation writes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('eligibility', '0005_determination_queue_index'),
        ('intake', '0006_source_file_parts'),
        ('offices', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='determination',
            name='code_section',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='determination',
            name='outcome',
            field=models.CharField(choices=[('dismiss', 'Dismiss'), ('reduce', 'Reduce'), ('not_eligible', 'Not eligible'), ('needs_review', 'Needs review'), ('not_yet_eligible', 'Not yet eligible')], max_length=20),
        ),
        migrations.AlterField(
            model_name='determination',
            name='relief',
            field=models.CharField(max_length=20),
        ),
        migrations.AddIndex(
            model_name='determination',
            index=models.Index(fields=['relief'], name='determination_relief'),
        ),
        migrations.AddIndex(
            model_name='determination',
            index=models.Index(fields=['outcome'], name='determination_outcome'),
        ),
        migrations.AddIndex(
            model_name='determination',
            index=models.Index(fields=['code_section'], name='determination_code_section'),
        ),
    ]
