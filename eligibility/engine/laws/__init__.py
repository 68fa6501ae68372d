"""One module per relief law. Each exposes ``evaluate(info, ctx)`` returning the determinations
for one convicted count (an empty list when the count is outside the law's scope), except
``pc851_93`` which reads arrest-only counts. Shared building blocks live here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..facts import UNKNOWN_END, CountInfo, PersonFacts
from ..offense_lists import OffenseLists
from ..policy import Policy
from ..record import Level
from ..results import Determination, Outcome, Question, Reason, Relief


@dataclass(slots=True)
class Ctx:
    facts: PersonFacts
    policy: Policy
    as_of: dt.date
    lists: OffenseLists

    def confirmed(self, rule: str) -> bool:
        return rule in self.policy.confirmed_rules


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
        if info.force_review and outcome != Outcome.NEEDS_REVIEW:
            reasons = (*reasons, Reason(f"The record leaves a doubt that could change this result "
                                        f"(otherwise: {outcome.value})", relief.value))
            outcome, reduce_to, seal = Outcome.NEEDS_REVIEW, None, False
    return Determination(
        key=info.key,
        case_number=info.count.case_number,
        count_number=info.count.number,
        code_section=info.code_section_text,
        attempted=info.attempted,
        level=info.level.value,
        disposition_date=info.conviction_date,
        court_county=info.county,
        relief=relief,
        outcome=outcome,
        reduce_to=reduce_to,
        seal=seal,
        eligible_on=eligible_on,
        route=route,
        track=track,
        questions=tuple(questions),
        reasons=tuple(reasons),
        in_county=info.in_county,
    )


def review(info: CountInfo, relief: Relief, code: str, text: str, reasons, **kwargs) -> Determination:
    return build(info, relief, Outcome.NEEDS_REVIEW, reasons, questions=(Question(code, text),), **kwargs)


def fmt(day: dt.date | None) -> str:
    return day.isoformat() if day else "an unknown date"


@dataclass(frozen=True, slots=True)
class Gate:
    """The person-level status gates of the dismissal statutes, for one count."""

    blocked_until: dt.date | None  # latest end of another sentence still running
    unknown: list[str]  # other cases with a running sentence of unknown length
    running: list[str]  # other cases still running
    pending: bool


def status_gate(info: CountInfo, ctx: Ctx, supervision_only: bool = False) -> Gate:
    until = None
    unknown: list[str] = []
    running: list[str] = []
    for other in ctx.facts.running(exclude=info.key, supervision_only=supervision_only):
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
