"""The one way anything is written to the audit trail: ``audit.service.record(...)``."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from .chain import GENESIS, chain_name, event_hash, hashed_fields
from .context import current
from .models import AuditChainHead, AuditEvent


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def record(action: str, *, office=None, actor=None, obj=None, object_type: str = "", object_id="",
           before=None, after=None, actor_label: str = "") -> AuditEvent:
    """Append one event to the office's chain. Call inside the transaction of the change it records."""
    context = current.get()
    if actor is None and context.user is not None and getattr(context.user, "is_authenticated", False):
        actor = context.user
    if office is None and actor is not None:
        office = getattr(actor, "office", None)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    office_id = office.pk if office is not None else None
    chain = chain_name(office_id)
    with transaction.atomic():
        _lock_chain(chain)
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            chain=chain, defaults={"last_hash": GENESIS, "length": 0}
        )
        event = AuditEvent(
            office_id=office_id,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=actor_label or (getattr(actor, "username", "") if actor is not None else ""),
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            before=_jsonable(before),
            after=_jsonable(after),
            request_id=context.request_id,
            ip=context.ip,
            created_at=timezone.now(),
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event.prev_hash, hashed_fields(event))
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=head.pk).update(last_hash=event.hash, length=head.length + 1)
    return event


def _lock_chain(chain: str) -> None:
    # Two writers of the same office must not both read the same head: serialise per chain.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"audit:{chain}"])
