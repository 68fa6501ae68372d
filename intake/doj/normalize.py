"""DOJ row fields -> the normalized record's pieces (:mod:`eligibility.engine.record`).

Every text-to-fact reading here is cached per distinct string: a million-row file holds a few
thousand distinct offense descriptions, dispositions and dates, so the regex in
:func:`~eligibility.engine.code_section.parse_charge` runs a few thousand times, not a million.
Cached values are immutable (``Charge``, ``SentencePart``, ``date``) and shared between counts.
The per-row path (:func:`build_count`, :func:`merge_row`) reads the caches directly and calls the
parsing functions only on a miss.

Which bad values reject a row, and which only warn:

* **Rejected:** an empty SUBJECT_ID. The row cannot be given to anyone, and guessing the person
  would attach a conviction to the wrong record.
* **Kept, with a warning:** every unparseable date or value. A court row whose date cannot be
  read is still a conviction; dropping it would make a person look as if they had no prior (or
  no eligible count). The date becomes ``None`` and the warning marks the count for attorney
  review (``affects_eligibility=True``) when it is a step, disposition or birth date; a sentence
  length that is not a number warns the same way. A bad CYC_DATE only falls back on the cycle's
  earliest step date and does not block anything (``affects_eligibility=False``).
"""

from __future__ import annotations

import datetime as dt

from eligibility.engine.code_section import (
    Charge,
    CodeSection,
    is_see_comment,
    parse_charge,
    parse_comment_charge,
)
from eligibility.engine.record import (
    Count,
    Cycle,
    Disposition,
    DispositionKind,
    Event,
    EventKind,
    Level,
    ParseWarning,
    RegistrationKind,
    SentenceKind,
    SentencePart,
    SourceRef,
)

from .columns import (
    CII_NUMBER,
    COMMENT_TEXT,
    CONV_OFFENSE_DESCR,
    CONV_OFFENSE_QUAL_LST,
    CONV_OFFENSE_TOC,
    CONV_STAT_DESCR,
    DISP_DATE,
    DISP_DESCR,
    DISP_OFFENSE_DESCR,
    DISP_OFFENSE_QUAL_LST,
    DISP_OFFENSE_TOC,
    FE_NUM_CRT_CASE,
    OFFENSE_DESCR,
    OFFENSE_QUAL_LST,
    OFFENSE_TOC,
    REQ_CII_NUMBER,
    SENT_LENGTH,
    SENT_LOC_DESCR,
    SENT_TIME_CODE,
    SENT_TIME_DESCR,
    STP_EVENT_DATE,
    STP_ORI_CNTY_NAME,
    STP_ORI_DESCR,
    STP_TYPE_CODE,
    STP_TYPE_DESCR,
)

# A cache that outgrows this is fed unique junk; starting over bounds memory at no real cost.
_CACHE_LIMIT = 200_000
_MISSING = object()

# Enum members as plain names: ``EventKind.COURT`` goes through EnumType.__getattr__ on Python
# 3.11 and costs as much as a small function call, on a path run for every row.
_COURT = EventKind.COURT
_CUSTODY = EventKind.CUSTODY
_REGISTRATION = EventKind.REGISTRATION
_CONVICTED = DispositionKind.CONVICTED
_UNKNOWN_LEVEL = Level.UNKNOWN


class _Invalid:
    __slots__ = ()

    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()  # a date field holding something that is not a date

_EMPTY_VALUES = frozenset(("", "NULL", "00000000"))
_date_cache: dict[str, dt.date | None | _Invalid] = {}


def parse_date(text: str) -> dt.date | None | _Invalid:
    """``YYYYMMDD`` -> date; empty or ``NULL`` -> None; anything else -> :data:`INVALID`."""
    try:
        return _date_cache[text]
    except KeyError:
        pass
    value = text.strip().upper()
    result: dt.date | None | _Invalid
    if value in _EMPTY_VALUES:
        result = None
    elif len(value) == 8 and value.isdigit():
        try:
            result = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            result = INVALID
    else:
        result = INVALID
    if len(_date_cache) > _CACHE_LIMIT:
        _date_cache.clear()
    _date_cache[text] = result
    return result


