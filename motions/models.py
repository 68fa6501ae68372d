from django.conf import settings
from django.db import models

from offices.tenancy import OfficeScopedModel


class MotionTemplate(OfficeScopedModel):
    """An office-supplied fillable PDF form and how its fields map to our data items."""

    name = models.CharField(max_length=200)
    relief_type = models.CharField(max_length=30)
    pdf = models.FileField(upload_to="templates/%Y/")
    sha256 = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    fields = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


class AttorneySignature(OfficeScopedModel):
    attorney = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signature")
    image = models.FileField(upload_to="signatures/")
    uploaded_at = models.DateTimeField(auto_now=True)


class Motion(OfficeScopedModel):
    """One motion for one case under one relief type, from signed-off decisions."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Generated"
        FILED = "filed", "Filed"
        GRANTED = "granted", "Granted"
        DENIED = "denied", "Denied"
        MODIFIED = "modified", "Granted as modified"

    person = models.ForeignKey("intake.Person", on_delete=models.PROTECT, related_name="motions")
    sign_off = models.ForeignKey("review.SignOff", on_delete=models.PROTECT, related_name="motions")
    batch = models.ForeignKey("intake.Batch", null=True, blank=True, on_delete=models.SET_NULL, related_name="motions")
    relief_type = models.CharField(max_length=30)
    case_number = models.CharField(max_length=60)
    court_county = models.CharField(max_length=60)
    decisions = models.ManyToManyField("review.Decision", related_name="motions")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    filed_on = models.DateField(null=True, blank=True)
    filed_court = models.CharField(max_length=120, blank=True)
    ruled_on = models.DateField(null=True, blank=True)
    sealed = models.BooleanField(default=False)
    status_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["court_county", "case_number", "relief_type"]
        constraints = [
            # Person is part of the key: two people in one batch sign-off can share a case number
            # (co-defendants), and each needs a motion of their own.
            models.UniqueConstraint(
                fields=["sign_off", "person", "case_number", "relief_type"], name="one_motion_per_case_relief_signoff"
            )
        ]
        indexes = [models.Index(fields=["office", "case_number"])]

    def __str__(self) -> str:
        return f"{self.case_number} ({self.relief_type})"

    @property
    def latest_document(self):
        # Views prefetch documents ordered newest first, so this costs no query there.
        docs = list(self.documents.all())
        return docs[0] if docs else None


class MotionDocument(OfficeScopedModel):
    """A rendered PDF of a motion. Regenerating adds a version; old versions stay."""

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="documents")
    version = models.PositiveIntegerField()
    template = models.ForeignKey(MotionTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    template_label = models.CharField(max_length=100)
    template_version = models.PositiveIntegerField(null=True, blank=True)
    pdf = models.FileField(upload_to="motions/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    data = models.JSONField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["motion_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["motion", "version"], name="one_document_per_motion_version")]


class FilingPackage(OfficeScopedModel):
    court_county = models.CharField(max_length=60)
    batch = models.ForeignKey("intake.Batch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    zip_file = models.FileField(upload_to="packages/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    motion_count = models.PositiveIntegerField()
    # The exact document versions packaged, so a later regeneration cannot blur what was filed.
    documents = models.ManyToManyField(MotionDocument, related_name="packages")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
