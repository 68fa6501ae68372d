"""Attorney decisions: separate rows that point at the engine's determinations, never edit them."""

from django.conf import settings
from django.db import models

from offices.tenancy import OfficeScopedModel


class DecisionAction(models.TextChoices):
    APPROVE = "approve", "Approve"
    DISMISS = "dismiss", "Override: dismiss"
    REDUCE_MISDEMEANOR = "reduce_misdemeanor", "Override: reduce to misdemeanor"
    REDUCE_INFRACTION = "reduce_infraction", "Override: reduce to infraction"
    NOT_ELIGIBLE = "not_eligible", "Override: not eligible"
    DEFER = "defer", "Defer"


class Decision(OfficeScopedModel):
    determination = models.ForeignKey("eligibility.Determination", on_delete=models.PROTECT, related_name="decisions")
    person = models.ForeignKey("intake.Person", on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField(max_length=24, choices=DecisionAction.choices)
    reason = models.TextField(blank=True)
    # The outcome the office will act on, resolved from the action and the engine's proposal.
    final_outcome = models.CharField(max_length=20)
    final_reduce_to = models.CharField(max_length=12, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    # Undo and re-evaluation keep the row: an undone decision is inactive, never deleted.
    active = models.BooleanField(default=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    sign_off = models.ForeignKey("SignOff", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    engine_disagrees = models.BooleanField(default=False, help_text="A later evaluation proposes something else")
    triage_question = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["determination"], condition=models.Q(active=True), name="one_active_decision_per_determination"
            )
        ]
        indexes = [
            # "Engine now disagrees" is looked up per queue row: keep it to the few flagged rows.
            models.Index(fields=["person"], condition=models.Q(active=True, engine_disagrees=True),
                         name="decision_disagrees_by_person"),
            models.Index(fields=["office", "active", "sign_off"], name="decision_office_signoff"),
        ]

    @property
    def is_override(self) -> bool:
        return self.action not in (DecisionAction.APPROVE, DecisionAction.DEFER)

    @property
    def locked(self) -> bool:
        return self.sign_off_id is not None and self.sign_off.reopened_at is None


class SignOff(OfficeScopedModel):
    """An attorney answering for a set of approved decisions; motions are generated from these."""

    attorney = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    bar_number = models.CharField(max_length=20)
    signed_at = models.DateTimeField(auto_now_add=True)
    scope = models.CharField(max_length=20)  # "person" | "batch"
    person = models.ForeignKey("intake.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey("intake.Batch", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of exactly what was approved")
    content = models.JSONField(help_text="The decisions signed, as hashed")
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-signed_at"]
