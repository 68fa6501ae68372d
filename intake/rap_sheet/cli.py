"""``parse_rap_sheet FILE [--json]``: read one RAP sheet and print what was read and every warning.

Plain Python (no Django) so that the same reading can be checked on a laptop; the Django app wraps
:func:`main` in a management command.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import json
import sys

from eligibility.engine.code_section import CodeSection
from eligibility.engine.record import ParseWarning, Person

from .extract import ExtractionError, extract_file
from .parser import ParsedSheet, parse_rap_sheet


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, CodeSection):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def to_json(person: Person) -> dict:
    """A Person as JSON-ready data: dates ISO, enums as their values, code sections as
    ``"HS 11357(b)"``; every field of the record contract, source references included."""
    return _plain(person)


def sheet_to_json(sheet: ParsedSheet) -> dict:
    return {
        "source": sheet.source,
        "status": sheet.status,
        "message": sheet.message,
        "needs_review": sheet.needs_review,
        "person": to_json(sheet.person) if sheet.person else None,
        "warnings": [_plain(w) for w in sheet.warnings],
    }


def _warning_text(warning: ParseWarning) -> str:
    where = ""
    if warning.ref is not None:
        where = f" [line {warning.ref.line}" + (f", page {warning.ref.page}" if warning.ref.page else "") + "]"
    marker = "REVIEW" if warning.affects_eligibility else "note"
    return f"  {marker}: {warning.message}{where}"


def render_text(sheet: ParsedSheet) -> str:
    out = [f"{sheet.source}: {sheet.status} - {sheet.message}"]
    person = sheet.person
    if person is not None:
        names = "; ".join(f"{n.code} {n.full}" for n in person.names)
        out.append(
            f"CII {person.cii or '-'}  DOB {person.dob or '-'}  SEX {person.sex or '-'}  RACE {person.race or '-'}"
        )
        out.append(f"NAMES {names}" + ("  DECEASED" if person.deceased else ""))
        for cycle in person.cycles:
            out.append(f"cycle {cycle.number} ({cycle.date or 'no date'})")
            for event in cycle.events:
                extra = event.custody_kind or (event.registration.value if event.registration else "")
                out.append(
                    f"  {event.kind.value} {event.date or '-'} {event.agency}"
                    f"{' [' + event.county + ']' if event.county else ''} {extra}".rstrip()
                )
                for count in event.counts:
                    charge = str(count.code_section) if count.code_section else "charge not read"
                    attempted = "attempted " if count.attempted else ""
                    out.append(
                        f"    count {count.number} #{count.case_number or '-'} {attempted}"
                        f"{charge} {count.description}".rstrip()
                    )
                    for d in count.dispositions:
                        sentence = ", ".join(p.raw or p.kind.value for p in d.sentence)
                        level = f" {d.level.value}" if d.level.value != "unknown" else ""
                        out.append(
                            f"      {d.date or '-'} {d.kind.value}{level}{' ' + d.statute if d.statute else ''}"
                            f"{' sentence: ' + sentence if sentence else ''}"
                        )
    if sheet.warnings:
        out.append(f"warnings ({len(sheet.warnings)}):")
        out.extend(_warning_text(w) for w in sheet.warnings)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parse_rap_sheet", description="Read a RAP sheet (PDF or text).")
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true", help="print the record as JSON")
    parser.add_argument("--engine", choices=["pdfium", "pdfplumber"], default="pdfium")
    args = parser.parse_args(argv)
    try:
        extraction = extract_file(args.file, engine=args.engine)
    except ExtractionError as error:
        if args.json:
            print(json.dumps({"source": args.file, "status": f"unreadable:{error.kind}", "message": error.message}))
        else:
            print(f"{args.file}: cannot read - {error.message}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{args.file}: cannot open - {error}", file=sys.stderr)
        return 2
    sheet = parse_rap_sheet(extraction, extraction.source)
    print(json.dumps(sheet_to_json(sheet), indent=2) if args.json else render_text(sheet))
    return 0 if sheet.status == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
