"""Sketch a criminal record in a few readable lines for eligibility tests.

    person(
        case(conv("HS 11359", "F", "2010-06-01", "2Y prison, 3M parole", offense="2010-03-01")),
        case(conv("PC 288(a)", "F", "1994-05-01", "6Y prison")),
        dob="1968-04-02", registrant=True,
    )

Dates are ISO strings. Sentences are comma-separated parts: "3Y probation", "10D jail", "fine",
"16M 1170h", "2Y prison", "13M parole", "8M ms", "3Y prison suspended", "probation" (no length).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from eligibility.engine.code_section import CodeSection
from eligibility.engine.record import (
    Count,
    Cycle,
    Disposition,
    DispositionKind,
    Event,
    EventKind,
    Level,
    ParseWarning,
    Person,
    RegistrationKind,
    SentenceKind,
    SentencePart,
    SourceRef,
)

AS_OF = dt.date(2026, 1, 15)
COUNTY = "SAN JOAQUIN"

_KINDS = {
    "probation": SentenceKind.PROBATION, "jail": SentenceKind.JAIL, "prison": SentenceKind.PRISON,
    "1170h": SentenceKind.COUNTY_JAIL_1170H, "ms": SentenceKind.MANDATORY_SUPERVISION,
    "parole": SentenceKind.PAROLE, "cya": SentenceKind.CYA, "fine": SentenceKind.FINE,
    "restitution": SentenceKind.RESTITUTION,
}
_PART = re.compile(r"^(?:(\d+)([DMY])\s+)?(\w+)(\s+suspended)?$", re.IGNORECASE)


def d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def sentence(text: str) -> list[SentencePart]:
    parts = []
    for item in filter(None, (p.strip() for p in text.split(","))):
        match = _PART.match(item)
        if not match:
            raise ValueError(f"bad sentence part {item!r}")
        amount, unit, kind, suspended = match.groups()
        parts.append(SentencePart(_KINDS[kind.lower()], int(amount) if amount else None,
                                  (unit or "").upper(), raw=item, suspended=bool(suspended)))
    return parts


def disp(kind: DispositionKind, date: str, statute: str = "", sentence_text: str = "",
         level: str = "") -> Disposition:
    return Disposition(kind, d(date), statute=statute, sentence=sentence(sentence_text),
                       level=Level.from_text(level))


@dataclass
class CountSketch:
    section: str
    level: str
    date: str | None
    sentence: str
    offense: str | None = None
    attempted: bool = False
    grams: float | None = None
    plants: int | None = None
    value: int | None = None
    description: str = ""
    later: list[Disposition] = field(default_factory=list)
    warning: str = ""
    convicted: bool = True


def conv(section: str, level: str = "M", date: str | None = "2015-01-01", sentence: str = "1Y probation",
         **kwargs) -> CountSketch:
    """A convicted count. ``later`` takes further dispositions made with :func:`disp`."""
    return CountSketch(section, level, date, sentence, **kwargs)


def revoked(date: str) -> Disposition:
    return disp(DispositionKind.PROBATION_REVOKED, date)


def resentenced(date: str, text: str) -> Disposition:
    return disp(DispositionKind.SENTENCE_MODIFIED, date, sentence_text=text)


def set_aside(date: str, statute: str = "PC 1203.4") -> Disposition:
    return disp(DispositionKind.SET_ASIDE, date, statute=statute)


def relief_granted(date: str, statute: str) -> Disposition:
    return disp(DispositionKind.RELIEF_GRANTED, date, statute=statute)


def reduced(date: str) -> Disposition:
    return disp(DispositionKind.REDUCED_TO_MISDEMEANOR, date)


def _section(text: str) -> CodeSection:
    return CodeSection.parse(text)


def _count(number: int, sketch: CountSketch, case_number: str) -> Count:
    dispositions = []
    if sketch.convicted:
        dispositions.append(Disposition(DispositionKind.CONVICTED, d(sketch.date), level=Level.from_text(sketch.level),
                                        sentence=sentence(sketch.sentence)))
    dispositions.extend(sketch.later)
    count = Count(
        number=number, case_number=case_number, code_section=_section(sketch.section),
        attempted=sketch.attempted, description=sketch.description, charge_text=sketch.section,
        toc=Level.from_text(sketch.level), dispositions=dispositions, quantity_grams=sketch.grams,
        plant_count=sketch.plants, value_dollars=sketch.value, offense_date=d(sketch.offense),
        refs=[SourceRef("test", number)],
    )
    if sketch.warning:
        count.warnings.append(ParseWarning(sketch.warning))
    return count


def case(*counts: CountSketch, county: str = COUNTY, arrest: tuple[str, ...] | None = None,
         arrest_date: str | None = None, case_number: str = "") -> Cycle:
    """One arrest cycle ending in a court case. ``arrest`` lists the arrest charges when they differ
    from the convictions (plea bargains)."""
    first = counts[0]
    when = d(arrest_date or first.offense or first.date)
    arrest_sections = arrest if arrest is not None else tuple(c.section for c in counts)
    arrest_event = Event(EventKind.ARREST, when, agency=f"CAPD {county}", county=county,
                         counts=[Count(number=i + 1, code_section=_section(s), charge_text=s,
                                       toc=Level.from_text(first.level)) for i, s in enumerate(arrest_sections)],
                         refs=[SourceRef("test", 1)])
    court = Event(EventKind.COURT, d(first.date), agency=f"CASC {county}", county=county,
                  counts=[_count(i + 1, c, case_number) for i, c in enumerate(counts)], refs=[SourceRef("test", 2)])
    return Cycle(when, [arrest_event, court])


def arrest(section: str, level: str, date: str, *, dismissed: str | None = None, acquitted: str | None = None,
           pending: str | None = None, filed: bool = False, county: str = COUNTY) -> Cycle:
    """An arrest with no conviction. ``dismissed``/``acquitted``/``pending`` add a court event."""
    count = Count(number=1, code_section=_section(section), charge_text=section, toc=Level.from_text(level))
    events = [Event(EventKind.ARREST, d(date), agency=f"CAPD {county}", county=county, counts=[count],
                    refs=[SourceRef("test", 1)])]
    court_dispo = None
    if dismissed:
        court_dispo = Disposition(DispositionKind.DISMISSED, d(dismissed))
    elif acquitted:
        court_dispo = Disposition(DispositionKind.ACQUITTED, d(acquitted))
    elif pending:
        court_dispo = Disposition(DispositionKind.PENDING, d(pending))
    if court_dispo is not None or filed:
        events.append(Event(EventKind.COURT, court_dispo.date if court_dispo else d(date),
                             agency=f"CASC {county}", county=county,
                             counts=[Count(number=1, code_section=_section(section), charge_text=section,
                                           toc=Level.from_text(level),
                                           dispositions=[court_dispo] if court_dispo else [])]))
    return Cycle(d(date), events)


def pending_case(section: str = "PC 459", date: str = "2025-12-01", county: str = COUNTY) -> Cycle:
    return arrest(section, "F", date, pending=date, county=county)


def person(*cycles: Cycle, dob: str | None = "1980-01-01", registrant: bool = False, deceased: bool = False,
           key: str = "P1") -> Person:
    cycles = list(cycles)
    if registrant:
        cycles.append(Cycle(d("1995-01-01"), [Event(EventKind.REGISTRATION, d("1995-01-01"),
                                                    registration=RegistrationKind.SEX_OFFENDER)]))
    for index, cycle in enumerate(cycles):
        cycle.number = index + 1
        for event in cycle.events:
            for count in event.counts:
                if not count.case_number and event.kind == EventKind.COURT:
                    count.case_number = f"CASE{index + 1}"
    return Person(source="test", person_key=key, cii="A12345678", dob=d(dob), cycles=cycles,
                  deceased=deceased, source_kind="rap_sheet")


def run(p: Person, policy=None, as_of: dt.date = AS_OF):
    from eligibility.engine.evaluate import evaluate_person
    from eligibility.engine.policy import Policy

    return evaluate_person(p, policy or Policy(), as_of)


def find(result, relief, section: str | None = None, case_number: str | None = None, count: int | None = None):
    """The single determination for ``relief`` (and the section/case/count when several match)."""
    found = [det for det in result.determinations if det.relief == relief
             and (section is None or det.code_section == section)
             and (case_number is None or det.case_number == case_number)
             and (count is None or det.count_number == count)]
    assert len(found) == 1, f"expected one {relief} determination, got {found}"
    return found[0]


def cites(det, fragment: str) -> bool:
    return any(fragment in reason.citation for reason in det.reasons)


def asks(det, code: str) -> bool:
    return any(question.code == code for question in det.questions)


@dataclass
class Row:
    """One table row: a record sketch, the law, and what the law should say about it."""

    name: str
    record: Person
    relief: object
    outcome: object | None  # None: the law must give no determination for the selected count
    section: str | None = None
    case: str | None = None
    eligible_on: str | None = "any"
    reduce_to: Level | None | str = "any"
    route: str | None = None
    track: str | None = None
    cite: str | None = None
    ask: str | None = None
    policy: object = None
    as_of: dt.date = AS_OF
    seal: bool | None = None
    says: str | None = None  # a fragment one reason must contain


def check(row: Row) -> None:
    result = run(row.record, row.policy, row.as_of)
    if row.outcome is None:
        assert not [det for det in result.determinations if det.relief == row.relief
                    and (row.section is None or det.code_section == row.section)
                    and (row.case is None or det.case_number == row.case)], row.name
        return
    det = find(result, row.relief, row.section, row.case)
    assert det.outcome == row.outcome, (det.outcome, [str(r) for r in det.reasons], det.questions)
    if row.eligible_on != "any":
        assert det.eligible_on == d(row.eligible_on), det.eligible_on
    if row.reduce_to != "any":
        assert det.reduce_to == row.reduce_to
    if row.route is not None:
        assert det.route == row.route, det.route
    if row.track is not None:
        assert det.track == row.track, det.track
    if row.cite is not None:
        assert cites(det, row.cite), [str(r) for r in det.reasons]
    if row.ask is not None:
        assert asks(det, row.ask), det.questions
    if row.seal is not None:
        assert det.seal == row.seal
    if row.says is not None:
        assert any(row.says in str(r) for r in det.reasons), [str(r) for r in det.reasons]
    for reason in det.reasons:
        assert str(reason).endswith(f"({reason.citation})") and reason.citation


def table(rows: list[Row]):
    import pytest

    names = [r.name for r in rows]
    assert len(names) == len(set(names)), "duplicate row names"
    return pytest.mark.parametrize("row", [pytest.param(r, id=r.name) for r in rows])
