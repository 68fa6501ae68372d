"""Synthetic RAP sheets with a known reading, for tests, demos and benchmarks.

Real RAP sheets cannot leave the office, so the parser is measured against sheets we invent: each
:class:`GeneratedSheet` carries the text a DOJ terminal would print *and* the :class:`Person` the
parser must read from it. Every construct and trap of the format note can appear (count ranges,
SEE COMMENT charges, attempts written three ways, dated updates, a conviction only in an update,
bare-date PC 290 registrations, page breaks inside counts, aliases, custody, applicant, deceased,
RECORD ERROR). The OCR-noise mode adds only the noise forms the format note documents, all of which
the parser must repair. Every identifier is invented.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from eligibility.engine.code_section import CodeSection
from eligibility.engine.record import (
    Count,
    Cycle,
    Disposition,
    DispositionKind,
    Event,
    EventKind,
    Level,
    Name,
    Person,
    RegistrationKind,
    SentenceKind,
    SentencePart,
)

LINES_PER_PAGE = 56


@dataclass(frozen=True)
class _Offense:
    section: str  # as printed: "11357(B)", "490.2"
    code: str
    description: str
    code_section: CodeSection
    level: Level


def _offense(section: str, code: str, description: str, canonical: tuple, level: str) -> _Offense:
    name, *subs = canonical
    return _Offense(section, code, description, CodeSection(code, name, tuple(subs)), Level.from_text(level))


OFFENSES = [
    _offense("11359", "HS", "POSSESS MARIJUANA FOR SALE", ("11359",), "F"),
    _offense("11359(D)", "HS", "POSSESS MARIJUANA FOR SALE", ("11359", "d"), "F"),
    _offense("11357(B)", "HS", "POSSESS MARIJUANA", ("11357", "b"), "M"),
    _offense("11357.5(A)", "HS", "SELL SYNTHETIC CANNABINOID", ("11357.5", "a"), "M"),
    _offense("11358", "HS", "CULTIVATE MARIJUANA", ("11358",), "F"),
    _offense("11360(A)", "HS", "TRANSPORT/SELL MARIJUANA", ("11360", "a"), "F"),
    _offense("11350(A)", "HS", "POSSESS NARCOTIC CONTROLLED SUBSTANCE", ("11350", "a"), "F"),
    _offense("11377(A)", "HS", "POSSESS CONTROLLED SUBSTANCE", ("11377", "a"), "M"),
    _offense("11364", "HS", "POSSESS DRUG PARAPHERNALIA", ("11364",), "M"),
    _offense("487(A)", "PC", "GRAND THEFT", ("487", "a"), "F"),
    _offense("484", "PC", "THEFT", ("484",), "M"),
    _offense("459", "PC", "BURGLARY", ("459",), "F"),
    _offense("490.2", "PC", "PETTY THEFT", ("490.2",), "M"),
    _offense("496 (A)", "PC", "RECEIVE/ETC KNOWN STOLEN PROPERTY", ("496", "a"), "F"),
    _offense("211", "PC", "ROBBERY", ("211",), "F"),
    _offense("245(A)(1)", "PC", "ASSAULT W/DEADLY WEAPON", ("245", "a", "1"), "F"),
    _offense("187(A)", "PC", "MURDER", ("187", "a"), "F"),
    _offense("273.5(A)", "PC", "INFLICT CORPORAL INJURY SPOUSE/COHABITANT", ("273.5", "a"), "F"),
    _offense("148(A)(1)", "PC", "OBSTRUCT/RESIST PUBLIC OFFICER", ("148", "a", "1"), "M"),
    _offense("647(F)", "PC", "DISORDERLY CONDUCT:INTOXICATED", ("647", "f"), "M"),
    _offense("166(A)(4)", "PC", "CONTEMPT:DISOBEY COURT ORDER", ("166", "a", "4"), "M"),
    _offense("23152(A)", "VC", "DUI ALCOHOL/DRUGS", ("23152", "a"), "M"),
    _offense("14601.1(A)", "VC", "DRIVE WHILE LIC SUSPENDED", ("14601.1", "a"), "M"),
    _offense("10851(A)", "VC", "TAKE VEHICLE W/O OWNER CONSENT", ("10851", "a"), "F"),
    _offense("4060", "BP", "POSSESS CONTROLLED SUBSTANCE W/O PRESCRIPTION", ("4060",), "M"),
    _offense("25620", "BP", "POSSESS OPEN CONTAINER IN PUBLIC", ("25620",), "I"),
]
REGISTRATIONS = {
    RegistrationKind.SEX_OFFENDER: _offense("290", "PC", "REGISTRATION OF SEX OFFENDER", ("290",), "M"),
    RegistrationKind.NARCOTICS: _offense("11590", "HS", "REGISTRATION OF CNTL SUB OFFENDER", ("11590",), "M"),
    RegistrationKind.ARSON: _offense("457.1", "PC", "REGISTRATION OF ARSON OFFENDER", ("457.1",), "M"),
}
MENTAL_HEALTH_OFFENSE = _offense("5150", "WI", "DANGEROUS TO SELF/OTHERS", ("5150",), "I")

COURTS = [
    ("CASC OAKLAND", "ALAMEDA"),
    ("CAMC OAKLAND", "ALAMEDA"),
    ("CASC SAN FRANCISCO", "SAN FRANCISCO"),
    ("CASC LOS ANGELES", "LOS ANGELES"),
    ("CAMC LOS ANGELES METRO", "LOS ANGELES"),
    ("CASC SAN DIEGO", "SAN DIEGO"),
    ("CAMC VISTA", "SAN DIEGO"),
    ("CASC SACRAMENTO", "SACRAMENTO"),
    ("CASC FRESNO", "FRESNO"),
    ("CAMC MODESTO", "STANISLAUS"),
    ("CASC SANTA CLARA", "SANTA CLARA"),
    ("CAMC SAN JOSE", "SANTA CLARA"),
    ("CASC RIVERSIDE", "RIVERSIDE"),
    ("CAMC INDIO", "RIVERSIDE"),
    ("CASC CONTRA COSTA", "CONTRA COSTA"),
    ("CAMC RICHMOND", "CONTRA COSTA"),
    ("CAJC BRIDGEPORT", "MONO"),
    ("CASC HUMBOLDT", "HUMBOLDT"),
    ("CASC SAN LUIS OBISPO", "SAN LUIS OBISPO"),
    ("CAMC YUBA CITY", "SUTTER"),
    ("CASC ORANGE", "ORANGE"),
    ("CAMC SANTA ANA", "ORANGE"),
    ("CASC KERN", "KERN"),
    ("CAMC BAKERSFIELD", "KERN"),
    ("CASC SIERRA", "SIERRA"),
    ("CAMC SIERRA MADRE", "LOS ANGELES"),
]
POLICE = [
    ("CAPD OAKLAND", "ALAMEDA"),
    ("CAPD SAN FRANCISCO", "SAN FRANCISCO"),
    ("CASO ALAMEDA", "ALAMEDA"),
    ("CAPD LOS ANGELES", "LOS ANGELES"),
    ("CASO SAN DIEGO", "SAN DIEGO"),
    ("CAPD FRESNO", "FRESNO"),
    ("CAPD MODESTO", "STANISLAUS"),
    ("CAPD SAN JOSE", "SANTA CLARA"),
    ("CASO RIVERSIDE", "RIVERSIDE"),
    ("CAPD BERKELEY", "ALAMEDA"),
    ("CAPD MARINA", "MONTEREY"),
    ("CAPD OCEANSIDE", "SAN DIEGO"),
]
JAILS = [("CASO ALAMEDA", "ALAMEDA"), ("CASO LOS ANGELES", "LOS ANGELES"), ("CASO SAN DIEGO", "SAN DIEGO")]
PROBATION_OFFICES = [("CAPR ALAMEDA", "ALAMEDA"), ("CAPR LOS ANGELES", "LOS ANGELES"), ("CAPR FRESNO", "FRESNO")]

LAST_NAMES = ["DOE", "ROE", "SMITH", "GARCIA", "NGUYEN", "JOHNSON", "LOPEZ", "KIM", "PATEL", "WILLIAMS"]
FIRST_NAMES = ["JANE", "JOHN", "MARIA", "JOSE", "LINDA", "DAVID", "ANA", "MICHAEL", "TRAN", "ALEX"]
RACES = ["WHITE", "BLACK", "HISPANIC", "ASIAN", "AMERICAN INDIAN", "OTHER ASIAN", "PACIFIC ISLANDER"]
RECORD_ERROR_TEXT = "RECORD ERROR - REFER TO CRIMINAL HISTORY INQUIRY MANUAL"
STRIKE_FLAG = "POTENTIAL FELONY STRIKE ENTRY"


@dataclass
class GeneratedSheet:
    seed: int
    text: str  # the whole sheet as a text dump holds it, page headers and footers included
    pages: list[str]  # the record text of each page, without headers and footers (for the PDF)
    expected: Person | None
    status: str = "ok"
    noise: bool = False
    constructs: set[str] = field(default_factory=set)
    noise_applied: list[str] = field(default_factory=list)

    @property
    def pdf_text(self) -> str:
        """Page bodies separated by form feeds, as :func:`render_pdf` takes them."""
        return "\f".join(self.pages)


class _Builder:
    def __init__(self, rng: random.Random, source: str):
        self.rng = rng
        self.lines: list[str] = []
        self.constructs: set[str] = set()
        self.source = source

    def emit(self, *lines: str):
        self.lines.extend(lines)

    def date_after(self, start: dt.date, low: int, high: int) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(low, high))


def _ymd(date: dt.date) -> str:
    return date.strftime("%Y%m%d")


# --- the person ----------------------------------------------------------------------------------


def _identity(b: _Builder, person: Person):
    rng = b.rng
    b.emit(
        f"RE: QHY.CA0000000.{rng.randint(0, 99999999):08d}.TEST-          DATE:20190102 TIME:10:11:12",
        "RESTRICTED-DO NOT USE FOR EMPLOYMENT,LICENSING OR CERTIFICATION PURPOSES",
        f"ATTN:TEST-{rng.randint(0, 999999999):09d}",
        "",
    )
    if rng.random() < 0.4:
        b.emit("*" * 60, "** DNA ON FILE", "*" * 60)
        b.constructs.add("banner")
    b.emit(rng.choice(["** III CALIFORNIA ONLY SOURCE RECORD", "** III MULTIPLE SOURCE RECORD"]))
    if rng.random() < 0.3:
        b.emit("**LIVE SCAN")
    person.cii = f"{rng.choice('AHM')}{rng.randint(0, 99999999):08d}"
    person.person_key = person.cii
    person.dob = dt.date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
    person.sex = rng.choice("MF")
    person.race = rng.choice(RACES)
    last = rng.choice(LAST_NAMES)
    person.names = [Name("01", f"{last},{rng.choice(FIRST_NAMES)}")]
    for code in range(2, 2 + rng.choice([0, 0, 1, 2])):
        person.names.append(
            Name(f"{code:02d}", f"{rng.choice(LAST_NAMES)},{rng.choice(FIRST_NAMES)} {rng.choice('ABCM')}")
        )
    if len(person.names) > 1:
        b.constructs.add("aliases")
    fields_order = rng.random() < 0.5
    b.emit(f"CII/{person.cii}")
    if fields_order:
        b.emit(f"DOB/{_ymd(person.dob)} SEX/{person.sex} RAC/{person.race}")
    else:
        b.emit(f"SEX/{person.sex} RAC/{person.race} DOB/{_ymd(person.dob)}")
    if rng.random() < 0.3:
        other = person.dob + dt.timedelta(days=rng.randint(30, 900))
        person.other_dobs = [other]
        b.emit(f"DOB/{_ymd(other)}")
        b.constructs.add("alias_dob")
    b.emit(f"HGT/5{rng.randint(0, 11):02d} WGT/{rng.randint(110, 260)} EYE/BRO HAI/BLK POB/CA")
    b.emit(f"NAM/01 {person.names[0].full}")
    for name in person.names[1:]:
        b.emit(f"    {name.code} {name.full}")
    fbi = f"{rng.randint(1000000, 9999999)}AB{rng.randint(0, 9)}"
    person.identifiers["FBI"] = fbi
    b.emit(f"FBI/{fbi}")
    if rng.random() < 0.5:
        cdl = f"{rng.choice('ABCDEFGNX')}{rng.randint(1000000, 9999999)}"
        person.identifiers["CDL"] = cdl
        b.emit(f"CDL/{cdl}")


# --- events --------------------------------------------------------------------------------------


def _charge_lines(b: _Builder, offense: _Offense, count_template: Count) -> list[str]:
    """The charge as written, with the attempt in one of its three spellings."""
    rng = b.rng
    section = offense.section
    if section == "490.2" and rng.random() < 0.5:
        section = "490,2"
        b.constructs.add("comma_section")
    lines = []
    attempt_form = rng.random() < 0.12 and offense.level == Level.FELONY
    if attempt_form:
        form = rng.choice(["prefix", "suffix", "flag"])
        b.constructs.add(f"attempt_{form}")
        count_template.attempted = True
        if form == "prefix":
            lines.append(f"  664/{section} {offense.code}-{offense.description}")
        elif form == "suffix":
            lines.append(f"  {section}-664 {offense.code}-{offense.description}")
        else:
            lines.append(f"  {section} {offense.code}-{offense.description}")
            lines.append("-ATTEMPTED")
            count_template.flags.append("ATTEMPTED")
    else:
        lines.append(f"  {section} {offense.code}-{offense.description}")
    count_template.code_section = offense.code_section
    count_template.description = offense.description
    return lines


def _sentence(b: _Builder, level: Level) -> tuple[list[str], list[SentencePart]]:
    """Sentence text (pieces) and the parts it must be read as."""
    rng = b.rng
    pieces: list[tuple[str, SentencePart]] = []
    if level == Level.FELONY and rng.random() < 0.3:
        months = rng.choice([16, 24, 32, 36])
        text = f"{months:03d} MONTHS PRISON"
        suspended = rng.random() < 0.2
        if suspended:
            text += " SS"
            b.constructs.add("suspended_term")
        pieces.append((text, SentencePart(SentenceKind.PRISON, months, "M", suspended=suspended)))
        if rng.random() < 0.3:
            pieces.append(("CONCURRENT", None))
            b.constructs.add("concurrent")
    else:
        if rng.random() < 0.5:
            years = rng.choice([1, 2, 3, 5])
            pieces.append((f"{years:03d} YEARS PROBATION", SentencePart(SentenceKind.PROBATION, years, "Y")))
        else:
            months = rng.choice([12, 24, 36, 60])
            pieces.append((f"{months:03d} MONTHS PROBATION", SentencePart(SentenceKind.PROBATION, months, "M")))
        if rng.random() < 0.7:
            days = rng.choice([1, 10, 30, 90, 180, 365])
            pieces.append((f"{days:03d} DAYS JAIL", SentencePart(SentenceKind.JAIL, days, "D")))
        if rng.random() < 0.3:
            pieces.append(("IMP SEN SS", SentencePart(SentenceKind.OTHER, suspended=True)))
            b.constructs.add("imp_sen_ss")
    if rng.random() < 0.6:
        pieces.append(("FINE", SentencePart(SentenceKind.FINE)))
    if rng.random() < 0.4:
        pieces.append(("RESTN", SentencePart(SentenceKind.RESTITUTION)))
    parts: list[SentencePart] = []
    for _text, part in pieces:
        if part is None:
            parts[-1] = dataclasses.replace(parts[-1], concurrent=True)
        else:
            parts.append(part)
    return [text for text, _ in pieces], parts


def _sentence_lines(b: _Builder, pieces: list[str]) -> list[str]:
    if len(pieces) > 2 and b.rng.random() < 0.5:
        split = b.rng.randint(1, len(pieces) - 1)
        b.constructs.add("multiline_sentence")
        return ["   SEN: " + ", ".join(pieces[:split]) + ",", "        " + ", ".join(pieces[split:])]
    return ["   SEN: " + ", ".join(pieces)]


def _conviction_block(b: _Builder, level: Level, date: dt.date, xsen_allowed: bool) -> tuple[list[str], Disposition]:
    rng = b.rng
    disposition = Disposition(DispositionKind.CONVICTED, date, level=level)
    lines = ["*DISPO:CONVICTED", f"   CONV STATUS:{level.value.upper()}"]
    if xsen_allowed and level == Level.MISDEMEANOR and rng.random() < 0.25:
        years, days = rng.choice([1, 2, 3]), rng.choice([5, 10, 30])
        lines.append(f"   COM: XSEN:{years} YR PROB,{days} DS JL, FINE")
        disposition.sentence = [
            SentencePart(SentenceKind.PROBATION, years, "Y"),
            SentencePart(SentenceKind.JAIL, days, "D"),
            SentencePart(SentenceKind.FINE),
        ]
        b.constructs.add("xsen_comment")
    else:
        pieces, parts = _sentence(b, level)
        lines.extend(_sentence_lines(b, pieces))
        disposition.sentence = parts
    return lines, disposition


def _update_lines(b: _Builder, counts: list[Count], date: dt.date, level: Level) -> list[str]:
    """A dated update that changes the counts; appends the expected dispositions."""
    rng = b.rng
    choices = ["set_aside", "sentence_modified"]
    if any(c.is_conviction for c in counts):
        if level == Level.FELONY:
            choices += ["reduced", "revoked"]
        else:
            choices += ["revoked"]
    else:
        choices = ["conviction_only_in_update"]
    kind = rng.choice(choices)
    b.constructs.add(f"update_{kind}")
    lines = [_ymd(date)]
    if kind == "conviction_only_in_update":
        conv_lines, disposition = _conviction_block(b, level, date, xsen_allowed=False)
        lines += conv_lines
        new = [disposition]
    elif kind == "set_aside":
        text = "CONV SET ASIDE & DISM PER 1203.4 PC"
        lines.append(f" DISPO:{text}" if rng.random() < 0.5 else f" {text}")
        new = [Disposition(DispositionKind.SET_ASIDE, date, statute="PC 1203.4")]
    elif kind == "reduced":
        lines += [" DISPO:REDUCED TO MISDEMEANOR PER 17(B) PC", "   CONV STATUS:MISDEMEANOR"]
        new = [Disposition(DispositionKind.REDUCED_TO_MISDEMEANOR, date, level=Level.MISDEMEANOR, statute="PC 17(b)")]
    elif kind == "revoked":
        months = rng.choice([16, 24, 36])
        lines += [" DISPO:PROBATION REVOKED", f"   SEN: {months} MONTHS PRISON"]
        new = [
            Disposition(
                DispositionKind.PROBATION_REVOKED, date, sentence=[SentencePart(SentenceKind.PRISON, months, "M")]
            )
        ]
    else:
        days = rng.choice([30, 60, 120])
        lines += [" DISPO:SENTENCE MODIFIED", f"   SEN: {days:03d} DAYS JAIL"]
        new = [
            Disposition(DispositionKind.SENTENCE_MODIFIED, date, sentence=[SentencePart(SentenceKind.JAIL, days, "D")])
        ]
    for count in counts:
        count.dispositions.extend(dataclasses.replace(d, sentence=list(d.sentence)) for d in new)
    return lines


def _count_number_text(first: int, last: int) -> str:
    return f"CNT:{first:02d}" if first == last else f"CNT:{first:02d}-{last:02d}"


def _arrest_event(b: _Builder, person: Person, date: dt.date, offenses: list[_Offense], kind=EventKind.ARREST):
    rng = b.rng
    agency, county = rng.choice(POLICE)
    event = Event(kind, date, agency, county, name_code=rng.choice(person.names).code)
    header = "ARR/DET/CITE:" if kind == EventKind.ARREST else "SUPPLEMENTAL ARR:"
    b.emit(f"{header:<22}NAM:{event.name_code} DOB:{_ymd(person.dob)}", f"{_ymd(date)}  {agency}", "")
    case = f"{date.strftime('%y%m%d')}-{rng.randint(1, 999)}"
    for number, offense in enumerate(offenses, start=1):
        count = Count(number, case_number=case, toc=offense.level)
        lines = [f"{_count_number_text(number, number):<11}" + (f"#{case}" if number == 1 else "")]
        charge = _charge_lines(b, offense, count)
        toc = f"   TOC:{offense.level.value[0].upper()}"
        lines += [toc, *charge] if rng.random() < 0.3 else [*charge, toc]
        if rng.random() < 0.1:
            lines.append("-WARRANT")
            count.flags.append("WARRANT")
        if kind == EventKind.ARREST and rng.random() < 0.15:
            lines.append(" DISPO:PROS REJ-OTHER")
            count.dispositions.append(Disposition(DispositionKind.PROSECUTOR_REJECTED, date))
            b.constructs.add("pros_rej")
        b.emit(*lines)
        event.counts.append(count)
    return event


def _court_event(b: _Builder, person: Person, date: dt.date, offenses: list[_Offense]) -> Event:
    rng = b.rng
    agency, county = rng.choice(COURTS)
    event = Event(EventKind.COURT, date, agency, county, name_code=rng.choice(person.names).code)
    b.emit(f"{'COURT:':<22}NAM:{event.name_code}", f"{_ymd(date)}  {agency}", "")
    case = f"{rng.choice('ABCFMS')}{rng.randint(100000, 999999)}"
    number = 1
    late_updates: list[tuple[list[Count], int, int, Level]] = []
    groups = []
    for offense in offenses:
        size = 1
        if rng.random() < 0.15:
            size = rng.randint(2, 3)
            b.constructs.add("count_range")
        first, last = number, number + size - 1
        number = last + 1
        template = Count(first, case_number=case)
        lines = [f"{_count_number_text(first, last):<11}" + (f"#{case}" if first == 1 or rng.random() < 0.2 else "")]
        see_comment = rng.random() < 0.12
        if see_comment:
            b.constructs.add("see_comment")
            lines.append("  SEE COMMENT FOR CHARGE")
            attempted = offense.level == Level.FELONY and rng.random() < 0.4
            template.code_section = offense.code_section
            template.attempted = attempted
            template.description = offense.description
            attempt = "664/" if attempted else ""
            comment = f"   COM: CNT {first:02d} CHRG-{attempt}{offense.section} {offense.code} {offense.description}"
        else:
            charge = _charge_lines(b, offense, template)
            if rng.random() < 0.3:
                lines.append(f"  TOC:{offense.level.value[0].upper()}")
                template.toc = offense.level
            lines += charge
        outcome = rng.choices(["convicted", "dismissed", "update_only"], [0.65, 0.25, 0.10])[0]
        level = offense.level if rng.random() < 0.8 else Level.MISDEMEANOR
        if level == Level.INFRACTION:
            level = Level.MISDEMEANOR
        dispositions: list[Disposition] = []
        if outcome == "convicted":
            conv_lines, disposition = _conviction_block(b, level, date, xsen_allowed=True)
            lines += conv_lines
            dispositions.append(disposition)
        elif outcome == "dismissed":
            lines.append(" DISPO:DISMISSED/FURTHERANCE OF JUSTICE")
            dispositions.append(Disposition(DispositionKind.DISMISSED, date))
        if see_comment:
            lines.append(comment)
        counts = []
        for n in range(first, last + 1):
            count = dataclasses.replace(
                template,
                number=n,
                flags=list(template.flags),
                dispositions=[dataclasses.replace(d, sentence=list(d.sentence)) for d in dispositions],
            )
            counts.append(count)
            event.counts.append(count)
        b.emit(*lines)
        groups.append((counts, first, last, level, outcome))
        wants_update = outcome == "update_only" or (outcome == "convicted" and rng.random() < 0.35)
        if wants_update:
            if rng.random() < 0.6:
                b.emit("", *_update_lines(b, counts, b.date_after(date, 200, 2500), level))
            else:
                late_updates.append((counts, first, last, level))
        b.emit("")
    # Updates written at the end of the event name their counts again.
    for counts, first, last, level in late_updates:
        b.constructs.add("update_with_count_line")
        lines = _update_lines(b, counts, b.date_after(date, 200, 2500), level)
        b.emit(lines[0], _count_number_text(first, last), *lines[1:], "")
    if any(c.conviction_level == Level.FELONY for c in event.counts) and rng.random() < 0.3:
        b.constructs.add("strike_block")
        b.emit("*" * 47, f"** {STRIKE_FLAG} **", "*" * 47)
        for count in event.counts:
            count.flags.append(STRIKE_FLAG)
    return event


def _simple_event(
    b: _Builder,
    person: Person,
    kind: EventKind,
    header: str,
    date: dt.date,
    agency: tuple[str, str],
    offense: _Offense | None,
    custody_kind: str = "",
) -> Event:
    event = Event(
        kind, date, agency[0], agency[1], name_code=b.rng.choice(person.names).code, custody_kind=custody_kind
    )
    b.emit(f"{header:<22}NAM:{event.name_code}", f"{_ymd(date)}  {agency[0]}", "")
    if offense is not None:
        case = f"{header[0]}{b.rng.randint(10000, 99999)}"
        count = Count(1, case_number=case, code_section=offense.code_section, description=offense.description)
        b.emit(f"CNT:01     #{case}", f"  {offense.section} {offense.code}-{offense.description}")
        event.counts.append(count)
    return event


def _criminal_cycle(b: _Builder, person: Person, date: dt.date) -> Cycle:
    rng = b.rng
    cycle = Cycle(date, number=len(person.cycles) + 1)
    offenses = rng.sample(OFFENSES, rng.randint(1, 3))
    cycle.events.append(_arrest_event(b, person, date, offenses))
    if rng.random() < 0.8:
        b.emit("- - - -")
        court_date = b.date_after(date, 10, 200)
        court = _court_event(b, person, court_date, offenses)
        cycle.events.append(court)
        if rng.random() < 0.25:
            b.emit("- - - -")
            b.constructs.add("custody")
            if any(p.kind == SentenceKind.PRISON for c in court.counts for p in c.sentence):
                event = _simple_event(
                    b,
                    person,
                    EventKind.CUSTODY,
                    "CUSTODY:CDC",
                    b.date_after(court_date, 5, 60),
                    ("CADC SAN QUENTIN", ""),
                    offenses[0],
                    "CDC",
                )
            else:
                event = _simple_event(
                    b,
                    person,
                    EventKind.CUSTODY,
                    "CUSTODY:JAIL",
                    b.date_after(court_date, 1, 30),
                    rng.choice(JAILS),
                    offenses[0],
                    "JAIL",
                )
            cycle.events.append(event)
        if rng.random() < 0.15:
            b.emit("- - - -")
            b.constructs.add("probation_event")
            cycle.events.append(
                _simple_event(
                    b,
                    person,
                    EventKind.PROBATION,
                    "PROBATION:",
                    b.date_after(court_date, 1, 30),
                    rng.choice(PROBATION_OFFICES),
                    offenses[0],
                )
            )
    elif rng.random() < 0.3:
        b.emit("- - - -")
        b.constructs.add("supplemental_arrest")
        cycle.events.append(
            _arrest_event(b, person, b.date_after(date, 1, 20), offenses[:1], EventKind.SUPPLEMENTAL_ARREST)
        )
    return cycle


def _registration_cycle(b: _Builder, person: Person, date: dt.date) -> Cycle:
    rng = b.rng
    kind = rng.choice(
        [
            RegistrationKind.SEX_OFFENDER,
            RegistrationKind.SEX_OFFENDER,
            RegistrationKind.NARCOTICS,
            RegistrationKind.ARSON,
        ]
    )
    offense = REGISTRATIONS[kind]
    cycle = Cycle(date, number=len(person.cycles) + 1)
    if rng.random() < 0.4:
        # The trap: a registration under a bare date, with no header and no CNT line.
        b.constructs.add("bare_date_registration")
        agency, county = rng.choice(POLICE)
        with_agency = rng.random() < 0.5
        b.emit(
            f"{_ymd(date)}  {agency}" if with_agency else _ymd(date),
            f"  {offense.section} {offense.code}-{offense.description}",
        )
        event = Event(
            EventKind.REGISTRATION,
            date,
            agency if with_agency else "",
            county if with_agency else "",
            registration=kind,
        )
        event.counts.append(Count(1, code_section=offense.code_section, description=offense.description))
        cycle.events.append(event)
        return cycle
    event = _simple_event(b, person, EventKind.REGISTRATION, "REGISTRATION:", date, rng.choice(POLICE), offense)
    event.registration = kind
    cycle.events.append(event)
    if rng.random() < 0.5:
        b.constructs.add("registration_followup_bare_date")
        again = b.date_after(date, 300, 800)
        agency, county = rng.choice(POLICE)
        b.emit("- - - -", f"{_ymd(again)}  {agency}", f"  {offense.section} {offense.code}-{offense.description}")
        follow = Event(EventKind.REGISTRATION, again, agency, county, registration=kind)
        follow.counts.append(Count(1, code_section=offense.code_section, description=offense.description))
        cycle.events.append(follow)
    return cycle


def _other_cycle(b: _Builder, person: Person, date: dt.date, kind: str) -> Cycle:
    cycle = Cycle(date, number=len(person.cycles) + 1)
    b.constructs.add(kind)
    if kind == "applicant":
        event = _simple_event(
            b, person, EventKind.APPLICANT, "APPLICANT:", date, ("CADOJ SACRAMENTO", "SACRAMENTO"), None
        )
        b.emit("   COM: SECURITY GUARD LICENSE")
    else:
        event = _simple_event(
            b,
            person,
            EventKind.MENTAL_HEALTH,
            "MENTAL HLTH CUS/SUPV",
            date,
            ("CAHO NAPA STATE HOSPITAL", ""),
            MENTAL_HEALTH_OFFENSE,
        )
    cycle.events.append(event)
    return cycle


# --- noise and pages -----------------------------------------------------------------------------

_STRAYS = [".", "'", "\u00b7"]


def _add_noise(rng: random.Random, line: str, applied: list[str]) -> str:
    """One of the OCR noise forms the format note documents, all of which the parser repairs."""
    stripped = line.lstrip()
    options = []
    if stripped.startswith("CNT:"):
        options.append("cnt")
    if stripped.startswith("COURT:"):
        options.append("court")
    if "DISPO:" in line:
        options.append("dispo")
    if ":" in line and not line.startswith("RE:"):
        options.append("semicolon")
    if "TOC:" in line:
        options.append("toc")
    tokens = line.split(" ")
    if any(len(t) == 8 and t.isdigit() for t in tokens) or "DOB/" in line:
        options.append("date")
    if stripped:
        options.append("stray")
    if not options:
        return line
    choice = rng.choice(options)
    applied.append(choice)
    if choice == "cnt":
        return line.replace("CNT:", rng.choice(["CHT:", "CNI:"]), 1)
    if choice == "court":
        return line.replace("COURT:", "COURI:", 1)
    if choice == "dispo":
        return line.replace("DISPO:", "DI SP O:", 1)
    if choice == "semicolon":
        return line.replace(":", ";", 1)
    if choice == "toc":
        return line.replace("TOC:", "T\u00d3C:", 1)
    if choice == "date":
        for index, token in enumerate(tokens):
            digits = token[4:] if token.startswith("DOB/") else token
            if len(digits) == 8 and digits.isdigit():
                cut = rng.randint(1, 7)
                tokens[index] = token[: len(token) - 8] + digits[:cut] + "." + digits[cut:]
                return " ".join(tokens)
        return line
    stray = rng.choice(_STRAYS)
    where = rng.choice(["start", "end", "middle"])
    if where == "start":
        return stray + " " + line
    if where == "end" or len(tokens) < 2:
        return line + " " + stray
    gaps = [i for i in range(1, len(tokens)) if tokens[i - 1] and tokens[i]]
    if not gaps:
        return line + " " + stray
    cut = rng.choice(gaps)
    return " ".join(tokens[:cut]) + " " + stray + " " + " ".join(tokens[cut:])


def _route_line(seed: int) -> str:
    return f"ROUTE:CA0019999 PRINTED 20190102 10:11 REQ {seed:08d}"


def _url_line(seed: int) -> str:
    return f"https://rap.example.invalid/transcript/{seed:08d}"


def _paginate(lines: list[str], per_page: int) -> list[list[str]]:
    return [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]


def generate_sheet(
    seed: int,
    *,
    noise: bool = False,
    pages: tuple[int, int] = (1, 3),
    record_error: bool | None = None,
    lines_per_page: int = LINES_PER_PAGE,
) -> GeneratedSheet:
    """A RAP sheet and its expected reading. ``record_error=None`` lets the seed decide (about one
    sheet in forty is a RECORD ERROR answer)."""
    rng = random.Random(seed)
    source = f"generated-{seed}"
    if record_error is None:
        record_error = rng.random() < 0.025
    b = _Builder(rng, source)
    if record_error:
        b.emit(
            f"RE: QHY.CA0000000.{seed:08d}.TEST-          DATE:20190102 TIME:10:11:12",
            "RESTRICTED-DO NOT USE FOR EMPLOYMENT,LICENSING OR CERTIFICATION PURPOSES",
            "",
            RECORD_ERROR_TEXT,
            "",
            "* * * END OF MESSAGE * * *",
        )
        return _finish(b, seed, None, "record_error", noise, lines_per_page)
    person = Person(source=source, person_key="", source_kind="rap_sheet")
    _identity(b, person)
    target_lines = rng.randint(*pages) * lines_per_page - rng.randint(5, lines_per_page // 2)
    date = person.dob + dt.timedelta(days=365 * 18 + rng.randint(0, 3000))
    extras = rng.sample(["registration", "applicant", "mental_health"], rng.randint(0, 2))
    # Room kept at the end for a DECEASED cycle and the END OF MESSAGE line.
    limit = pages[1] * lines_per_page - 8
    retries = 0
    while True:
        mark, constructs = len(b.lines), set(b.constructs)
        b.emit("* * * *" if rng.random() < 0.8 else "* * *")
        if extras and rng.random() < 0.3:
            kind = extras.pop()
            cycle = (
                _registration_cycle(b, person, date) if kind == "registration" else _other_cycle(b, person, date, kind)
            )
        else:
            cycle = _criminal_cycle(b, person, date)
        if len(b.lines) > limit and (person.cycles or retries < 5):
            # The cycle would run past the last page asked for: drop it, and stop unless it was
            # the first one (a sheet has at least one cycle; a shorter one is tried again).
            del b.lines[mark:]
            b.constructs = constructs
            if person.cycles:
                break
            retries += 1
            continue
        person.cycles.append(cycle)
        date = b.date_after(date, 400, 2500)
        if len(b.lines) >= target_lines and not extras:
            break
    if rng.random() < 0.05:
        b.constructs.add("deceased")
        b.emit("* * * *")
        death = b.date_after(date, 10, 400)
        cycle = Cycle(death, number=len(person.cycles) + 1)
        cycle.events.append(
            _simple_event(b, person, EventKind.DECEASED, "DECEASED:", death, ("CACO LOS ANGELES", "LOS ANGELES"), None)
        )
        person.cycles.append(cycle)
        person.deceased = True
    b.emit(rng.choice(["* * * END OF MESSAGE * * *", "* * *  END OF MESSAGE  * * *", "***END OF MESSAGE***"]))
    if rng.random() < 0.2:
        b.emit("", "TEXT AFTER THE END OF MESSAGE IS NOT PART OF THE RECORD")
    return _finish(b, seed, person, "ok", noise, lines_per_page)


def _finish(b: _Builder, seed: int, person: Person | None, status: str, noise: bool, per_page: int) -> GeneratedSheet:
    applied: list[str] = []
    body = b.lines
    if noise:
        body = [_add_noise(b.rng, line, applied) if line.strip() and b.rng.random() < 0.3 else line for line in body]
    page_bodies = _paginate(body, per_page)
    total = len(page_bodies)
    text_lines: list[str] = []
    for number, page in enumerate(page_bodies, start=1):
        text_lines += [_route_line(seed), f"{'':20}PAGE {number} OF {total}", *page, _url_line(seed)]
    if total > 1:
        b.constructs.add("page_break")
    return GeneratedSheet(
        seed,
        "\n".join(text_lines) + "\n",
        ["\n".join(p) for p in page_bodies],
        person,
        status,
        noise,
        b.constructs,
        applied,
    )


def render_pdf(sheet_text: str, path: str | Path, lines_per_page: int = LINES_PER_PAGE, seed: int = 0) -> Path:
    """A text-layer PDF that looks like a printed transcript: Courier, a route line and
    ``PAGE n OF m`` at the top of each page, a URL at the bottom. Pages are split at form feeds
    when the text has them, else every ``lines_per_page`` lines."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    if "\f" in sheet_text:
        pages = [page.split("\n") for page in sheet_text.split("\f")]
    else:
        pages = _paginate(sheet_text.split("\n"), lines_per_page)
    path = Path(path)
    pdf = canvas.Canvas(str(path), pagesize=letter)
    pdf.setTitle("CALIFORNIA CRIMINAL HISTORY TRANSCRIPT (SYNTHETIC)")
    width, height = letter
    for number, lines in enumerate(pages, start=1):
        pdf.setFont("Courier", 7)
        pdf.drawString(36, height - 24, _route_line(seed))
        pdf.drawString(36, height - 34, f"{'':20}PAGE {number} OF {len(pages)}")
        pdf.drawString(36, 20, _url_line(seed))
        pdf.setFont("Courier", 9)
        y = height - 54
        for line in lines:
            pdf.drawString(36, y, line)
            y -= 12
        pdf.showPage()
    pdf.save()
    return path


