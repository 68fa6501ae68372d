from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing that happened, append-only, chained by hash per office.

    ``hash`` covers this event's content and the previous event's hash of the same office, so an
    edited or deleted row breaks the chain (``manage.py verify_audit``). On PostgreSQL a trigger
    rejects UPDATE and DELETE outright (migration 0002).
    """

    office = models.ForeignKey(
        "offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=40, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["office", "id"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label or '-'} {self.action}"


class AuditChainHead(models.Model):
    """The newest hash and length of each office's chain, so a deleted last row is noticed too."""

    chain = models.CharField(max_length=40, unique=True)  # office id, or "system"
    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.chain}: {self.length} events"
