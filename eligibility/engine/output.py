"""Flat rows for the CLI and exports: one dict per determination, one summary per person.
The first keys are a contract other code reads; extra keys may only be appended after them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from operator import itemgetter

import orjson

from .record import Person
from .results import Outcome, PersonResult


class IsoDates(dict):
    """date -> ``date.isoformat()``, each formatted once: isoformat goes through printf, at twenty
    times the cost of a lookup, and a file's dates repeat (a century is under 40,000 days)."""

    LIMIT = 100_000  # dates kept at most: a file of nonsense dates must not grow it without end

    def __missing__(self, day: dt.date) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        text = self[day] = day.isoformat()
        return text


ISO_DATES = IsoDates()


def determination_rows(person: Person, result: PersonResult, source: str) -> Iterator[dict]:
    # Each row is a copy of the person's row with the determination's values filled in: the keys
    # keep their order, and copying a dict costs half of building one from its 24 keys.
    template = {
        "source": source,
        "cii": person.cii,
        "name": person.name,
        **dict.fromkeys(_DETERMINATION_KEYS),
        "person_key": result.person_key,
        "rule_set_version": result.rule_set_version,
        "policy_version": result.policy_version,
        "as_of": result.as_of.isoformat(),
    }
    iso = ISO_DATES
    for det in result.determinations:
        disposition_date, reduce_to, eligible_on = det.disposition_date, det.reduce_to, det.eligible_on
        questions = det.questions
        row = template.copy()
        row["case_number"] = det.case_number
        row["court_county"] = det.court_county
        row["count"] = det.count_number
        row["code_section"] = det.code_section
        row["attempted"] = det.attempted
        row["level"] = det.level
        row["disposition_date"] = iso[disposition_date] if disposition_date else None
        # ``_value_``: the enum's ``.value`` is a property that costs two Python calls per read.
        row["relief"] = det.relief._value_
        row["outcome"] = det.outcome._value_
        row["reduce_to"] = reduce_to._value_ if reduce_to else None
        row["seal"] = det.seal
        row["eligible_on"] = iso[eligible_on] if eligible_on else None
        # Reason.__str__, written out: str() on each reason is a Python call from C, twice the cost.
        row["reasons"] = [f"{r.text} ({r.citation})" for r in det.reasons]
        # Appended fields.
        row["route"] = det.route
        row["track"] = det.track
        row["in_county"] = det.in_county
        row["questions"] = [f"{q.code}: {q.text}" for q in questions] if questions else []
        yield row


# The keys of a row that come from its determination, in their place among the person's.
_DETERMINATION_KEYS = (
    "case_number", "court_county", "count", "code_section", "attempted", "level", "disposition_date", "relief",
    "outcome", "reduce_to", "seal", "eligible_on", "reasons", "route", "track", "in_county", "questions",
)


def determination_lines(person: Person, result: PersonResult, source: str) -> bytes:
    """The rows of :func:`determination_rows` as JSON lines, each the bytes of
    ``json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\\n"``, built without the rows.

    A line is assembled from the JSON text of groups of its members: the person's (encoded once per
    person), the count's and the outcome's (each group encoded once per distinct tuple of values:
    the determinations of a count, and most outcomes, repeat) and one ``orjson.dumps`` of the rest.
    Copying the 24-key row and encoding all of it, once per determination, cost a third more.
    orjson writes dates as ``isoformat()`` and a string enum as its value, as the rows hold them."""
    dumps = orjson.dumps
    # "{", the person's first members and a comma; a comma, the person's last members, "}" and "\n".
    head = dumps({"source": source, "cii": person.cii, "name": person.name})[:-1] + b","
    tail = b"," + dumps({"person_key": result.person_key, "rule_set_version": result.rule_set_version,
                         "policy_version": result.policy_version, "as_of": result.as_of},
                        option=orjson.OPT_APPEND_NEWLINE)[1:]
    counts, outcomes = _COUNT_MEMBERS, _OUTCOME_MEMBERS
    count_members, outcome_members = counts.get, outcomes.get
    parts = []
    for det in result.determinations:
        # The fields read from the instance dict (a group's in one C call): an attribute read on these
        # objects misses 3.11's specialisation (their __init__ fills a split __dict__), ~200 instructions.
        fields = vars(det)
        count = _COUNT_FIELDS(fields)
        outcome = _OUTCOME_FIELDS(fields)
        questions = fields["questions"]
        parts += (
            head,
            count_members(count) or _members(counts, _COUNT_KEYS, count),
            outcome_members(outcome) or _members(outcomes, _OUTCOME_KEYS, outcome),
            dumps({"eligible_on": fields["eligible_on"],
                   "reasons": [f"{r.text} ({r.citation})" for r in fields["reasons"]],
                   "route": fields["route"], "track": fields["track"], "in_county": fields["in_county"],
                   "questions": [f"{q.code}: {q.text}" for q in questions] if questions else []})[1:-1],
            tail,
        )
    return b"".join(parts)


# The groups of a line's members, their keys in the line and the fields they come from. Each group is
# one tuple of values of the types Determination declares (str, int, bool, date, None, str enums):
# values equal across those types (True == 1) never share a place in a tuple.
_COUNT_KEYS = ("case_number", "court_county", "count", "code_section", "attempted", "level", "disposition_date")
_COUNT_FIELDS = itemgetter("case_number", "court_county", "count_number", "code_section", "attempted", "level",
                           "disposition_date")
_OUTCOME_KEYS = ("relief", "outcome", "reduce_to", "seal")
_OUTCOME_FIELDS = itemgetter(*_OUTCOME_KEYS)
# tuple of values -> its members' JSON text and a comma, to go on with the next members.
_COUNT_MEMBERS: dict[tuple, bytes] = {}
_OUTCOME_MEMBERS: dict[tuple, bytes] = {}
_MEMBERS_LIMIT = 4096  # entries kept at most per group: a file's counts must not grow it without end


def _members(cache: dict[tuple, bytes], keys: tuple[str, ...], values: tuple) -> bytes:
    if len(cache) >= _MEMBERS_LIMIT:
        cache.clear()
    text = cache[values] = orjson.dumps(dict(zip(keys, values, strict=True)))[1:-1] + b","
    return text


def person_summary_row(person: Person, result: PersonResult, source: str) -> dict:
    outcomes = Counter(det.outcome for det in result.determinations)
    counts = {(d.key.cycle, d.key.event, d.key.count) for d in result.determinations}
    return {
        "source": source,
        "cii": person.cii,
        "name": person.name,
        "person_key": result.person_key,
        "counts_evaluated": len(counts),
        "determinations": len(result.determinations),
        **{f"{outcome.value}_count": outcomes.get(outcome, 0) for outcome in Outcome},
        "no_felony_after_relief": result.no_felony_after_relief,
        "no_conviction_after_relief": result.no_conviction_after_relief,
        "registrant": result.registrant,
        "superstrike_priors": list(result.superstrike_priors),
        "currently_serving": result.currently_serving,
        "under_supervision": result.under_supervision,
        "pending_case": result.pending_case,
        "deceased": result.deceased,
        "rule_set_version": result.rule_set_version,
        "policy_version": result.policy_version,
        "as_of": result.as_of.isoformat(),
        "input_hash": result.input_hash,
    }
