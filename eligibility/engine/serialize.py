"""A person's normalized record to and from plain JSON-able dicts.

Stored snapshots, the CLI's ``--json`` output and test fixtures all use this one shape, so a record
read back evaluates exactly as the record that was parsed (the engine's input hash covers it).
Keys are short on purpose: a county's DOJ file holds millions of counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .code_section import CodeSection
from .record import (
    Count,
    Cycle,
    Disposition,
    DispositionKind,
    Event,
    EventKind,
    Level,
    Name,
    ParseWarning,
    Person,
    RegistrationKind,
    SentenceKind,
    SentencePart,
    SourceRef,
)


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _ref(ref: SourceRef) -> list:
    return [ref.source, ref.line, ref.page, ref.text]


def _ref_back(data: list) -> SourceRef:
    return SourceRef(data[0], data[1], data[2], data[3])


def _warning(warning: ParseWarning) -> dict:
    return {"m": warning.message, "r": _ref(warning.ref) if warning.ref else None, "a": warning.affects_eligibility}


def _warning_back(data: dict) -> ParseWarning:
    return ParseWarning(data["m"], _ref_back(data["r"]) if data.get("r") else None, data.get("a", True))


def _sentence(part: SentencePart) -> dict:
    out: dict[str, Any] = {"k": part.kind.value}
    if part.amount is not None:
        out["n"] = part.amount
        out["u"] = part.unit
    if part.raw:
        out["raw"] = part.raw
    if part.suspended:
        out["ss"] = True
    if part.concurrent:
        out["cc"] = True
    return out


def _sentence_back(data: dict) -> SentencePart:
    return SentencePart(
        SentenceKind(data["k"]), data.get("n"), data.get("u", ""), data.get("raw", ""),
        data.get("ss", False), data.get("cc", False),
    )


def _disposition(d: Disposition) -> dict:
    out: dict[str, Any] = {"k": d.kind.value, "d": _d(d.date)}
    if d.raw:
        out["raw"] = d.raw
    if d.level != Level.UNKNOWN:
        out["l"] = d.level.value
    if d.sentence:
        out["s"] = [_sentence(p) for p in d.sentence]
    if d.statute:
        out["st"] = d.statute
    if d.refs:
        out["refs"] = [_ref(r) for r in d.refs]
    return out


def _disposition_back(data: dict) -> Disposition:
    return Disposition(
        DispositionKind(data["k"]), _date(data.get("d")), data.get("raw", ""), Level(data.get("l", "unknown")),
        [_sentence_back(p) for p in data.get("s", [])], data.get("st", ""),
        [_ref_back(r) for r in data.get("refs", [])],
    )


def _code_section(cs: CodeSection | None) -> list | None:
    return [cs.code, cs.section, list(cs.subsections)] if cs else None


def _code_section_back(data: list | None) -> CodeSection | None:
    return CodeSection(data[0], data[1], tuple(data[2])) if data else None


_COUNT_OPTIONAL = ("quantity_grams", "plant_count", "value_dollars")


def _count(c: Count) -> dict:
    out: dict[str, Any] = {"n": c.number, "cs": _code_section(c.code_section)}
    if c.case_number:
        out["case"] = c.case_number
    if c.attempted:
        out["att"] = True
    if c.description:
        out["desc"] = c.description
    if c.charge_text:
        out["chg"] = c.charge_text
    if c.toc != Level.UNKNOWN:
        out["toc"] = c.toc.value
    if c.dispositions:
        out["disp"] = [_disposition(d) for d in c.dispositions]
    if c.flags:
        out["flags"] = list(c.flags)
    if c.refs:
        out["refs"] = [_ref(r) for r in c.refs]
    if c.warnings:
        out["w"] = [_warning(w) for w in c.warnings]
    for name in _COUNT_OPTIONAL:
        value = getattr(c, name)
        if value is not None:
            out[name] = value
    if c.offense_date:
        out["od"] = _d(c.offense_date)
    return out


def _count_back(data: dict) -> Count:
    count = Count(
        number=data["n"], case_number=data.get("case", ""), code_section=_code_section_back(data.get("cs")),
        attempted=data.get("att", False), description=data.get("desc", ""), charge_text=data.get("chg", ""),
        toc=Level(data.get("toc", "unknown")), dispositions=[_disposition_back(d) for d in data.get("disp", [])],
        flags=list(data.get("flags", [])), refs=[_ref_back(r) for r in data.get("refs", [])],
        warnings=[_warning_back(w) for w in data.get("w", [])], offense_date=_date(data.get("od")),
    )
    for name in _COUNT_OPTIONAL:
        if name in data:
            setattr(count, name, data[name])
    return count


def _event(e: Event) -> dict:
    out: dict[str, Any] = {"k": e.kind.value, "d": _d(e.date)}
    for key, value in (("ag", e.agency), ("co", e.county), ("nc", e.name_code), ("ck", e.custody_kind)):
        if value:
            out[key] = value
    if e.registration is not None:
        out["reg"] = e.registration.value
    if e.counts:
        out["c"] = [_count(c) for c in e.counts]
    if e.refs:
        out["refs"] = [_ref(r) for r in e.refs]
    if e.warnings:
        out["w"] = [_warning(w) for w in e.warnings]
    return out


def _event_back(data: dict) -> Event:
    return Event(
        kind=EventKind(data["k"]), date=_date(data.get("d")), agency=data.get("ag", ""), county=data.get("co", ""),
        name_code=data.get("nc", ""), counts=[_count_back(c) for c in data.get("c", [])],
        refs=[_ref_back(r) for r in data.get("refs", [])], warnings=[_warning_back(w) for w in data.get("w", [])],
        custody_kind=data.get("ck", ""),
        registration=RegistrationKind(data["reg"]) if data.get("reg") else None,
    )


def person_to_dict(person: Person) -> dict:
    return {
        "v": 1,
        "source": person.source,
        "key": person.person_key,
        "cii": person.cii,
        "names": [[n.code, n.full] for n in person.names],
        "dob": _d(person.dob),
        "other_dobs": [_d(d) for d in person.other_dobs],
        "sex": person.sex,
        "race": person.race,
        "deceased": person.deceased,
        "ids": dict(person.identifiers),
        "kind": person.source_kind,
        "w": [_warning(w) for w in person.warnings],
        "cycles": [
            {"d": _d(c.date), "n": c.number, "e": [_event(e) for e in c.events]} for c in person.cycles
        ],
    }


def person_from_dict(data: dict) -> Person:
    return Person(
        source=data.get("source", ""),
        person_key=data.get("key", ""),
        cii=data.get("cii", ""),
        names=[Name(code, full) for code, full in data.get("names", [])],
        dob=_date(data.get("dob")),
        other_dobs=[_date(d) for d in data.get("other_dobs", []) if d],
        sex=data.get("sex", ""),
        race=data.get("race", ""),
        deceased=data.get("deceased", False),
        identifiers=dict(data.get("ids", {})),
        source_kind=data.get("kind", ""),
        warnings=[_warning_back(w) for w in data.get("w", [])],
        cycles=[
            Cycle(date=_date(c.get("d")), number=c.get("n", 0), events=[_event_back(e) for e in c.get("e", [])])
            for c in data.get("cycles", [])
        ],
    )
