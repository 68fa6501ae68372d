"""What the engine returns: one :class:`Determination` per (count x relief law), and a
:class:`PersonResult` that carries them with the person-level facts that decided them.

Every determination says *why* (ordered :class:`Reason` rows, each ending with the statute that
produced it) and, when the record cannot decide, *what to ask* (:class:`Question` rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from .record import Level


class Outcome(StrEnum):
    DISMISS = "dismiss"
    REDUCE = "reduce"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_REVIEW = "needs_review"
    NOT_YET_ELIGIBLE = "not_yet_eligible"


# Outcomes that propose relief; "after relief" person facts apply only these.
GRANTING = frozenset({Outcome.DISMISS, Outcome.REDUCE})


class Relief(StrEnum):
    PROP64 = "HS 11361.8"
    PC1203_4 = "PC 1203.4"
    PC1203_4A = "PC 1203.4a"
    PC1203_41 = "PC 1203.41"
    PC1203_42 = "PC 1203.42"
    PC17B = "PC 17(b)"
    PC17D2 = "PC 17(d)(2)"
    PROP47 = "PC 1170.18"
    PC1203_425 = "PC 1203.425"
    PC851_93 = "PC 851.93"


QUESTION_CODES = frozenset({
    "plea_bargain", "quantity_unknown", "age_unknown", "sentence_unknown", "level_unknown",
    "court_unknown", "court_not_in_county", "parse_warning", "value_unknown", "unverified_rule",
    "priors_unverified", "other",
})


_new = object.__new__

# The result classes are frozen dataclasses with a hand-written __init__ that fills the instance
# dict: the generated one pays an object.__setattr__ per field, and the engine builds tens of
# thousands of these per thousand people. The signatures are the generated ones, so replace(),
# equality, hashing, repr and pickling behave as before.


@dataclass(frozen=True)
class Reason:
    text: str
    citation: str

    def __init__(self, text: str, citation: str) -> None:
        fields = self.__dict__
        fields["text"] = text
        fields["citation"] = citation

    def __str__(self) -> str:
        return f"{self.text} ({self.citation})"


def new_reason(text: str, citation: str) -> Reason:
    """``Reason(text, citation)`` for the reasons the laws write per count (those that quote a date or a
    section). Calling a class whose ``__init__`` is Python code goes through C (slot_tp_init), which costs
    more than this function filling the same instance dict the same way (laws.build does the same for
    Determination). Reasons that never change are module constants instead."""
    reason = _new(Reason)
    fields = reason.__dict__
    fields["text"] = text
    fields["citation"] = citation
    return reason


@dataclass(frozen=True)
class Question:
    code: str
    text: str

    def __init__(self, code: str, text: str) -> None:
        if code not in QUESTION_CODES:
            raise ValueError(f"unknown question code {code!r}")
        fields = self.__dict__
        fields["code"] = code
        fields["text"] = text


@dataclass(frozen=True)
class CountKey:
    """Indexes into ``person.cycles[cycle].events[event].counts[count]``."""

    cycle: int
    event: int
    count: int

    def __init__(self, cycle: int, event: int, count: int) -> None:
        fields = self.__dict__
        fields["cycle"] = cycle
        fields["event"] = event
        fields["count"] = count


def new_count_key(cycle: int, event: int, count: int) -> CountKey:
    """``CountKey(...)`` for the per-count hot path: see :func:`new_reason`."""
    key = _new(CountKey)
    fields = key.__dict__
    fields["cycle"] = cycle
    fields["event"] = event
    fields["count"] = count
    return key


@dataclass(frozen=True)
class Determination:
    key: CountKey
    case_number: str
    count_number: int
    code_section: str
    attempted: bool
    level: str
    disposition_date: dt.date | None
    court_county: str
    relief: Relief
    outcome: Outcome
    reduce_to: Level | None
    seal: bool
    eligible_on: dt.date | None
    route: str  # "mandatory" | "discretionary" | ""
    track: str  # Prop 64: "resentencing" | "redesignation"; "" elsewhere or when unknown
    questions: tuple[Question, ...]
    reasons: tuple[Reason, ...]
    in_county: bool

    def __init__(self, key, case_number, count_number, code_section, attempted, level, disposition_date,
                 court_county, relief, outcome, reduce_to, seal, eligible_on, route, track, questions, reasons,
                 in_county) -> None:
        fields = self.__dict__
        fields["key"] = key
        fields["case_number"] = case_number
        fields["count_number"] = count_number
        fields["code_section"] = code_section
        fields["attempted"] = attempted
        fields["level"] = level
        fields["disposition_date"] = disposition_date
        fields["court_county"] = court_county
        fields["relief"] = relief
        fields["outcome"] = outcome
        fields["reduce_to"] = reduce_to
        fields["seal"] = seal
        fields["eligible_on"] = eligible_on
        fields["route"] = route
        fields["track"] = track
        fields["questions"] = questions
        fields["reasons"] = reasons
        fields["in_county"] = in_county


@dataclass(frozen=True)
class PersonResult:
    person_key: str
    determinations: tuple[Determination, ...]
    registrant: bool
    superstrike_priors: tuple[str, ...]
    currently_serving: bool
    under_supervision: bool
    pending_case: bool
    deceased: bool
    # After every dismiss/reduce outcome is applied; needs_review and not_yet are not assumed granted.
    no_felony_after_relief: bool
    no_conviction_after_relief: bool
    rule_set_version: str
    policy_version: str
    as_of: dt.date
    input_hash: str

    def __init__(self, person_key, determinations, registrant, superstrike_priors, currently_serving,
                 under_supervision, pending_case, deceased, no_felony_after_relief, no_conviction_after_relief,
                 rule_set_version, policy_version, as_of, input_hash) -> None:
        fields = self.__dict__
        fields["person_key"] = person_key
        fields["determinations"] = determinations
        fields["registrant"] = registrant
        fields["superstrike_priors"] = superstrike_priors
        fields["currently_serving"] = currently_serving
        fields["under_supervision"] = under_supervision
        fields["pending_case"] = pending_case
        fields["deceased"] = deceased
        fields["no_felony_after_relief"] = no_felony_after_relief
        fields["no_conviction_after_relief"] = no_conviction_after_relief
        fields["rule_set_version"] = rule_set_version
        fields["policy_version"] = policy_version
        fields["as_of"] = as_of
        fields["input_hash"] = input_hash

    def for_relief(self, relief: Relief) -> tuple[Determination, ...]:
        return tuple(d for d in self.determinations if d.relief == relief)
