"""One module per relief law. Each exposes ``evaluate(info, ctx)`` returning the determinations
for one convicted count (an empty list when the count is outside the law's scope), except
``pc851_93`` which reads arrest-only counts. Shared building blocks live here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from ..facts import UNKNOWN_END, CountInfo, PersonFacts
from ..offense_lists import OffenseLists
from ..policy import Policy
from ..record import Level
from ..results import Determination, Outcome, Question, Reason, Relief

# Python 3.11 finds an enum member through EnumType.__getattr__, at several times the cost of a
# global, and the laws name outcomes and levels for every count: they use these bindings instead.
DISMISS, REDUCE = Outcome.DISMISS, Outcome.REDUCE
NOT_ELIGIBLE, NOT_YET_ELIGIBLE, NEEDS_REVIEW = Outcome.NOT_ELIGIBLE, Outcome.NOT_YET_ELIGIBLE, Outcome.NEEDS_REVIEW
FELONY, MISDEMEANOR, INFRACTION, UNKNOWN_LEVEL = Level.FELONY, Level.MISDEMEANOR, Level.INFRACTION, Level.UNKNOWN


@dataclass(slots=True)
class Ctx:
    facts: PersonFacts
    policy: Policy
    as_of: dt.date
    lists: OffenseLists

    def confirmed(self, rule: str) -> bool:
        return rule in self.policy.confirmed_rules


_new = object.__new__

# Level.value is a Python-level property in 3.11, and every determination records its level.
_LEVEL_TEXT = {level: level.value for level in Level}


def build(info: CountInfo, relief: Relief, outcome: Outcome, reasons, *, questions=(),
          reduce_to: Level | None = None, seal: bool = False, eligible_on: dt.date | None = None,
          route: str = "", track: str = "") -> Determination:
    if eligible_on is not None:  # comparing None with a date costs a failed rich comparison each way
        floor = info.conviction_date
        if floor is not None and eligible_on < floor:
            eligible_on = floor
        if eligible_on == UNKNOWN_END:
            eligible_on = None
    record_questions = info.record_questions
    if record_questions:
        questions = (*questions, *record_questions)
        if info.force_review and outcome != NEEDS_REVIEW:
            reasons = (*reasons, Reason(f"The record leaves a doubt that could change this result "
                                        f"(otherwise: {outcome._value_})", relief._value_))
            outcome, reduce_to, seal = NEEDS_REVIEW, None, False
    # Every determination of the engine is built here, so its fields are filled here, in field order, on a
    # bare instance: calling the class (its __init__ is Python code, called from C) costs more than the
    # rest of this function. tests/eligibility/test_fast_paths.py checks the result is what the class builds.
    count = info.count
    det = _new(Determination)
    fields = det.__dict__
    fields["key"] = info.key
    fields["case_number"] = count.case_number
    fields["count_number"] = count.number
    fields["code_section"] = info.code_section_text
    fields["attempted"] = info.attempted
    fields["level"] = _LEVEL_TEXT[info.level]
    fields["disposition_date"] = info.conviction_date
    fields["court_county"] = info.county
    fields["relief"] = relief
    fields["outcome"] = outcome
    fields["reduce_to"] = reduce_to
    fields["seal"] = seal
    fields["eligible_on"] = eligible_on
    fields["route"] = route
    fields["track"] = track
    fields["questions"] = tuple(questions)
    fields["reasons"] = tuple(reasons)
    fields["in_county"] = info.in_county
    return det


def review(info: CountInfo, relief: Relief, code: str, text: str, reasons, **kwargs) -> Determination:
    return build(info, relief, NEEDS_REVIEW, reasons, questions=(Question(code, text),), **kwargs)


def ask(info: CountInfo, relief: Relief, question: tuple[Question], reasons, *, eligible_on: dt.date | None = None,
        route: str = "", track: str = "") -> Determination:
    """:func:`review` with a question built once (a module constant): the usual questions never change."""
    return build(info, relief, NEEDS_REVIEW, reasons, questions=question, eligible_on=eligible_on, route=route,
                 track=track)


@lru_cache(maxsize=1 << 16)
def fmt(day: dt.date | None) -> str:
    # Reasons quote the same few thousand dates over and over; date.isoformat() is slow to format.
    return day.isoformat() if day else "an unknown date"


@dataclass(frozen=True)
class Gate:
    """The person-level status gates of the dismissal statutes, for one count."""

    blocked_until: dt.date | None  # latest end of another sentence still running
    unknown: list[str]  # other cases with a running sentence of unknown length
    running: list[str]  # other cases still running
    pending: bool

    def __init__(self, blocked_until: dt.date | None, unknown: list[str], running: list[str], pending: bool) -> None:
        # One per count and dismissal law: filled like the result classes (see results.py).
        fields = self.__dict__
        fields["blocked_until"] = blocked_until
        fields["unknown"] = unknown
        fields["running"] = running
        fields["pending"] = pending


def status_gate(info: CountInfo, ctx: Ctx, supervision_only: bool = False) -> Gate:
    """The gates for one count. The laws call it only when some sentence runs (``ctx.facts.serving``):
    for most people none does, and nothing blocks."""
    facts = ctx.facts
    until = None
    unknown: list[str] = []
    running: list[str] = []
    # PersonFacts.running(), inlined: this runs for every count under every dismissal law.
    key = info.key
    for other in facts.supervised if supervision_only else facts.serving:
        if other.key is key:
            continue
        end = other.supervision_end if supervision_only else other.completion
        label = f"{other.count.case_number or 'case'} {other.code_section_text}".strip()
        if end == UNKNOWN_END:
            unknown.append(label)
        else:
            running.append(label)
            until = end if until is None or end > until else until
    return Gate(until, unknown, running, bool(facts.pending))


def priors_text(priors) -> str:
    return ", ".join(f"{p.text} ({fmt(p.date)})" for p in priors)
