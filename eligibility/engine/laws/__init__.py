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


# Level.value is a Python-level property in 3.11, and every determination records its level.
_LEVEL_TEXT = {level: level.value for level in Level}


def build(info: CountInfo, relief: Relief, outcome: Outcome, reasons, *, questions=(),
          reduce_to: Level | None = None, seal: bool = False, eligible_on: dt.date | None = None,
          route: str = "", track: str = "") -> Determination:
    floor = info.conviction_date
    if eligible_on is not None and floor is not None and eligible_on < floor:
        eligible_on = floor
    if eligible_on == UNKNOWN_END:
        eligible_on = None
    if info.record_questions:
        questions = (*questions, *info.record_questions)
        if info.force_review and outcome != NEEDS_REVIEW:
            reasons = (*reasons, Reason(f"The record leaves a doubt that could change this result "
                                        f"(otherwise: {outcome.value})", relief.value))
            outcome, reduce_to, seal = NEEDS_REVIEW, None, False
    # Positional, in field order: keyword arguments to a class call cost more than the object.
    count = info.count
    return Determination(
        info.key,  # key
        count.case_number,  # case_number
        count.number,  # count_number
        info.code_section_text,  # code_section
        info.attempted,  # attempted
        _LEVEL_TEXT[info.level],  # level
        info.conviction_date,  # disposition_date
        info.county,  # court_county
        relief,
        outcome,
        reduce_to,
        seal,
        eligible_on,
        route,
        track,
        tuple(questions),
        tuple(reasons),
        info.in_county,
    )


def review(info: CountInfo, relief: Relief, code: str, text: str, reasons, **kwargs) -> Determination:
    return build(info, relief, NEEDS_REVIEW, reasons, questions=(Question(code, text),), **kwargs)


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
    until = None
    unknown: list[str] = []
    running: list[str] = []
    # PersonFacts.running(), inlined: this runs for every count under every dismissal law.
    key = info.key
    for other in ctx.facts.supervised if supervision_only else ctx.facts.serving:
        if other.key is key:
            continue
        end = other.supervision_end if supervision_only else other.completion
        label = f"{other.count.case_number or 'case'} {other.code_section_text}".strip()
        if end == UNKNOWN_END:
            unknown.append(label)
        else:
            running.append(label)
            until = end if until is None or end > until else until
    return Gate(until, unknown, running, ctx.facts.pending_case)


def priors_text(priors) -> str:
    return ", ".join(f"{p.text} ({fmt(p.date)})" for p in priors)
