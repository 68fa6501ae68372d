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
# The laws' evaluate functions in LAWS order, bound once rather than looked up per count.
_LAW64, _LAW47, _LAW17, _LAW1203_4, _LAW1203_425 = (law.evaluate for law in LAWS)


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
    # (cycle, determinations of one count): each source below lists its counts in record order, and a
    # cycle's counts come from one source only (convictions, or else arrests), so a stable sort on the
    # cycle alone puts them in (cycle, event, count) order.
    runs: list[tuple[int, list[Determination]]] = []
    remaining = felony_remaining = False
    for info in facts.convictions:
        found = [*_LAW64(info, ctx), *_LAW47(info, ctx), *_LAW17(info, ctx), *_LAW1203_4(info, ctx),
                 *_LAW1203_425(info, ctx)]
        runs.append((info.key.cycle, found))
        level: Level | None = info.level
        for det in found:
            outcome = det.outcome
            if outcome == DISMISS:
                level = None
                break
            if outcome == REDUCE and det.reduce_to is not None and level is not None \
                    and _RANK[det.reduce_to] < _RANK[level]:
                level = det.reduce_to
        if level is not None:
            remaining = True
            felony_remaining = felony_remaining or level in (FELONY, UNKNOWN_LEVEL)
    arrest_only = facts.arrest_only
    if arrest_only:
        convicted = bool(runs)
        for key, cycle, event, count in arrest_only:
            found = pc851_93.evaluate_arrest(key, cycle, event, count, ctx)
            if found:
                runs.append((key.cycle, found))
        if convicted:
            runs.sort(key=itemgetter(0))
    determinations: list[Determination] = []
    for _, found in runs:
        determinations += found
    superstrikes = facts.superstrikes
    # Positional, in field order: keyword arguments to a class call cost more than the object.
    return PersonResult(
        person.person_key,  # person_key
        tuple(determinations),  # determinations
        facts.registrant,  # registrant
        tuple(p.text + ("" if p.certain else " (possible)") for p in superstrikes)
        if superstrikes else (),  # superstrike_priors
        bool(facts.serving),  # currently_serving: PersonFacts' properties, read without the calls
        bool(facts.supervised),  # under_supervision
        bool(facts.pending),  # pending_case
        facts.deceased,  # deceased
        not felony_remaining,  # no_felony_after_relief
        not remaining,  # no_conviction_after_relief
        RULE_SET_VERSION,  # rule_set_version
        policy.version,  # policy_version
        as_of,  # as_of
        input_hash(person, policy, as_of, record=record) if hashed else "",  # input_hash
    )