_charge_cache: dict[str, tuple[Charge | None, str] | None] = {}  # None: "see comment"
_comment_cache: dict[str, tuple[Charge | None, str]] = {}


def charge_of(offense_descr: str, comment: str = "") -> tuple[Charge | None, str]:
    """The charge a row names and the text it was read from.

    ``SEE COMMENT FOR CHARGE`` sends the reader to COMMENT_TEXT, as the DOJ layout says.
    """
    try:
        result = _charge_cache[offense_descr]
    except KeyError:
        text = offense_descr.strip()
        result = None if is_see_comment(text) else (parse_charge(text), text)
        if len(_charge_cache) > _CACHE_LIMIT:
            _charge_cache.clear()
        _charge_cache[offense_descr] = result
    if result is not None:
        return result
    try:
        return _comment_cache[comment]
    except KeyError:
        text = comment.strip()
        found = _comment_cache[comment] = (parse_comment_charge(text), text)
        if len(_comment_cache) > _CACHE_LIMIT:
            _comment_cache.clear()
        return found


# Order matters: the first matching phrase wins ("CONVICTED-..." before anything else).
_DISPOSITION_PHRASES: tuple[tuple[str, DispositionKind], ...] = (
    ("CONVICTED", DispositionKind.CONVICTED),
    ("1203.4", DispositionKind.SET_ASIDE),
    ("DISMISSED PER", DispositionKind.SET_ASIDE),
    ("11361.8", DispositionKind.RELIEF_GRANTED),
    ("RELIEF GRANTED", DispositionKind.RELIEF_GRANTED),
    ("REDESIGNATED", DispositionKind.RELIEF_GRANTED),
    ("RESENTENCED", DispositionKind.RELIEF_GRANTED),
    ("REDUCED TO MISD", DispositionKind.REDUCED_TO_MISDEMEANOR),
    ("17(B)", DispositionKind.REDUCED_TO_MISDEMEANOR),
    ("REDUCED TO INFRACTION", DispositionKind.REDUCED_TO_INFRACTION),
    ("SEALED", DispositionKind.SEALED),
    ("PROB REVOKED", DispositionKind.PROBATION_REVOKED),
    ("PROBATION REVOKED", DispositionKind.PROBATION_REVOKED),
    ("SENTENCE MODIFIED", DispositionKind.SENTENCE_MODIFIED),
    ("ACQUITTED", DispositionKind.ACQUITTED),
    ("NOT GUILTY", DispositionKind.ACQUITTED),
    ("PROS REL", DispositionKind.PROSECUTOR_REJECTED),
    ("PROSECUTOR REJECTED", DispositionKind.PROSECUTOR_REJECTED),
    ("DA REJECT", DispositionKind.PROSECUTOR_REJECTED),
    ("COMPLAINT DENIED", DispositionKind.PROSECUTOR_REJECTED),
    ("DISMISSED", DispositionKind.DISMISSED),
    ("CHARGE DROPPED", DispositionKind.DISMISSED),
    ("PENDING", DispositionKind.PENDING),
)
_disposition_cache: dict[str, DispositionKind | None] = {}


def disposition_kind(text: str) -> DispositionKind | None:
    """``CONVICTED-JAIL`` -> CONVICTED, ``DISMISSED/CHARGE DROPPED`` -> DISMISSED; ``""`` -> None."""
    try:
        return _disposition_cache[text]
    except KeyError:
        pass
    value = text.strip().upper()
    result: DispositionKind | None = None
    if value and value != "NULL":
        result = DispositionKind.OTHER
        if value.startswith("CONVICTED"):
            result = DispositionKind.CONVICTED
        else:
            for phrase, kind in _DISPOSITION_PHRASES:
                if phrase in value:
                    result = kind
                    break
    if len(_disposition_cache) > _CACHE_LIMIT:
        _disposition_cache.clear()
    _disposition_cache[text] = result
    return result


