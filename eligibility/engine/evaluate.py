"""The entry point: ``evaluate_person(person, policy, as_of)``.

Pure: the as-of date is an argument and the wall clock is never read, so the same person, policy and
date always give byte-for-byte the same result (and the same ``input_hash``, which covers the record
as a snapshot stores it).

Laws run in a fixed order per count, reductions before dismissals (spec 8.2): Prop 64, Prop 47,
PC 17(b)/17(d)(2), the 1203.4 family, then 1203.425. Arrest-only counts get PC 851.93.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from operator import itemgetter

import orjson

from .facts import person_facts
from .laws import DISMISS, FELONY, REDUCE, UNKNOWN_LEVEL, Ctx, pc17, pc851_93, pc1203_4, pc1203_425, prop47, prop64
from .offense_lists import offense_lists
from .policy import Policy
from .record import Level, Person
from .results import Determination, PersonResult
from .serialize import person_to_dict
from .version import RULE_SET_VERSION

LAWS = (prop64, prop47, pc17, pc1203_4, pc1203_425)


def record_json(person: Person) -> bytes:
    """The record as a snapshot stores it (:func:`~.serialize.person_to_dict`), keys sorted: the
    bytes the input hash covers. A bulk writer that stores these bytes passes them to
    :func:`evaluate_person`, so the record is serialised once for both."""
    return orjson.dumps(person_to_dict(person), option=orjson.OPT_SORT_KEYS)


def input_hash(person: Person, policy: Policy, as_of: dt.date, *, record: bytes | None = None) -> str:
    """SHA-256 of the record, the policy and the as-of date (the rule-set version is stored beside it)."""
    digest = hashlib.sha256(record if record is not None else record_json(person))
    digest.update(b"\0")
    digest.update(orjson.dumps(policy.to_dict(), option=orjson.OPT_SORT_KEYS))
    digest.update(b"\0" + as_of.isoformat().encode("ascii"))
    return digest.hexdigest()


_RANK = {Level.FELONY: 3, Level.MISDEMEANOR: 2, Level.INFRACTION: 1, Level.UNKNOWN: 4}


def evaluate_person(person: Person, policy: Policy, as_of: dt.date, *, hashed: bool = True,
                    record: bytes | None = None) -> PersonResult:
    """``hashed=False`` leaves ``input_hash`` empty, for callers that neither store nor print it
    (contract rows, results files): serialising the whole record costs about a third of the rules.
    ``record``: the person's :func:`record_json`, when the caller has it already."""
    lists = offense_lists()
    facts = person_facts(person, as_of, policy.county, lists)
    ctx = Ctx(facts, policy, as_of, lists)
    keyed: list[tuple[tuple[int, int, int], list[Determination]]] = []
    after_levels: list[Level | None] = []
    for info in facts.convictions:
        found: list[Determination] = []
        for law in LAWS:
            found.extend(law.evaluate(info, ctx))
        keyed.append(((info.key.cycle, info.key.event, info.key.count), found))
        level: Level | None = info.level
        for det in found:
            if det.outcome == DISMISS:
                level = None
                break
            if det.outcome == REDUCE and det.reduce_to is not None and level is not None \
                    and _RANK[det.reduce_to] < _RANK[level]:
                level = det.reduce_to
        after_levels.append(level)
    for key, cycle, event, count in facts.arrest_only:
        found = pc851_93.evaluate_arrest(key, cycle, event, count, ctx)
        if found:
            keyed.append(((key.cycle, key.event, key.count), found))
    keyed.sort(key=itemgetter(0))
    determinations = tuple(det for _, dets in keyed for det in dets)
    remaining = [lvl for lvl in after_levels if lvl is not None]
    return PersonResult(
        person_key=person.person_key,
        determinations=determinations,
        registrant=facts.registrant,
        superstrike_priors=tuple(p.text + ("" if p.certain else " (possible)") for p in facts.superstrikes),
        currently_serving=facts.currently_serving,
        under_supervision=facts.under_supervision,
        pending_case=facts.pending_case,
        deceased=facts.deceased,
        no_felony_after_relief=all(lvl not in (FELONY, UNKNOWN_LEVEL) for lvl in remaining),
        no_conviction_after_relief=not remaining,
        rule_set_version=RULE_SET_VERSION,
        policy_version=policy.version,
        as_of=as_of,
        input_hash=input_hash(person, policy, as_of, record=record) if hashed else "",
    )
