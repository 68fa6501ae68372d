"""Uploaded files and the normalized records read from them.

A ``Batch`` groups what a paralegal uploaded together; each ``SourceFile`` is stored once per
office by SHA-256. Reading a file yields one ``RecordSnapshot`` per person it describes: the whole
normalized record as JSON (what the engine evaluates) plus ``Case``/``Count`` rows (what people
filter, review and count). Persons are the same people across files: matched on CII first, then
name + DOB, and every merge is recorded and reversible (``PersonMerge``).
"""

import uuid

from django.conf import settings
from django.db import models

from offices.tenancy import OfficeScopedModel, unchecked_office_field


class SourceKind(models.TextChoices):
    DOJ = "doj", "DOJ research file"
    RAP_SHEET = "rap_sheet", "RAP sheets"


class Batch(OfficeScopedModel):
    class Status(models.TextChoices):
        RECEIVING = "receiving", "Receiving files"
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        DONE_WITH_ERRORS = "done_with_errors", "Done, with errors"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Live counters, updated by the worker with F() so concurrent tasks add up.
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    files_failed = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveBigIntegerField(default=0)
    rows_accepted = models.PositiveBigIntegerField(default=0)
    rows_rejected = models.PositiveBigIntegerField(default=0)
    persons_built = models.PositiveIntegerField(default=0)
    cycles_built = models.PositiveIntegerField(default=0)
    persons_evaluated = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"Batch {self.pk}: {self.name}"


class SourceFile(OfficeScopedModel):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        NEEDS_REVIEW = "needs_review", "Done, needs review"
        FAILED = "failed", "Failed"
        DUPLICATE = "duplicate", "Already received"

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    original_name = models.CharField(max_length=255)
    stored = models.FileField(upload_to="sources/%Y/%m/", max_length=300, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    message = models.TextField(blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pages = models.PositiveIntegerField(null=True, blank=True)
    lines_total = models.PositiveBigIntegerField(null=True, blank=True, help_text="Lines in the file, for progress")
    # A large DOJ file is read in parts by parallel tasks; each part's state and tallies.
    parts = models.JSONField(default=list, blank=True)
    rows_read = models.PositiveBigIntegerField(default=0)
    rows_accepted = models.PositiveBigIntegerField(default=0)
    rows_rejected = models.PositiveBigIntegerField(default=0)
    persons_built = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "id"]
        constraints = [
            # The same bytes are ingested once per office; a re-upload becomes a DUPLICATE row
            # pointing at the original, so nothing the user did is lost either.
            models.UniqueConstraint(
                fields=["office", "sha256"],
                condition=~models.Q(status="duplicate"),
                name="one_ingest_per_file_per_office",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class ChunkedUpload(OfficeScopedModel):
    """A large file arriving in pieces; resumable by asking how many bytes have arrived."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="chunked_uploads")
    original_name = models.CharField(max_length=255)
    expected_size = models.PositiveBigIntegerField()
    received = models.PositiveBigIntegerField(default=0)
    completed = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class RowError(OfficeScopedModel):
    """A row or line that could not be read, with exactly where and why."""

    source_file = models.ForeignKey(SourceFile, on_delete=models.CASCADE, related_name="row_errors")
    line_number = models.PositiveBigIntegerField()
    column = models.CharField(max_length=60, blank=True)
    problem = models.TextField()
    raw_line = models.TextField(blank=True)

    class Meta:
        ordering = ["source_file_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["source_file", "line_number", "column"], name="one_error_per_line_column")
        ]


class Person(OfficeScopedModel):
    """One human being, as far as the office can tell, across every file it received."""

    cii = models.CharField("CII", max_length=12, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    dob = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    race = models.CharField(max_length=60, blank=True)
    deceased = models.BooleanField(default=False)
    aliases = models.JSONField(default=list, blank=True)
    needs_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The snapshot the engine evaluates: the newest full record of this person.
    current_snapshot = models.ForeignKey(
        "RecordSnapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["office", "name", "dob"])]

    def __str__(self) -> str:
        return self.name


class RecordSnapshot(OfficeScopedModel):
    """The normalized record of one person as read from one source file."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="snapshots")
    source_file = models.ForeignKey(SourceFile, on_delete=models.PROTECT, related_name="snapshots")
    subject_key = models.CharField(max_length=64, help_text="DOJ SUBJECT_ID, or the RAP sheet's CII")
    record = models.JSONField()
    warnings = models.JSONField(default=list, blank=True)
    needs_review = models.BooleanField(default=False)
    source_rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A retried task re-reads the same file: it must find, not duplicate, its snapshot.
            models.UniqueConstraint(fields=["source_file", "subject_key"], name="one_snapshot_per_subject_per_file")
        ]


class Case(OfficeScopedModel):
    office = unchecked_office_field()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cases")
    snapshot = models.ForeignKey(RecordSnapshot, on_delete=models.CASCADE, related_name="cases")
    case_number = models.CharField(max_length=60, blank=True)
    court = models.CharField(max_length=120, blank=True)
    county = models.CharField(max_length=60, blank=True)  # indexed in Meta
    event_date = models.DateField(null=True, blank=True)
    cycle_index = models.PositiveIntegerField()
    event_index = models.PositiveIntegerField()

    class Meta:
        ordering = ["person_id", "event_date", "id"]
        # A plain index, not db_index=True, which on PostgreSQL adds a LIKE-prefix twin no query uses.
        indexes = [models.Index(fields=["county"], name="case_county")]


class Count(OfficeScopedModel):
    """One count of a court case, as read, with where it was read from."""

    office = unchecked_office_field()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="counts")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="counts")
    count_index = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    code_section = models.CharField(max_length=40, blank=True)  # indexed in Meta, as Case.county
    attempted = models.BooleanField(default=False)
    description = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=12, default="unknown")
    convicted = models.BooleanField(default=False)
    conviction_date = models.DateField(null=True, blank=True)
    disposition = models.CharField(max_length=40, blank=True)
    sentence = models.CharField(max_length=200, blank=True)
    source_refs = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["case_id", "number", "id"]
        indexes = [models.Index(fields=["code_section"], name="count_code_section")]


class PersonMerge(OfficeScopedModel):
    """A decision that two person records are the same human, with how sure we were."""

    class Method(models.TextChoices):
        CII = "cii", "Same CII"
        NAME_DOB = "name_dob", "Same name and date of birth"
        MANUAL = "manual", "Merged by a user"

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    snapshot = models.ForeignKey(RecordSnapshot, on_delete=models.PROTECT, related_name="merges")
    # The person the snapshot had before the merge, to split it back out on undo.
    split_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=12, choices=Method.choices)
    confidence = models.DecimalField(max_digits=4, decimal_places=3)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class ResultsExport(OfficeScopedModel):
    """A results download for a DOJ batch, computed by the worker as of a chosen date."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Computing"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="exports")
    as_of = models.DateField()
    policy_version = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    zip_file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