def generate_batch(
    directory: str | Path, n: int, seed: int = 0, pdf: bool = True, noise: bool = False, pages: tuple[int, int] = (1, 3)
) -> list[Path]:
    """Write ``n`` sheets (``.txt``, and ``.pdf`` when asked) with their expected reading as JSON."""
    from .cli import to_json

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(n):
        sheet = generate_sheet(seed + index, noise=noise, pages=pages)
        stem = directory / f"rap_{seed + index:06d}"
        stem.with_suffix(".txt").write_text(sheet.text, encoding="utf-8")
        written.append(stem.with_suffix(".txt"))
        if pdf:
            written.append(render_pdf(sheet.pdf_text, stem.with_suffix(".pdf"), seed=seed + index))
        expected = to_json(sheet.expected) if sheet.expected else {"status": sheet.status}
        stem.with_suffix(".expected.json").write_text(json.dumps(expected, indent=1), encoding="utf-8")
    return written


# --- comparison ----------------------------------------------------------------------------------


def record_view(person: Person | None) -> dict | None:
    """What a reading must get right, without source references and warnings: used to compare a
    parsed record with the generator's truth."""
    if person is None:
        return None

    def part(p: SentencePart):
        return (p.kind.value, p.amount, p.unit, p.suspended, p.concurrent)

    def disposition(d: Disposition):
        return {
            "kind": d.kind.value,
            "date": d.date,
            "level": d.level.value,
            "statute": d.statute,
            "sentence": [part(p) for p in d.sentence],
        }

    def count(c: Count):
        return {
            "number": c.number,
            "case": c.case_number,
            "section": str(c.code_section) if c.code_section else None,
            "attempted": c.attempted,
            "description": c.description,
            "toc": c.toc.value,
            "flags": list(c.flags),
            "dispositions": [disposition(d) for d in c.dispositions],
        }

    def event(e: Event):
        return {
            "kind": e.kind.value,
            "date": e.date,
            "agency": e.agency,
            "county": e.county,
            "name_code": e.name_code,
            "custody": e.custody_kind,
            "registration": e.registration.value if e.registration else None,
            "counts": [count(c) for c in e.counts],
        }

    return {
        "cii": person.cii,
        "person_key": person.person_key,
        "names": [(n.code, n.full) for n in person.names],
        "dob": person.dob,
        "other_dobs": list(person.other_dobs),
        "sex": person.sex,
        "race": person.race,
        "deceased": person.deceased,
        "identifiers": dict(person.identifiers),
        "cycles": [{"number": c.number, "date": c.date, "events": [event(e) for e in c.events]} for c in person.cycles],
    }
