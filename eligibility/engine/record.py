"""The normalized criminal record: what intake produces and what the rules engine reads.

Both sources (RAP sheets and the DOJ research file) are turned into the same shape:
person -> cycles -> events -> counts, with every disposition kept in date order so that the
count's *current* state (what eligibility depends on) and its *history* (what attorneys read)
come from the same data. Plain dataclasses, no Django: the engine and the CLI run without a
database, and the Django models are a stored copy of this shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from .code_section import CodeSection


class Level(StrEnum):
    FELONY = "felony"
    MISDEMEANOR = "misdemeanor"
    INFRACTION = "infraction"
    UNKNOWN = "unknown"

    @classmethod
    def from_text(cls, text: str | None) -> Level:
        """``FELONY``/``F``/``MISDEMEANOR``/``M``/``INFRACTION``/``I`` in any case; else unknown."""
        value = (text or "").strip().upper()
        if value in ("F", "FELONY", "FEL"):
            return cls.FELONY
        if value in ("M", "MISDEMEANOR", "MISD", "MIS"):
            return cls.MISDEMEANOR
        if value in ("I", "INFRACTION", "INF"):
            return cls.INFRACTION
        return cls.UNKNOWN


class EventKind(StrEnum):
    ARREST = "arrest"
    COURT = "court"
    SUPPLEMENTAL_ARREST = "supplemental_arrest"
    CUSTODY = "custody"
    PROBATION = "probation"
    REGISTRATION = "registration"
    APPLICANT = "applicant"
    MENTAL_HEALTH = "mental_health"
    DECEASED = "deceased"
    OTHER = "other"


class DispositionKind(StrEnum):
    CONVICTED = "convicted"
    DISMISSED = "dismissed"
    PROSECUTOR_REJECTED = "prosecutor_rejected"
    ACQUITTED = "acquitted"
    # PC 1203.4 / 1203.4a / 1203.41 / 1203.42 set-aside, or 1203.425 "relief granted".
    SET_ASIDE = "set_aside"
    PROBATION_REVOKED = "probation_revoked"
    SENTENCE_MODIFIED = "sentence_modified"
    REDUCED_TO_MISDEMEANOR = "reduced_to_misdemeanor"
    REDUCED_TO_INFRACTION = "reduced_to_infraction"
    # Prop 64 / Prop 47 relief already granted by a court (redesignated, dismissed and sealed).
    RELIEF_GRANTED = "relief_granted"
    SEALED = "sealed"
    PENDING = "pending"
    OTHER = "other"


# Python 3.11 finds an enum member through EnumType.__getattr__, at several times the cost of a
# global; Count.conviction runs for every count the engine reads.
_CONVICTED = DispositionKind.CONVICTED


class SentenceKind(StrEnum):
    PROBATION = "probation"
    JAIL = "jail"
    PRISON = "prison"
    # Felony county jail under PC 1170(h); split sentences carry mandatory supervision.
    COUNTY_JAIL_1170H = "county_jail_1170h"
    MANDATORY_SUPERVISION = "mandatory_supervision"
    PAROLE = "parole"
    FINE = "fine"
    RESTITUTION = "restitution"
    COMMUNITY_SERVICE = "community_service"
    CYA = "cya"
    OTHER = "other"


class RegistrationKind(StrEnum):
    SEX_OFFENDER = "PC 290"
    NARCOTICS = "HS 11590"
    ARSON = "PC 457.1"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a piece of the record was read: a line of a RAP sheet or a row of a DOJ file."""

    source: str  # file name
    line: int  # 1-based line of the extracted text, or of the DOJ file
    page: int | None = None  # 1-based PDF page, when the source is paged
    text: str = ""


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Text the parser could not place, or a reading it is unsure of. Never dropped silently.

    ``affects_eligibility`` marks warnings that could change a determination: such a record is
    sent to attorney review rather than guessed.
    """

    message: str
    ref: SourceRef | None = None
    affects_eligibility: bool = True


@dataclass(frozen=True, slots=True)
class SentencePart:
    """One part of a sentence: ``036 MONTHS PROBATION`` is ``SentencePart(PROBATION, 36, "M")``.

    The length keeps its own unit (``D``, ``M`` or ``Y``) so that three years of probation from
    2019-04-02 end on 2022-04-02, as a court counts it, not 1,095 days later.
    """

    kind: SentenceKind
    amount: int | None = None
    unit: str = ""  # "D" | "M" | "Y"; "" when there is no length (a fine)
    raw: str = ""
    suspended: bool = False
    concurrent: bool = False

    def end_date(self, start: dt.date) -> dt.date | None:
        if self.amount is None or not self.unit:
            return None
        return add_term(start, self.amount, self.unit)

    @property
    def days(self) -> int | None:
        """Approximate length in days, for comparisons and display only."""
        if self.amount is None or not self.unit:
            return None
        return term_days(self.amount, self.unit)


@dataclass(slots=True)
class Disposition:
    """One dated state of a count: the first disposition or a later update."""

    kind: DispositionKind
    date: dt.date | None
    raw: str = ""
    level: Level = Level.UNKNOWN  # for CONVICTED: the conviction status
    sentence: list[SentencePart] = field(default_factory=list)
    # For SET_ASIDE / RELIEF_GRANTED: the statute named ("PC 1203.4", "HS 11361.8"...).
    statute: str = ""
    refs: list[SourceRef] = field(default_factory=list)


@dataclass(slots=True)
class Count:
    number: int  # the count's number within its event (CNT:02 -> 2; a range gives one each)
    case_number: str = ""
    code_section: CodeSection | None = None
    attempted: bool = False
    description: str = ""
    charge_text: str = ""  # the charge exactly as written, for display
    toc: Level = Level.UNKNOWN  # type of charge as filed
    dispositions: list[Disposition] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    refs: list[SourceRef] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    # Facts the sources rarely carry; None means unknown (the engine asks, never guesses).
    quantity_grams: float | None = None
    plant_count: int | None = None
    value_dollars: int | None = None
    offense_date: dt.date | None = None

    @property
    def conviction(self) -> Disposition | None:
        """The convicting disposition, first or later (a conviction only in an update counts)."""
        for disposition in self.dispositions:
            if disposition.kind == _CONVICTED:
                return disposition
        return None

    @property
    def is_conviction(self) -> bool:
        return self.conviction is not None

    @property
    def conviction_date(self) -> dt.date | None:
        conviction = self.conviction
        return conviction.date if conviction else None

    @property
    def conviction_level(self) -> Level:
        """The level at conviction, falling back on the type of charge."""
        conviction = self.conviction
        if conviction is not None and conviction.level != Level.UNKNOWN:
            return conviction.level
        return self.toc

    @property
    def current_level(self) -> Level:
        """The level today, after any reduction recorded in later updates."""
        level = self.conviction_level
        for disposition in self.dispositions:
            if disposition.kind == DispositionKind.REDUCED_TO_MISDEMEANOR:
                level = Level.MISDEMEANOR
            elif disposition.kind == DispositionKind.REDUCED_TO_INFRACTION:
                level = Level.INFRACTION
        return level

    def has(self, kind: DispositionKind) -> bool:
        return any(d.kind == kind for d in self.dispositions)

    @property
    def sentence(self) -> list[SentencePart]:
        """The sentence in force: the latest disposition that set one replaces earlier ones
        (a revoked probation followed by a prison term is a prison term, not both)."""
        current: list[SentencePart] = []
        for disposition in self.dispositions:
            if disposition.sentence:
                current = disposition.sentence
        return current

    @property
    def sentence_start(self) -> dt.date | None:
        start = None
        for disposition in self.dispositions:
            if disposition.sentence:
                start = disposition.date
        return start or self.conviction_date

    @property
    def ever_sentenced(self) -> list[SentencePart]:
        parts: list[SentencePart] = []
        for disposition in self.dispositions:
            parts.extend(disposition.sentence)
        return parts


@dataclass(slots=True)
class Event:
    kind: EventKind
    date: dt.date | None
    agency: str = ""  # "CASC SAN FRANCISCO", "CAPD OAKLAND"
    county: str = ""  # derived from the agency: "SAN FRANCISCO", "ALAMEDA"; "" when unknown
    name_code: str = ""  # "01", "02": which of the person's names this event used
    counts: list[Count] = field(default_factory=list)
    refs: list[SourceRef] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    custody_kind: str = ""  # for CUSTODY events: "JAIL", "CDC", "CYA"
    registration: RegistrationKind | None = None  # for REGISTRATION events

    @property
    def case_number(self) -> str:
        for count in self.counts:
            if count.case_number:
                return count.case_number
        return ""


@dataclass(slots=True)
class Cycle:
    date: dt.date | None
    events: list[Event] = field(default_factory=list)
    number: int = 0  # the cycle's order in the source (DOJ CYC_ORDER, or position on the sheet)


@dataclass(frozen=True, slots=True)
class Name:
    code: str  # "01"
    full: str  # "DOE,JANE" as written

    @property
    def display(self) -> str:
        """``DOE,JANE M`` -> ``JANE M DOE``."""
        last, _, first = self.full.partition(",")
        return f"{first.strip()} {last.strip()}".strip() if first else self.full.strip()


@dataclass(slots=True)
class Person:
    source: str  # file name the record came from
    person_key: str  # CII when present, else the source's own key (DOJ SUBJECT_ID, file hash)
    cii: str = ""
    names: list[Name] = field(default_factory=list)
    dob: dt.date | None = None
    other_dobs: list[dt.date] = field(default_factory=list)
    sex: str = ""
    race: str = ""
    cycles: list[Cycle] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    deceased: bool = False
    # Identifiers the source carries beside the CII (FBI, CDL, DOJ SUBJECT_ID...).
    identifiers: dict[str, str] = field(default_factory=dict)
    # Raw source lines the parser read, for "needs review" display and hashing.
    source_kind: str = ""  # "rap_sheet" | "doj"

    @property
    def name(self) -> str:
        return self.names[0].full if self.names else ""

    @property
    def aliases(self) -> list[str]:
        return [n.full for n in self.names[1:]]

    def events(self):
        for cycle in self.cycles:
            yield from cycle.events

    def court_counts(self):
        """Every (event, count) of a court event, in record order."""
        for event in self.events():
            if event.kind == EventKind.COURT:
                for count in event.counts:
                    yield event, count

    def convictions(self):
        """Every (event, count) that is a conviction, in record order."""
        for event, count in self.court_counts():
            if count.is_conviction:
                yield event, count

    @property
    def registrations(self) -> list[RegistrationKind]:
        found = []
        for event in self.events():
            kind = event.registration if event.kind == EventKind.REGISTRATION else None
            if kind is not None and kind not in found:
                found.append(kind)
        return found

    @property
    def is_sex_offender_registrant(self) -> bool:
        return RegistrationKind.SEX_OFFENDER in self.registrations

    @property
    def source_rows(self) -> int:
        """How many source rows (DOJ) or lines (RAP sheet) the record was built from."""
        total = 0
        for event in self.events():
            total += len(event.refs)
            for count in event.counts:
                total += len(count.refs)
        return total


_date, _timedelta = dt.date, dt.timedelta  # bound once: sentence ends are computed per count

TERM_UNITS_DAYS = {"D": 1, "DAY": 1, "DAYS": 1, "DS": 1, "W": 7, "WK": 7, "WEEKS": 7,
                   "M": 30, "MO": 30, "MONTH": 30, "MONTHS": 30, "MOS": 30,
                   "Y": 365, "YR": 365, "YRS": 365, "YEAR": 365, "YEARS": 365}


def term_days(amount: int, unit: str) -> int | None:
    """Convert a sentence length to days; months as calendar-ish 30 days is deliberately avoided
    for probation ends, which use :func:`add_term` instead."""
    factor = TERM_UNITS_DAYS.get(unit.strip().upper())
    return None if factor is None else amount * factor


_MONTHS_PER_UNIT = {"Y": 12, "YR": 12, "YRS": 12, "YEAR": 12, "YEARS": 12,
                    "M": 1, "MO": 1, "MOS": 1, "MONTH": 1, "MONTHS": 1}


def add_term(start: dt.date, amount: int, unit: str) -> dt.date | None:
    """Add a term in its own unit: 3 years after 2019-04-02 is 2022-04-02, not 1095 days later."""
    months = _MONTHS_PER_UNIT.get(unit)  # the sources nearly always write "M" or "Y"
    if months is None:
        unit = unit.strip().upper()
        months = _MONTHS_PER_UNIT.get(unit)
    if months is not None:
        return add_months(start, months * amount)
    factor = TERM_UNITS_DAYS.get(unit)  # term_days(amount, unit), with the unit already normalised above
    # Positional: timedelta(days=...) parses its keywords at twice the cost of the date arithmetic.
    return None if factor is None else start + _timedelta(amount * factor)


def add_months(start: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st of a shorter month falls back to its last day."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    if start.day <= 28:  # every month has the day: the usual case, without the fallback loop
        return _date(year, month, start.day)
    for day in (start.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {start}")


def add_years(start: dt.date, years: int) -> dt.date:
    try:  # the same day and month, years later: every date but 29 February (the laws add years per count)
        return _date(start.year + years, start.month, start.day)
    except ValueError:
        return add_months(start, 12 * years)


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (an anniversary completes a year)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years