_EVENT_PHRASES: tuple[tuple[str, EventKind], ...] = (
    ("SUPPLEMENTAL ARR", EventKind.SUPPLEMENTAL_ARREST),
    ("ARREST", EventKind.ARREST),
    ("DETAINED", EventKind.ARREST),
    ("CITED", EventKind.ARREST),
    ("COURT", EventKind.COURT),
    ("REGISTRATION", EventKind.REGISTRATION),
    ("DECEASED", EventKind.DECEASED),
    ("DEATH", EventKind.DECEASED),
    ("PROBATION", EventKind.PROBATION),
    ("CUSTODY", EventKind.CUSTODY),
    ("JAIL", EventKind.CUSTODY),
    ("CDC", EventKind.CUSTODY),
    ("CDCR", EventKind.CUSTODY),
    ("PRISON", EventKind.CUSTODY),
    ("CYA", EventKind.CUSTODY),
    ("APPLICANT", EventKind.APPLICANT),
    ("MENTAL", EventKind.MENTAL_HEALTH),
)
_event_cache: dict[str, EventKind] = {}


def event_kind(text: str) -> EventKind:
    """STP_TYPE_DESCR -> kind: ``ARREST/DETAINED/CITED`` is an arrest, ``COURT ACTION`` court."""
    try:
        return _event_cache[text]
    except KeyError:
        pass
    value = text.strip().upper()
    result = EventKind.OTHER
    for phrase, kind in _EVENT_PHRASES:
        if phrase in value:
            result = kind
            break
    if len(_event_cache) > _CACHE_LIMIT:
        _event_cache.clear()
    _event_cache[text] = result
    return result


_SENTENCE_KINDS: tuple[tuple[str, SentenceKind], ...] = (
    ("1170", SentenceKind.COUNTY_JAIL_1170H),
    ("MANDATORY SUP", SentenceKind.MANDATORY_SUPERVISION),
    ("PROB", SentenceKind.PROBATION),
    ("PRISON", SentenceKind.PRISON),
    ("CDC", SentenceKind.PRISON),
    ("JAIL", SentenceKind.JAIL),
    ("PAROLE", SentenceKind.PAROLE),
    ("FINE", SentenceKind.FINE),
    ("RESTITUTION", SentenceKind.RESTITUTION),
    ("COMMUNITY SERV", SentenceKind.COMMUNITY_SERVICE),
    ("CYA", SentenceKind.CYA),
    ("YOUTH AUTH", SentenceKind.CYA),
)
_UNITS = {"D": "D", "DAY": "D", "DAYS": "D", "M": "M", "MO": "M", "MONTH": "M", "MONTHS": "M",
          "Y": "Y", "YR": "Y", "YEAR": "Y", "YEARS": "Y"}
_sentence_cache: dict[tuple[str, str, str, str], tuple[SentencePart | None, str]] = {}


def sentence_part(location: str, length: str, unit_code: str, unit_descr: str = "") -> tuple[
        SentencePart | None, str]:
    """SENT_LOC_DESCR + SENT_LENGTH + SENT_TIME_CODE -> a part, and a problem ("" when none).

    ``JAIL, 90, D`` is ``SentencePart(JAIL, 90, "D")``; ``FINE`` with no length is a part with
    no amount. A length that is not a number keeps the part without an amount and reports it.
    """
    key = (location, length, unit_code, unit_descr)
    try:
        return _sentence_cache[key]
    except KeyError:
        pass
    loc = location.strip().upper()
    amount_text = length.strip()
    unit_text = (unit_code.strip() or unit_descr.strip()).upper()
    problem = ""
    if not loc and not amount_text:
        result: tuple[SentencePart | None, str] = (None, "")
    else:
        kind = SentenceKind.OTHER
        for phrase, candidate in _SENTENCE_KINDS:
            if phrase in loc:
                kind = candidate
                break
        amount: int | None = None
        unit = ""
        if amount_text and amount_text.upper() != "NULL":
            if amount_text.isdigit():
                amount = int(amount_text)
                unit = _UNITS.get(unit_text, "")
                if not unit:
                    problem = f"sentence length {amount_text} has no known unit ({unit_text!r})"
                    amount = None
            else:
                problem = f"sentence length {amount_text!r} is not a number"
        raw = " ".join(p for p in (loc, amount_text, unit_text) if p)
        result = (SentencePart(kind, amount, unit, raw), problem)
    if len(_sentence_cache) > _CACHE_LIMIT:
        _sentence_cache.clear()
    _sentence_cache[key] = result
    return result


