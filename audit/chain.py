"""The hash chain: how an event's hash is computed, and how a chain is verified."""

import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64


def chain_name(office_id) -> str:
    return str(office_id) if office_id else "system"


def event_hash(prev_hash: str, fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def hashed_fields(event) -> dict:
    return {
        "office": event.office_id,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "ip": event.ip,
        "created_at": event.created_at.isoformat(),
    }


@dataclass
class BrokenLink:
    chain: str
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id else "chain head"
        return f"chain {self.chain}: {where}: {self.problem}"


def verify_chain(chain: str, events, head) -> BrokenLink | None:
    """Walk one office's events in order; return the first broken link, or None."""
    prev = GENESIS
    length = 0
    for event in events:
        length += 1
        if event.prev_hash != prev:
            return BrokenLink(chain, event.id, "previous-hash mismatch: an earlier event was deleted or altered")
        if event_hash(prev, hashed_fields(event)) != event.hash:
            return BrokenLink(chain, event.id, "content does not match its hash: the event was edited")
        prev = event.hash
    if head is not None and (head.last_hash != prev or head.length != length):
        return BrokenLink(chain, None, f"head says {head.length} events ending {head.last_hash[:12]}, found {length}")
    return None
