"""Evaluate files without a server or stored data: the engine behind ``manage.py evaluate``.

RAP sheets (PDF or text) and DOJ research files go in, one flat row per determination comes out,
in the contract documented in the README. The file type is read from the content, never from the
name. No Django here: the same code runs in the CLI, the benchmarks and the tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

import orjson

from intake.doj.collector import PERSONS_PER_PASS, collect_per_chunk

from .engine.evaluate import evaluate_person
from .engine.output import determination_lines, determination_rows, person_summary_row
from .engine.policy import Policy
from .engine.record import Person

CONTRACT_KEYS = [
    "source", "cii", "name", "case_number", "court_county", "count", "code_section", "attempted", "level",
    "disposition_date", "relief", "outcome", "reduce_to", "seal", "eligible_on", "reasons",
]
SUMMARY_KEYS = [
    "source", "cii", "name", "person_key", "counts_evaluated", "determinations", "no_felony_after_relief",
    "no_conviction_after_relief", "registrant", "currently_serving", "pending_case", "deceased",
]
# Below this size a DOJ file is read by one process: starting workers would cost more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
RAP_MARKERS = (b"CII/", b"ARR/DET/CITE", b"COURT:", b"END OF MESSAGE", b"RECORD ERROR", b"NAM/")


class InputError(Exception):
    """A file that yields no record; the message says why. Other files go on."""


def detect_kind(path: Path) -> str:
    """``rap_sheet`` or ``doj``, from the bytes: a PDF is a RAP sheet; a text whose first record
    has the DOJ layout's many commas is a DOJ file; RAP sheet markers make a text RAP sheet."""
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    if not head:
        raise InputError("the file is empty (0 bytes)")
    if head.lstrip()[:5] == b"%PDF-":
        return "rap_sheet"
    first_line = head.split(b"\n", 1)[0]
    if first_line.count(b",") >= 60:
        return "doj"
    if any(marker in head for marker in RAP_MARKERS):
        return "rap_sheet"
    if b"\x00" in head[:4096]:
        raise InputError("binary content that is neither a PDF nor a text file")
    raise InputError("neither a RAP sheet (no CII/, NAM/ or event headers) nor a DOJ research file (95 columns)")


@dataclass
class FileReport:
    source: str
    kind: str = ""
    persons: int = 0
    rows_rejected: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)


def iter_records(path: Path, report: FileReport) -> Iterator[Person]:
    kind = detect_kind(path)
    report.kind = kind
    if kind == "doj":
        from intake.doj.group import FileStats, iter_persons

        stats = FileStats(path.name)
        for item in iter_persons(path, stats=stats):
            report.persons += 1
            yield item.person
        report.rows_rejected = stats.rows_rejected
        if stats.rows_rejected:
            report.warnings.append(_rejected(stats.rows_rejected, export=False))
        if stats.file_problem and not report.persons:
            raise InputError(stats.file_problem)
        return
    from intake.rap_sheet.extract import ExtractionError, extract_file
    from intake.rap_sheet.parser import parse_rap_sheet

    try:
        extraction = extract_file(path)
    except ExtractionError as error:
        raise InputError(error.message) from error
    parsed = parse_rap_sheet(extraction, path.name)
    if parsed.person is None:
        raise InputError(parsed.message or f"no record ({parsed.status})")
    report.persons = 1
    report.warnings.extend(w.message for w in parsed.warnings if w.affects_eligibility)
    yield parsed.person


def _csv_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " | ".join(str(v) for v in value)
    return "" if value is None else value


class RowWriter:
    """Rows to ``out``: a text stream, or for ``jsonl`` also a binary one, which takes orjson's
    bytes as they are (``evaluate --workers`` writes gigabytes of them)."""

    def __init__(self, out: TextIO | BinaryIO, fmt: str, keys: list[str]):
        self.out = out
        self.fmt = fmt
        self.keys = keys
        self.csv = None
        self.rows = 0
        self.binary = not isinstance(out, io.TextIOBase)

    def write(self, row: dict) -> None:
        self.rows += 1
        if self.fmt == "jsonl":
            # orjson writes exactly what json.dumps(row, ensure_ascii=False, separators=(",", ":"))
            # writes for these rows (strings, numbers, booleans, lists, null), six times faster.
            line = orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)
            self.out.write(line if self.binary else line.decode())
            return
        if self.csv is None:
            extra = [k for k in row if k not in self.keys]
            self.csv = csv.DictWriter(self.out, fieldnames=self.keys + extra, extrasaction="ignore")
            self.csv.writeheader()
        self.csv.writerow({k: _csv_value(v) for k, v in row.items()})

    def write_determinations(self, person: Person, result, source: str) -> None:
        """The person's determination rows; for ``jsonl`` all their lines in one write, built as bytes
        by :func:`determination_lines` without the row dicts."""
        if self.fmt != "jsonl":
            for row in determination_rows(person, result, source):
                self.write(row)
            return
        self.rows += len(result.determinations)
        lines = determination_lines(person, result, source)
        self.out.write(lines if self.binary else lines.decode())