def registration_kind(charge: Charge | None) -> RegistrationKind:
    """290 PC marks a sex-offender registrant; 11590 HS narcotics; 457.1 PC arson."""
    if charge is None:
        return RegistrationKind.OTHER
    section = charge.code_section
    if section.code == "PC" and section.section == "290":
        return RegistrationKind.SEX_OFFENDER
    if section.code == "PC" and section.section.startswith("290."):
        return RegistrationKind.SEX_OFFENDER
    if section.code == "HS" and section.section == "11590":
        return RegistrationKind.NARCOTICS
    if section.code == "PC" and section.section == "457.1":
        return RegistrationKind.ARSON
    return RegistrationKind.OTHER


_level_cache: dict[str, Level] = {}


def level_of(text: str) -> Level:
    try:
        return _level_cache[text]
    except KeyError:
        if len(_level_cache) > _CACHE_LIMIT:
            _level_cache.clear()
        result = _level_cache[text] = Level.from_text(text)
        return result


def _attempted(qualifiers: str) -> bool:
    value = qualifiers.upper()
    return "ATT" in value or "664" in value


def cii_of(fields: list[str]) -> str:
    """CII_NUMBER, or the requested CII when the primary one is blank (as in ``bad.csv``)."""
    return fields[CII_NUMBER].strip() or fields[REQ_CII_NUMBER].strip()


# The record objects built once per count, event or disposition are filled slot by slot. Calling
# the dataclass goes through type() and its __init__ in a frame of its own: about 1,300 more
# instructions per object than these plain calls. Every field is set here; the test in
# tests/intake/doj/test_record_layout.py checks each result against the dataclass's own.
_new = object.__new__


def new_count(number: int, case_number: str, code_section: CodeSection | None, attempted: bool,
              description: str, charge_text: str, toc: Level, ref: SourceRef) -> Count:
    """``Count(number, case_number, code_section, attempted, description, charge_text, toc, refs=[ref])``."""
    count = _new(Count)
    count.number = number
    count.case_number = case_number
    count.code_section = code_section
    count.attempted = attempted
    count.description = description
    count.charge_text = charge_text
    count.toc = toc
    count.dispositions = []
    count.flags = []
    count.refs = [ref]
    count.warnings = []
    count.quantity_grams = None
    count.plant_count = None
    count.value_dollars = None
    count.offense_date = None
    return count


def new_disposition(kind: DispositionKind, date: dt.date | None, raw: str, level: Level,
                    ref: SourceRef) -> Disposition:
    """``Disposition(kind, date, raw, level, refs=[ref])``."""
    disposition = _new(Disposition)
    disposition.kind = kind
    disposition.date = date
    disposition.raw = raw
    disposition.level = level
    disposition.sentence = []
    disposition.statute = ""
    disposition.refs = [ref]
    return disposition


def new_event(kind: EventKind, date: dt.date | None, agency: str, county: str, custody_kind: str) -> Event:
    """``Event(kind, date, agency, county, custody_kind=custody_kind)``."""
    event = _new(Event)
    event.kind = kind
    event.date = date
    event.agency = agency
    event.county = county
    event.name_code = ""
    event.counts = []
    event.refs = []
    event.warnings = []
    event.custody_kind = custody_kind
    event.registration = None
    return event


