"""Stored engine output. The engine itself lives in ``eligibility.engine`` and knows no Django."""

from django.conf import settings
from django.db import models

from offices.tenancy import OfficeScopedModel, unchecked_office_field


class OfficePolicy(OfficeScopedModel):
    """One version of an office's relief policy. Versions are never edited: a change is a new row."""

    version = models.PositiveIntegerField()
    data = models.JSONField(help_text="eligibility.engine.policy.Policy as JSON")
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["office", "version"], name="one_policy_version_per_office")]

    def __str__(self) -> str:
        return f"{self.office} policy v{self.version}"

    @property
    def label(self) -> str:
        return f"office-{self.office_id}-v{self.version}"


class Determination(OfficeScopedModel):
    """What the engine proposes for one count under one relief law, and exactly why.

    Attorneys never edit this row: their decision is a separate record pointing at it. When rules
    or policy change, a new determination replaces the old one as ``current``; the old one stays.
    """

    class Outcome(models.TextChoices):
        DISMISS = "dismiss", "Dismiss"
        REDUCE = "reduce", "Reduce"
        NOT_ELIGIBLE = "not_eligible", "Not eligible"
        NEEDS_REVIEW = "needs_review", "Needs review"
        NOT_YET_ELIGIBLE = "not_yet_eligible", "Not yet eligible"

    person = models.ForeignKey("intake.Person", on_delete=models.CASCADE, related_name="determinations")
    snapshot = models.ForeignKey("intake.RecordSnapshot", on_delete=models.CASCADE, related_name="determinations")
    count = models.ForeignKey(
        "intake.Count", null=True, blank=True, on_delete=models.CASCADE, related_name="determinations"
    )
    # A county's DOJ file writes these rows by the million and every index costs on each: only the
    # indexes queries use are kept (the queue's and the dashboard's start with the office).
    office = unchecked_office_field(indexed=False)
    # Unchecked in the database too, for the same reason as the office; SET_NULL is done by Django.
    batch = models.ForeignKey(
        "intake.Batch", null=True, blank=True, on_delete=models.SET_NULL, related_name="determinations",
        db_constraint=False, db_index=False,
    )
    relief = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reduce_to = models.CharField(max_length=12, blank=True)
    seal = models.BooleanField(default=False)
    eligible_on = models.DateField(null=True, blank=True)
    route = models.CharField(max_length=20, blank=True)
    track = models.CharField(max_length=20, blank=True)
    in_county = models.BooleanField(default=True)
    code_section = models.CharField(max_length=40, blank=True)
    level = models.CharField(max_length=12, blank=True)
    case_number = models.CharField(max_length=60, blank=True)
    court_county = models.CharField(max_length=60, blank=True)
    count_number = models.PositiveIntegerField(default=0)
    disposition_date = models.DateField(null=True, blank=True)
    questions = models.JSONField(default=list, blank=True)
    question_codes = models.CharField(max_length=200, blank=True, help_text="Space-separated, for filtering")
    reasons = models.JSONField(default=list)
    rule_set_version = models.CharField(max_length=20)
    policy_version = models.CharField(max_length=40)
    as_of = models.DateField()
    input_hash = models.CharField(max_length=64)
    current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person_id", "id"]
        indexes = [
            models.Index(fields=["office", "current", "outcome"]),
            models.Index(fields=["office", "batch", "current"]),
            # The review queue pages through an office's current determinations grouped by person.
            models.Index(fields=["office", "current", "person", "id"], name="determination_queue_order"),
            # No index of relief, outcome or code section alone: each has a handful of values per
            # office (or is searched with icontains), so queries go through the office indexes.
        ]

    def __str__(self) -> str:
        return f"{self.code_section} {self.relief}: {self.outcome}"


class PersonEvaluation(OfficeScopedModel):
    """Person-level engine findings for the current record."""

    person = models.ForeignKey("intake.Person", on_delete=models.CASCADE, related_name="evaluations")
    snapshot = models.ForeignKey("intake.RecordSnapshot", on_delete=models.CASCADE, related_name="+")
    registrant = models.BooleanField(default=False)
    superstrike_priors = models.JSONField(default=list, blank=True)
    currently_serving = models.BooleanField(default=False)
    under_supervision = models.BooleanField(default=False)
    pending_case = models.BooleanField(default=False)
    has_felony = models.BooleanField(default=False)
    has_conviction = models.BooleanField(default=False)
    no_felony_after_relief = models.BooleanField(default=False)
    no_conviction_after_relief = models.BooleanField(default=False)
    rule_set_version = models.CharField(max_length=20)
    policy_version = models.CharField(max_length=40)
    as_of = models.DateField()
    input_hash = models.CharField(max_length=64)
    current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["office", "current"])]


class PolicyPreview(OfficeScopedModel):
    """What a draft policy would change, computed by the worker before anyone saves it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Computing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    draft = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
