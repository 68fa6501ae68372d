"""The dashboard's own precomputed tables, kept up to date by :mod:`dashboard.outcomes`.

Nothing else writes them and nothing outside the dashboard reads them. Two kinds:

* ``PersonOutcome``: one row per person, every person-level figure already worked out (their
  whole current record, their engine evaluation) plus which batches their snapshots and
  determinations came from, so a cohort of batches is an array overlap.
* Facts and tallies: per-row facts of each person (``DeterminationFact``, ``MotionFact``,
  ``SnapshotFact``) and, summed over them, per-batch tallies (``DeterminationTally``,
  ``MotionTally``, ``SnapshotTally``). A refresh replaces a person's facts and adds the
  difference to the tallies, so the page reads a few thousand tally rows instead of a million.

PostgreSQL only (``required_db_vendor``): on SQLite the tables are not created and the refresh does
nothing, so migrations and the services that call it still run there.
"""

from django.db import models

from offices.tenancy import OfficeScopedModel


class BatchIds(models.Field):
    """A set of batch ids: ``bigint[]`` on PostgreSQL (0 stands for "no batch"), text elsewhere."""

    description = "Batch ids"

    def db_type(self, connection):
        return "bigint[]" if connection.vendor == "postgresql" else "text"


class _Row(models.Model):
    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class PersonOutcome(_Row, OfficeScopedModel):
    person = models.OneToOneField("intake.Person", primary_key=True, on_delete=models.DO_NOTHING,
                                  db_constraint=False, related_name="+")
    race = models.CharField(max_length=60, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    # Batches of the person's snapshots (records received; the cohort of person outcomes).
    snapshot_batches = BatchIds(default=list)
    # Batches of the person's current determinations of a count: any / eligible; and of any
    # current eligible determination, with or without a count (people breakdowns).
    det_batches = BatchIds(default=list)
    eligible_batches = BatchIds(default=list)
    eligible_any_batches = BatchIds(default=list)
    # Distinct counts with a current determination / an eligible one.
    convictions = models.IntegerField(default=0)
    convictions_eligible = models.IntegerField(default=0)
    # Current determinations from more than one batch: a cohort may take only some of their counts.
    split = models.BooleanField(default=False)
    # The whole current record, with the attorneys' decisions and the court's rulings.
    with_conviction = models.BooleanField(default=False)
    with_felony = models.BooleanField(default=False)
    no_felony_if_granted = models.BooleanField(default=False)
    no_felony_granted = models.BooleanField(default=False)
    no_conviction_if_granted = models.BooleanField(default=False)
    no_conviction_granted = models.BooleanField(default=False)
    # The engine's own findings: current evaluations, and of those with each finding.
    evaluations = models.IntegerField(default=0)
    engine_felony = models.IntegerField(default=0)
    engine_conviction = models.IntegerField(default=0)
    engine_no_felony = models.IntegerField(default=0)
    engine_no_conviction = models.IntegerField(default=0)

    class Meta:
        required_db_vendor = "postgresql"
        indexes = [
            # The few people a cohort may split, recounted from their determinations.
            models.Index(fields=["office"], condition=models.Q(split=True), name="outcome_split_people"),
        ]


class DeterminationFact(_Row):
    """One current determination of a count, as the dashboard counts it."""

    office_id = models.BigIntegerField()
    person_id = models.BigIntegerField()
    determination_id = models.BigIntegerField()
    batch_id = models.BigIntegerField(null=True)
    relief = models.CharField(max_length=20)
    code_section = models.CharField(max_length=40)
    court_county = models.CharField(max_length=60)
    outcome = models.CharField(max_length=20)
    seal = models.BooleanField()
    decision = models.CharField(max_length=8, help_text='"", approve, override or defer')

    class Meta:
        required_db_vendor = "postgresql"
        indexes = [models.Index(fields=["person_id"], name="det_fact_person")]


class DeterminationTally(_Row):
    office_id = models.BigIntegerField()
    batch_id = models.BigIntegerField(null=True)
    relief = models.CharField(max_length=20)
    code_section = models.CharField(max_length=40)
    court_county = models.CharField(max_length=60)
    evaluated = models.IntegerField(default=0)
    eligible = models.IntegerField(default=0)
    dismiss = models.IntegerField(default=0)
    reduce = models.IntegerField(default=0)
    seal = models.IntegerField(default=0)
    needs_review = models.IntegerField(default=0)
    not_yet_eligible = models.IntegerField(default=0)
    not_eligible = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    overridden = models.IntegerField(default=0)
    deferred = models.IntegerField(default=0)
    undecided = models.IntegerField(default=0)

    class Meta:
        required_db_vendor = "postgresql"
        constraints = [models.UniqueConstraint(
            fields=["office_id", "batch_id", "relief", "code_section", "court_county"], nulls_distinct=False,
            name="one_determination_tally_per_key")]


class MotionFact(_Row):
    office_id = models.BigIntegerField()
    person_id = models.BigIntegerField()
    motion_id = models.BigIntegerField()
    batch_id = models.BigIntegerField(null=True)
    relief_type = models.CharField(max_length=30)
    status = models.CharField(max_length=12)
    filed_month = models.DateField(null=True)
    ruled_month = models.DateField(null=True)

    class Meta:
        required_db_vendor = "postgresql"
        indexes = [models.Index(fields=["person_id"], name="motion_fact_person")]


class MotionTally(_Row):
    office_id = models.BigIntegerField()
    batch_id = models.BigIntegerField(null=True)
    relief_type = models.CharField(max_length=30)
    status = models.CharField(max_length=12)
    filed_month = models.DateField(null=True)
    ruled_month = models.DateField(null=True)
    n = models.IntegerField(default=0)

    class Meta:
        required_db_vendor = "postgresql"
        constraints = [models.UniqueConstraint(
            fields=["office_id", "batch_id", "relief_type", "status", "filed_month", "ruled_month"],
            nulls_distinct=False, name="one_motion_tally_per_key")]


class SnapshotFact(_Row):
    office_id = models.BigIntegerField()
    person_id = models.BigIntegerField()
    snapshot_id = models.BigIntegerField()
    batch_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    month = models.DateField(help_text="Month received, office time")

    class Meta:
        required_db_vendor = "postgresql"
        indexes = [models.Index(fields=["person_id"], name="snapshot_fact_person")]


class SnapshotTally(_Row):
    office_id = models.BigIntegerField()
    batch_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    month = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        required_db_vendor = "postgresql"
        constraints = [models.UniqueConstraint(fields=["office_id", "batch_id", "kind", "month"],
                                               name="one_snapshot_tally_per_key")]
