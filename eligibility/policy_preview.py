"""How many counts and people a policy change would move, before it is saved.

Every current record of the office is evaluated twice, under the saved policy and under the
draft, on the same as-of date; only determinations whose proposal differs are counted.
"""

from collections import Counter

from intake.models import Person

from .engine.evaluate import evaluate_person
from .engine.policy import Policy
from .engine.serialize import person_from_dict


def _proposals(result) -> dict:
    return {
        (d.key.cycle, d.key.event, d.key.count, d.relief.value): (d.outcome.value, d.reduce_to, d.seal)
        for d in result.determinations
    }


def compare_policies(office, current: Policy, draft: Policy, as_of, *, limit_examples: int = 20) -> dict:
    people_moved = 0
    counts_moved = 0
    transitions: Counter = Counter()
    examples = []
    evaluated = 0
    snapshots = Person.objects.for_office(office).filter(current_snapshot__isnull=False).values_list(
        "pk", "name", "current_snapshot__record")
    for person_id, name, record_data in snapshots.iterator(chunk_size=500):
        record = person_from_dict(record_data)
        before = _proposals(evaluate_person(record, current, as_of))
        after = _proposals(evaluate_person(record, draft, as_of))
        evaluated += 1
        changed = [key for key in after if before.get(key) != after[key]]
        if not changed:
            continue
        people_moved += 1
        counts_moved += len(changed)
        for key in changed:
            old = before.get(key, ("none",))[0]
            transitions[f"{key[3]}: {old} → {after[key][0]}"] += 1
        if len(examples) < limit_examples:
            examples.append({"person_id": person_id, "name": name, "changes": len(changed)})
    return {
        "people_evaluated": evaluated,
        "people_moved": people_moved,
        "determinations_moved": counts_moved,
        "transitions": sorted(([k, v] for k, v in transitions.items()), key=lambda kv: -kv[1]),
        "examples": examples,
        "as_of": as_of.isoformat(),
    }