def evaluate_paths(paths: list[Path], policy: Policy, as_of: dt.date, *, fmt: str = "jsonl",
                   out: TextIO = sys.stdout, person_summary: bool = False,
                   err: TextIO = sys.stderr, export_dir: Path | None = None,
                   workers: int = 1) -> list[FileReport]:
    writer = RowWriter(out, fmt, SUMMARY_KEYS if person_summary else CONTRACT_KEYS)
    reports = []
    emitted = 0
    for path in _expand(paths):
        report = FileReport(path.name)
        reports.append(report)

        def emit(person, result, source=path.name):
            nonlocal emitted
            emitted += 1
            if emitted % PERSONS_PER_PASS == 0:
                gc.collect()  # the automatic passes are off while a file is read (collect_per_chunk)
            if person_summary:
                writer.write(person_summary_row(person, result, source))
            else:
                writer.write_determinations(person, result, source)

        try:
            with collect_per_chunk():
                kind = detect_kind(path)
                if kind == "doj" and workers > 1 and path.stat().st_size >= PARALLEL_MIN_BYTES:
                    from .headless_parallel import evaluate_doj_parallel

                    report.kind = "doj"
                    tallies = evaluate_doj_parallel(
                        path, policy, as_of, fmt=fmt, out=out, person_summary=person_summary,
                        export_dir=export_dir / path.stem if export_dir else None, workers=workers)
                    report.persons = tallies["persons"]
                    if tallies["rows_rejected"]:
                        report.warnings.append(_rejected(tallies["rows_rejected"], export=export_dir is not None))
                    if tallies["file_problem"] and not tallies["persons"]:
                        report.error = tallies["file_problem"]
                    continue
                if export_dir is not None and kind == "doj":
                    # One pass: the contract rows and the analyst's results files from the same results.
                    from intake.doj.results import write_results

                    report.kind = "doj"
                    impact = write_results(path, export_dir / path.stem, policy, as_of, on_result=emit,
                                           hashed=person_summary)
                    report.persons = impact["persons"]
                    if impact["rows_rejected"]:
                        report.warnings.append(_rejected(impact["rows_rejected"], export=True))
                    continue
                for person in iter_records(path, report):
                    emit(person, evaluate_person(person, policy, as_of, hashed=person_summary))
        except InputError as error:
            report.error = str(error)
        except OSError as error:
            report.error = f"cannot read the file: {error.strerror or error}"
        finally:
            _report(report, path, err)
    return reports


def _rejected(rows: int, *, export: bool) -> str:
    # The same words whether one process or several read the file.
    where = "marked in results_all_rows.csv" if export else "--export-dir lists them in results_all_rows.csv"
    return f"{rows} row(s) rejected ({where})"


def _report(report: FileReport, path: Path, err: TextIO) -> None:
    if report.error:
        err.write(f"{path}: ERROR: {report.error}\n")
    for warning in report.warnings[:20]:
        err.write(f"{path}: warning: {warning}\n")


def _expand(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and not child.name.startswith("."):
                    yield child
        else:
            yield path


def load_policy(path: str | os.PathLike | None, county: str) -> Policy:
    """Our policy JSON, or the earlier tool's ``eligibility_options.json`` format, detected by keys."""
    if not path:
        return Policy(county=county.upper())
    data = json.loads(Path(path).read_text())
    if "baselineEligibility" in data or "additionalRelief" in data:
        return Policy.from_cfa_options(data, county=county.upper())
    policy = Policy.from_dict(data)
    if county:
        policy = Policy.from_dict({**policy.to_dict(), "county": county.upper()})
    return policy
