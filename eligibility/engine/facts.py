"""Facts the laws share, computed once per person: per-count views (level, dates, sentence
completion, relief already granted) and person-level gates (registrant, superstrike priors,
sentences still running anywhere, pending cases, age).

Sentence completion is read from the sentence in force (``Count.sentence``), started on
``Count.sentence_start``. Custody (prison, jail, 1170(h) jail, CYA) and probation run from that
start; parole and mandatory supervision follow the custody term. Fines, restitution and community
service do not keep a sentence open. A custody or supervision part without a length makes the end
*unknown*, and the laws ask rather than guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from .code_section import CodeSection
from .offense_lists import OffenseLists
from .record import (
    Count,
    Cycle,
    DispositionKind,
    Event,
    EventKind,
    Level,
    Person,
    RegistrationKind,
    SentenceKind,
    add_term,
)
from .results import CountKey, Question, new_count_key

CUSTODY = frozenset({SentenceKind.PRISON, SentenceKind.JAIL, SentenceKind.COUNTY_JAIL_1170H, SentenceKind.CYA})
AFTER_CUSTODY = frozenset({SentenceKind.PAROLE, SentenceKind.MANDATORY_SUPERVISION})
SUPERVISION = frozenset({SentenceKind.PROBATION, SentenceKind.PAROLE, SentenceKind.MANDATORY_SUPERVISION})
REGISTRATION_OFFENSES = (CodeSection("PC", "290"), CodeSection("PC", "290.018"))
_REGISTRATION_BASES = frozenset((s.code, s.section) for s in REGISTRATION_OFFENSES)
UNKNOWN_END = dt.date.max  # a running sentence whose end the record does not give
_new = object.__new__

_DONE_KINDS = frozenset({DispositionKind.SET_ASIDE, DispositionKind.RELIEF_GRANTED, DispositionKind.SEALED,
                         DispositionKind.DISMISSED})
_ARREST_KINDS = (EventKind.ARREST, EventKind.SUPPLEMENTAL_ARREST)

# Python 3.11 finds an enum member through EnumType.__getattr__, at several times the cost of a
# global: the per-event, per-count and per-disposition loops below compare against these instead.
_COURT, _REGISTRATION, _DECEASED = EventKind.COURT, EventKind.REGISTRATION, EventKind.DECEASED
_CONVICTED, _PENDING, _SEALED, _DISMISSED = (DispositionKind.CONVICTED, DispositionKind.PENDING,
                                             DispositionKind.SEALED, DispositionKind.DISMISSED)
_PROBATION_REVOKED = DispositionKind.PROBATION_REVOKED
_REDUCED_TO_MISDEMEANOR = DispositionKind.REDUCED_TO_MISDEMEANOR
_REDUCED_TO_INFRACTION = DispositionKind.REDUCED_TO_INFRACTION
_FELONY, _MISDEMEANOR, _INFRACTION, _UNKNOWN_LEVEL = Level.FELONY, Level.MISDEMEANOR, Level.INFRACTION, Level.UNKNOWN
_PROBATION, _PRISON, _COUNTY_JAIL_1170H, _MANDATORY_SUPERVISION = (
    SentenceKind.PROBATION, SentenceKind.PRISON, SentenceKind.COUNTY_JAIL_1170H, SentenceKind.MANDATORY_SUPERVISION)


@dataclass(slots=True)
class CountInfo:
    key: CountKey
    cycle: Cycle
    event: Event
    count: Count
    section: CodeSection | None
    base: tuple[str, str] | None
    attempted: bool
    level: Level  # current level, after reductions already recorded
    conviction_level: Level
    conviction_date: dt.date | None
    judgment_date: dt.date | None  # when the sentence in force was pronounced
    offense_date: dt.date | None  # the best date for the conduct
    offense_date_source: str  # "offense date" | "arrest date" | "conviction date" | ""
    county: str
    in_county: bool
    sentence_known: bool
    kinds: frozenset
    probation: bool  # the sentence in force includes probation
    revoked: bool
    prison: bool
    county_jail_1170h: bool
    split_sentence: bool  # 1170(h)(5)(B): mandatory supervision follows the jail term
    suspended_prison: bool
    probation_end: dt.date | None
    completion: dt.date | None  # None with sentence_known=False, or UNKNOWN_END when open-ended
    supervision_end: dt.date | None
    relief_statutes: tuple[str, ...]  # statutes of set-asides / relief already granted
    sealed: bool
    dismissed_after_conviction: bool
    warning: bool  # a ParseWarning that affects eligibility
    # Doubts about the record itself, added to every determination of the count.
    record_questions: tuple = ()
    force_review: bool = False  # a doubt that must send every determination to review
    code_section_text: str = ""  # str(section), else the charge as written: the laws quote this

    def relief_done(self, *fragments: str) -> str:
        """The recorded statute of relief already granted that names one of ``fragments``."""
        for statute in self.relief_statutes:
            for fragment in fragments:
                if fragment in statute:
                    return statute
        return ""


def _norm_statute(text: str) -> str:
    return " ".join(text.upper().replace("PC", " ").replace("HS", " ").split())


_NO_SENTENCE = (False, frozenset(), None, None, None, False)


def _sentence(parts, start: dt.date | None):
    if not parts or start is None:
        return _NO_SENTENCE
    kinds = set()
    custody_end: dt.date | None = start
    probation_end: dt.date | None = None
    unknown = False
    split = False
    after_custody = False
    for part in parts:
        kind = part.kind
        kinds.add(kind)
        if part.suspended:
            continue
        if kind in CUSTODY:
            # SentencePart.end_date, without the extra call: no end without a length and a unit.
            end = add_term(start, part.amount, part.unit) if part.amount is not None and part.unit else None
            if end is None:
                unknown = True
            elif custody_end is None or end > custody_end:
                custody_end = end
        elif kind == _PROBATION:
            end = add_term(start, part.amount, part.unit) if part.amount is not None and part.unit else None
            if end is None:
                unknown = True
            elif probation_end is None or end > probation_end:
                probation_end = end
        elif kind in AFTER_CUSTODY:
            after_custody = True
    completion = max(custody_end, probation_end) if probation_end else custody_end
    supervision_end = probation_end
    for part in parts if after_custody else ():  # parole or supervision: rare, and runs from custody's end
        if part.kind in AFTER_CUSTODY and not part.suspended:
            if part.kind == _MANDATORY_SUPERVISION:
                split = True
            end = part.end_date(custody_end) if custody_end else None
            if end is None:
                unknown = True
            else:
                completion = max(completion, end)
                supervision_end = max(supervision_end, end) if supervision_end else end
    if unknown:
        completion = UNKNOWN_END
        if not SUPERVISION.isdisjoint(kinds):
            supervision_end = UNKNOWN_END
    return True, frozenset(kinds), probation_end, completion, supervision_end, split


def count_info(person: Person, key: CountKey, cycle: Cycle, event: Event, count: Count, policy_county: str,
               arrest_date: dt.date | None) -> CountInfo:
    section = count.code_section
    # One pass over the dispositions: the Count properties each walk them again.
    conviction = None
    level = _UNKNOWN_LEVEL
    parts: list = []
    sentence_date = None
    relief: tuple[str, ...] = ()  # a tuple, not a list to copy: nearly every count has none
    sealed = dismissed = revoked = reduced = False
    for disposition in count.dispositions:
        kind = disposition.kind
        if disposition.sentence:
            parts = disposition.sentence
            sentence_date = disposition.date
        if kind == _CONVICTED:
            if conviction is None:
                conviction = disposition
                level = disposition.level if disposition.level != _UNKNOWN_LEVEL else count.toc
        elif kind == _PROBATION_REVOKED:
            revoked = True
        elif kind == _REDUCED_TO_MISDEMEANOR:
            level = _MISDEMEANOR
            reduced = True
        elif kind == _REDUCED_TO_INFRACTION:
            level = _INFRACTION
            reduced = True
        elif kind in _DONE_KINDS:
            if kind == _SEALED:
                sealed = True
            elif kind == _DISMISSED:
                dismissed = dismissed or conviction is not None
            else:
                relief += (_norm_statute(disposition.statute) or kind.name,)
    if conviction is None:
        # Count.current_level without its walks: the type of charge, unless a later update reduced it.
        if not reduced:
            level = count.toc
        conviction_level = level
        conviction_date = None
    else:
        conviction_level = conviction.level if conviction.level != _UNKNOWN_LEVEL else count.toc
        conviction_date = conviction.date
    judgment_date = sentence_date or conviction_date
    if count.offense_date:
        offense_date, offense_date_source = count.offense_date, "offense date"
    elif arrest_date or cycle.date:
        offense_date, offense_date_source = arrest_date or cycle.date, "arrest date"
    elif conviction_date:
        offense_date, offense_date_source = conviction_date, "conviction date"
    else:
        offense_date, offense_date_source = None, ""
    sentence_known, kinds, probation_end, completion, supervision_end, split_sentence = _sentence(
        parts, judgment_date)
    county = (event.county or "").strip().upper()
    # A warning on the person (text the parser could not place) puts every count in doubt.
    warnings: list[str] = []
    if count.warnings or event.warnings or person.warnings:  # rare: skip building the tuple
        warnings = [w.message for w in (*count.warnings, *event.warnings, *person.warnings) if w.affects_eligibility]
    questions: list[Question] = []
    if warnings:
        questions.append(Question("parse_warning", "The source could not be read with certainty: "
                                  + "; ".join(warnings)))
    if policy_county and county != policy_county:
        if not county:
            questions.append(_COURT_UNKNOWN)
        else:
            questions.append(_court_not_in_county(county, policy_county))
    prison = suspended_prison = False
    for part in parts:
        if part.kind == _PRISON:
            if part.suspended:
                suspended_prison = True
            else:
                prison = True
    warning = bool(warnings)
    # Every field set here, in field order, on a bare instance: a class call with 33 arguments costs more
    # than the rest of this function (tests/eligibility/test_fast_paths.py checks that none is missed).
    info = _new(CountInfo)
    info.key = key
    info.cycle = cycle
    info.event = event
    info.count = count
    info.section = section
    info.base = (section.code, section.section) if section else None
    info.attempted = count.attempted
    info.level = level
    info.conviction_level = conviction_level
    info.conviction_date = conviction_date
    info.judgment_date = judgment_date
    info.offense_date = offense_date
    info.offense_date_source = offense_date_source
    info.county = county
    info.in_county = not policy_county or not county or county == policy_county
    info.sentence_known = sentence_known
    info.kinds = kinds
    info.probation = _PROBATION in kinds
    info.revoked = revoked
    info.prison = prison
    info.county_jail_1170h = _COUNTY_JAIL_1170H in kinds
    info.split_sentence = split_sentence
    info.suspended_prison = suspended_prison
    info.probation_end = probation_end
    info.completion = completion
    info.supervision_end = supervision_end
    info.relief_statutes = relief
    info.sealed = sealed
    info.dismissed_after_conviction = dismissed
    info.warning = warning
    info.record_questions = tuple(questions) if questions else ()
    info.force_review = warning or (bool(policy_county) and not county)
    info.code_section_text = str(section) if section else (count.charge_text or "")
    return info


_COURT_UNKNOWN = Question("court_unknown", "Which county's court entered this judgment?")


@lru_cache(maxsize=256)
def _court_not_in_county(county: str, policy_county: str) -> Question:
    # A handful of counties recur on every record; the question is immutable, so it is shared.
    return Question("court_not_in_county", f"Judgment entered in {county} County, not {policy_county}: "
                    "refer it or file there.")


@dataclass(frozen=True, slots=True)
class Prior:
    date: dt.date | None
    text: str
    certain: bool
    doubt: str = ""


@dataclass(slots=True)
class PersonFacts:
    person: Person
    as_of: dt.date
    convictions: list[CountInfo]
    arrest_only: list[tuple[CountKey, Cycle, Event, Count]]
    registrant: bool
    registrant_basis: str
    superstrikes: list[Prior]
    pending: list[tuple[dt.date | None, str]]
    deceased: bool
    # Counts whose sentence, or supervision, is still running at the as-of date: every dismissal
    # law asks for them once per count, so they are found once per person.
    serving: list[CountInfo]
    supervised: list[CountInfo]

    def arrest_bases(self, cycle: int) -> frozenset[tuple[str, str]]:
        """The (code, section) of every count on the cycle's arrest events. Few counts need it (Prop 64's
        plea-bargain check), so it is found when asked rather than for every cycle."""
        return frozenset((count.code_section.code, count.code_section.section)
                         for event in self.person.cycles[cycle].events if event.kind in _ARREST_KINDS
                         for count in event.counts if count.code_section is not None)

    # -- age -------------------------------------------------------------------------------------
    def age_on(self, day: dt.date | None) -> int | None:
        dob = self.person.dob
        if dob is None or day is None:
            return None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    # -- sentences running anywhere ---------------------------------------------------------------
    def running(self, exclude: CountKey | None = None, supervision_only: bool = False):
        """Counts whose sentence (or supervision) is still running at the as-of date."""
        return [info for info in (self.supervised if supervision_only else self.serving) if info.key is not exclude]

    @property
    def currently_serving(self) -> bool:
        return bool(self.serving)

    @property
    def under_supervision(self) -> bool:
        return bool(self.supervised)

    @property
    def pending_case(self) -> bool:
        return bool(self.pending)

    def superstrikes_before(self, day: dt.date | None, exclude: CountKey | None = None) -> list[Prior]:
        """Superstrike convictions dated before ``day`` (all of them when ``day`` is unknown)."""
        return [p for p in self.superstrikes if day is None or p.date is None or p.date < day]

    def convictions_after(self, day: dt.date, exclude: CountKey | None = None,
                          felony_only: bool = False) -> list[CountInfo]:
        return [c for c in self.convictions
                if c.key is not exclude and c.conviction_date is not None and c.conviction_date > day
                and c.conviction_date <= self.as_of
                and (not felony_only or c.conviction_level == _FELONY)]


def person_facts(person: Person, as_of: dt.date, policy_county: str, lists: OffenseLists) -> PersonFacts:
    convictions: list[CountInfo] = []
    arrest_only: list[tuple[CountKey, Cycle, Event, Count]] = []
    pending: list[tuple[dt.date | None, str]] = []
    registrant_basis = ""
    deceased = person.deceased
    for ci, cycle in enumerate(person.cycles):
        events = cycle.events
        arrest_date = None
        arrested = convicted_in_cycle = False
        for event in events:
            kind = event.kind
            if kind in _ARREST_KINDS:
                arrested = True
                if arrest_date is None:
                    arrest_date = event.date
            elif kind == _REGISTRATION:
                if event.registration == RegistrationKind.SEX_OFFENDER:
                    registrant_basis = registrant_basis or "a PC 290 registration event"
            elif kind == _DECEASED:
                deceased = True
        for ei, event in enumerate(events):
            court = event.kind == _COURT
            for ki, count in enumerate(event.counts):
                dispositions = count.dispositions
                if not dispositions:  # neither pending nor convicted
                    continue
                last = dispositions[-1]
                if last.kind == _PENDING:
                    pending.append((last.date or event.date, count.case_number or str(count.code_section)))
                if not court:
                    continue
                for disposition in dispositions:  # Count.conviction, without the property call
                    if disposition.kind == _CONVICTED:
                        break
                else:
                    continue
                convicted_in_cycle = True
                info = count_info(person, new_count_key(ci, ei, ki), cycle, event, count, policy_county, arrest_date)
                convictions.append(info)
                if info.base in _REGISTRATION_BASES and not registrant_basis and any(
                        info.section.within(s) for s in REGISTRATION_OFFENSES):
                    registrant_basis = f"a conviction for failing to register ({info.code_section_text})"
        if not convicted_in_cycle:
            # A cycle with no arrest event (a citation or a DOJ court-only row) uses its court counts.
            kinds = _ARREST_KINDS if arrested else (_COURT,)
            for ei, event in enumerate(events):
                if event.kind in kinds:
                    for ki, count in enumerate(event.counts):
                        arrest_only.append((new_count_key(ci, ei, ki), cycle, event, count))
    superstrikes = []
    for info in convictions:
        hit = lists.superstrikes.match(info.section, info.attempted)
        if hit is not None:
            superstrikes.append(Prior(info.conviction_date, f"{info.code_section_text}"
                                      + (" (attempted)" if info.attempted else ""), hit.certain, hit.doubt))
    # Positional, in field order (person, as_of, convictions, arrest_only, registrant, registrant_basis,
    # superstrikes, pending, deceased, serving, supervised): keywords cost more than the class call.
    return PersonFacts(
        person, as_of, convictions, arrest_only, bool(registrant_basis), registrant_basis, superstrikes, pending,
        deceased,
        [c for c in convictions if c.completion is not None and c.completion > as_of],
        [c for c in convictions if c.supervision_end is not None and c.supervision_end > as_of],
    )


def burglary_degree(info: CountInfo) -> str:
    """"first" | "second" | "" for a PC 459/460 count: the degree decides seriousness (1192.7(c)(18))
    and whether it is a wobbler, and the RAP sheet shows it only in the section or the words."""
    section = info.section
    if section is None or section.code != "PC" or section.section not in ("459", "460"):
        return ""
    if section.section == "460" and section.subsections:
        return {"a": "first", "b": "second"}.get(section.subsections[0], "")
    words = f" {info.count.description} {info.count.charge_text} ".upper()
    if "SECOND" in words or "2ND" in words or "COMMERCIAL" in words:
        return "second"
    if "FIRST" in words or "1ST" in words or "RESIDENTIAL" in words:
        return "first"
    return ""