def new_cycle(date: dt.date | None, number: int) -> Cycle:
    """``Cycle(date, [], number)``."""
    cycle = _new(Cycle)
    cycle.date = date
    cycle.events = []
    cycle.number = number
    return cycle


def build_event(fields: list[str], kind: EventKind, date: dt.date | None) -> Event:
    custody_kind = ""
    if kind is _CUSTODY:
        custody_kind = (fields[STP_TYPE_DESCR].strip() or fields[STP_TYPE_CODE].strip()).upper()
    return new_event(kind, date, fields[STP_ORI_DESCR].strip(), fields[STP_ORI_CNTY_NAME].strip().upper(),
                     custody_kind)


def build_count(fields: list[str], number: int, ref: SourceRef, event: Event) -> Count:
    """One count from its first row; further rows of the same count go to :func:`merge_row`."""
    # The caches are read here directly, the functions only called on a miss: this runs once per
    # count, and the calls were most of its cost.
    offense = fields[OFFENSE_DESCR]
    found = _charge_cache.get(offense, _MISSING)
    if found is _MISSING or found is None:
        charge, charge_text = charge_of(offense, fields[COMMENT_TEXT])
    else:
        charge, charge_text = found
    toc = _level_cache.get(fields[OFFENSE_TOC]) or level_of(fields[OFFENSE_TOC])
    if charge is not None:
        count = new_count(number, fields[FE_NUM_CRT_CASE].strip(), charge.code_section, charge.attempted,
                          charge.description, charge_text, toc, ref)
    else:
        count = new_count(number, fields[FE_NUM_CRT_CASE].strip(), None, False, "", charge_text, toc, ref)
        if charge_text:
            count.warnings.append(ParseWarning(f"offense not recognized as a code section: {charge_text!r}", ref))
        elif event.kind is _COURT:
            count.warnings.append(ParseWarning("court count without an offense", ref))
    qualifiers = fields[OFFENSE_QUAL_LST]
    if qualifiers and (qualifiers := qualifiers.strip()):
        if _attempted(qualifiers):
            count.attempted = True
        count.flags.append(f"qualifiers:{qualifiers}")
    if event.kind is _REGISTRATION and event.registration is None:
        event.registration = registration_kind(charge)
    _add_row(count, fields, ref, event, True)
    return count


def _amended_offense(count: Count, fields: list[str], ref: SourceRef) -> None:
    """The offense of conviction (or as disposed) replaces the offense charged when given."""
    if not fields[CONV_OFFENSE_DESCR] and not fields[DISP_OFFENSE_DESCR]:
        return
    for descr_col, toc_col, qual_col, label in (
            (CONV_OFFENSE_DESCR, CONV_OFFENSE_TOC, CONV_OFFENSE_QUAL_LST, "convicted"),
            (DISP_OFFENSE_DESCR, DISP_OFFENSE_TOC, DISP_OFFENSE_QUAL_LST, "disposed")):
        descr = fields[descr_col].strip()
        if not descr or descr.upper() == "NULL":
            continue
        charge, text = charge_of(descr)
        if charge is None:
            count.warnings.append(ParseWarning(f"{label} offense not recognized: {text!r}", ref))
            return
        if charge.code_section != count.code_section:
            count.flags.append(f"charged_as:{count.code_section or count.charge_text}")
            count.code_section = charge.code_section
            count.description = charge.description
            count.charge_text = text
        count.attempted = charge.attempted or _attempted(fields[qual_col])
        toc = level_of(fields[toc_col])
        if toc != _UNKNOWN_LEVEL:
            count.toc = toc
        return


def merge_row(count: Count, fields: list[str], ref: SourceRef, event: Event) -> None:
    """Add a further row of a count (another sentence part, or a later disposition) to it."""
    count.refs.append(ref)
    if not count.case_number:
        count.case_number = fields[FE_NUM_CRT_CASE].strip()
    _add_row(count, fields, ref, event, False)


def _add_row(count: Count, fields: list[str], ref: SourceRef, event: Event, first: bool) -> None:
    """A row's disposition and sentence part, on the count's first row or a further one."""
    text = fields[DISP_DESCR]
    kind = _disposition_cache.get(text, _MISSING)
    if kind is _MISSING:
        kind = disposition_kind(text)
    location, length = fields[SENT_LOC_DESCR], fields[SENT_LENGTH]
    if kind is None:
        if not location and not length:
            return
        part, problem = _sentence_of(fields)
        if part is not None:
            count.warnings.append(ParseWarning(f"sentence {part.raw!r} on a count without a disposition",
                                               ref, affects_eligibility=False))
        return
    raw = text.strip()
    disposition = None
    if not first:
        for existing in count.dispositions:
            if existing.raw == raw:
                disposition = existing
                break
    if disposition is None:
        key = (fields[DISP_DATE], fields[STP_EVENT_DATE], event.kind is _COURT)
        dated = _disposition_date_cache.get(key) or _disposition_date(*key)
        date, problems = dated
        for problem in problems:
            count.warnings.append(ParseWarning(problem, ref))
        if kind is _CONVICTED:
            level = _level_cache.get(fields[CONV_STAT_DESCR]) or level_of(fields[CONV_STAT_DESCR])
            disposition = new_disposition(kind, date, raw, level, ref)
            if fields[CONV_OFFENSE_DESCR] or fields[DISP_OFFENSE_DESCR]:
                _amended_offense(count, fields, ref)
        else:
            disposition = new_disposition(kind, date, raw, _UNKNOWN_LEVEL, ref)
        count.dispositions.append(disposition)
    elif not first:
        disposition.refs.append(ref)
    if not location and not length:
        return
    key = (location, length, fields[SENT_TIME_CODE], fields[SENT_TIME_DESCR])
    part, problem = _sentence_cache.get(key) or sentence_part(*key)
    if problem:
        count.warnings.append(ParseWarning(problem, ref))
    if part is not None and part not in disposition.sentence:
        disposition.sentence.append(part)


def _sentence_of(fields: list[str]) -> tuple[SentencePart | None, str]:
    """The row's sentence part (:func:`sentence_part`), from the cache when it is there."""
    key = (fields[SENT_LOC_DESCR], fields[SENT_LENGTH], fields[SENT_TIME_CODE], fields[SENT_TIME_DESCR])
    return _sentence_cache.get(key) or sentence_part(*key)


# (DISP_DATE, STP_EVENT_DATE, court step) -> (the disposition's date, warnings to give)
_disposition_date_cache: dict[tuple[str, str, bool], tuple[dt.date | None, tuple[str, ...]]] = {}


def _disposition_date(disp_date: str, step_date_text: str, court: bool) -> tuple[dt.date | None, tuple[str, ...]]:
    """DISP_DATE, falling back on the step's date; with the warnings the choice calls for."""
    problems = []
    date = parse_date(disp_date)
    step_date = parse_date(step_date_text)
    if date is None or date is INVALID:
        if date is INVALID:
            problems.append(f"DISP_DATE {disp_date.strip()!r} is not a date; used STP_EVENT_DATE")
        date = step_date
    elif step_date != date and isinstance(step_date, dt.date) and court:
        problems.append(f"DISP_DATE {date.isoformat()} differs from the court step date {step_date.isoformat()}; "
                        "used DISP_DATE")
    if date is INVALID:
        problems.append(f"disposition date {step_date_text.strip()!r} is not a date")
        date = None
    result = (date, tuple(problems))
    if len(_disposition_date_cache) > _CACHE_LIMIT:
        _disposition_date_cache.clear()
    _disposition_date_cache[(disp_date, step_date_text, court)] = result
    return result
