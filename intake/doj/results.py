"""Results of a DOJ research file that a county analyst can use without the app.

Four files, joined back to the source by line number and RECORD_ID:

1. ``results_all_rows.csv``: every input row (rejected rows too, with the reason), each with the
   determination columns appended; a row whose count got several determinations (one per relief
   law) appears once per determination;
2. ``results_condensed.csv``: the same, with only the key identity and offense columns;
3. ``results_determinations_only.csv``: only the rows that got a determination;
4. ``impact_summary.json`` and ``impact_summary.csv``: see :mod:`eligibility.impact`.

Rows are written as soon as their person is evaluated: a person's rows are contiguous in a normal
export, so memory holds one person at a time, never the file. A file whose subjects are split
(rows of one SUBJECT_ID in several places) takes two passes: the first keeps the determination
columns per line, the second streams the file again and joins them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.policy import Policy
from eligibility.engine.record import Person, years_between
from eligibility.engine.results import PersonResult
from eligibility.impact import ImpactSummary, summary_rows

from .columns import COLUMNS as COLUMN_NAMES
from .columns import SUBJECT_ID
from .group import Chunk, FileStats, PersonBatchItem, SubjectIndex, iter_persons, scan_subjects
from .reader import DojReader, Row, RowError

DETERMINATION_COLUMNS = [
    "cmr_person_key", "cmr_case_number", "cmr_count", "cmr_code_section", "cmr_relief", "cmr_outcome",
    "cmr_reduce_to", "cmr_seal", "cmr_eligible_on", "cmr_reasons", "cmr_questions", "cmr_superstrike_priors",
    "cmr_pc290_registrant", "cmr_years_since_conviction", "cmr_no_felony_after_relief",
    "cmr_no_conviction_after_relief", "cmr_import_error",
]
CONDENSED_SOURCE_COLUMNS = [
    "RECORD_ID", "SUBJECT_ID", "CII_NUMBER", "PRI_NAME", "GENDER", "PRI_DOB", "RACE_DESCR", "CYC_ORDER",
    "CYC_DATE", "STP_ORDER", "STP_EVENT_DATE", "STP_TYPE_DESCR", "STP_ORI_CNTY_NAME", "CNT_ORDER",
    "OFFENSE_DESCR", "OFFENSE_TOC", "DISP_DESCR", "CONV_STAT_DESCR", "FE_NUM_CRT_CASE",
]


class LineEncoder:
    """One CSV line as a string, quoted as the csv module quotes: joined rows are built from
    pre-encoded pieces so that the 95 source fields are never parsed and quoted again."""

    def __init__(self):
        self.buffer = io.StringIO()
        # The csv module quotes a field holding a line break only when the break is part of the
        # line terminator: write one and cut it off, or a multi-line offense text would split the row.
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def __call__(self, values) -> str:
        self.writer.writerow(values)
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text[:-2]


def determination_columns(person: Person, result, as_of: dt.date, encode: LineEncoder) -> dict[int, list[str]]:
    """line number -> the encoded determination columns, one string per determination of its count."""
    cycles = person.cycles
    by_line: dict[int, list[str]] = {}
    superstrikes = "; ".join(result.superstrike_priors)
    for det in result.determinations:
        key = det.key
        count = cycles[key.cycle].events[key.event].counts[key.count]
        years = years_between(det.disposition_date, as_of) if det.disposition_date else ""
        encoded = encode([
            result.person_key, det.case_number, det.count_number, det.code_section, det.relief.value,
            det.outcome.value, det.reduce_to.value if det.reduce_to else "", _bool(det.seal),
            det.eligible_on.isoformat() if det.eligible_on else "", " | ".join(str(r) for r in det.reasons),
            " | ".join(f"{q.code}: {q.text}" for q in det.questions), superstrikes, _bool(result.registrant),
            years, _bool(result.no_felony_after_relief), _bool(result.no_conviction_after_relief), "",
        ])
        for ref in count.refs:
            by_line.setdefault(ref.line, []).append(encoded)
    return by_line


def _bool(value: bool) -> str:
    return "true" if value else "false"


class ResultsPass:
    """Evaluate every person of a DOJ file (or of one :class:`~intake.doj.group.Chunk` of it) and,
    with ``out``, write the joined files and tally the impact summary.

    When every subject's rows are contiguous (the normal export) each person's rows are written as
    soon as the person is evaluated, from the rows just read. Otherwise the determination columns
    are kept per line (:attr:`by_line`) and :meth:`finish` reads the file a second time.
    Iterate for ``(item, result)`` pairs, then call :meth:`finish`.
    """

    def __init__(self, path: Path, out: Path | None, policy: Policy, as_of: dt.date, *, chunk: Chunk | None = None,
                 index: SubjectIndex | None = None, suffix: str = "", hashed: bool = False):
        self.path, self.out, self.policy, self.as_of = path, out, policy, as_of
        self.chunk, self.suffix, self.hashed = chunk, suffix, hashed
        # Split subjects are a property of the whole file, never of one chunk.
        self.index = index if index is not None else scan_subjects(path)
        self.stats = FileStats(path.name)
        self.summary = ImpactSummary(as_of=as_of.isoformat(), county=policy.county)
        self.by_line: dict[int, list[str]] = {}
        self.single_pass = out is not None and not self.index.split
        self._header = chunk is None or chunk.number == 0

    def __iter__(self) -> Iterator[tuple[PersonBatchItem, PersonResult]]:
        policy, as_of, hashed, export = self.policy, self.as_of, self.hashed, self.out is not None
        summary, encode = self.summary, LineEncoder()
        journal: list | None = [] if self.single_pass else None
        joined = JoinedRows(self.out, suffix=self.suffix, header=self._header) if self.single_pass else None
        try:
            for item in iter_persons(self.path, stats=self.stats, index=self.index, chunk=self.chunk,
                                     journal=journal):
                result = evaluate_person(item.person, policy, as_of, hashed=hashed)
                if export:
                    summary.add(item.person, result)
                    columns = determination_columns(item.person, result, as_of, encode)
                    if joined is not None:
                        _write_journal(journal, item.subject_id, columns, joined)
                    else:
                        self.by_line.update(columns)
                yield item, result
            if joined is not None:
                _write_journal(journal, None, {}, joined)
        finally:
            if joined is not None:
                joined.close()

    def finish(self, routed: dict[int, list[str]] | None = None) -> None:
        """Second pass when one was needed; ``routed`` adds columns of lines in this chunk that
        another process evaluated (a subject split across chunks)."""
        if self.out is None or self.single_pass:
            return
        for line, columns in (routed or {}).items():
            self.by_line.setdefault(line, []).extend(columns)
        write_joined_rows(self.path, self.out, self.by_line, chunk=self.chunk, suffix=self.suffix)


def _write_journal(journal: list, subject: str | None, columns: dict[int, list[str]], joined: JoinedRows) -> None:
    """Write the journal's rows up to where the next subject starts (all of them for ``None``)."""
    done = 0
    for entry in journal:
        if type(entry) is Row:
            owner = entry.fields[SUBJECT_ID].strip()
            if subject is not None and owner and owner != subject:
                break
            joined.add(entry, columns.get(entry.line_number))
        else:
            joined.add(entry, None)
        done += 1
    del journal[:done]


def write_summary(out: Path, impact: dict) -> None:
    (out / "impact_summary.json").write_text(json.dumps(impact, indent=2))
    with open(out / "impact_summary.csv", "w", newline="") as handle:
        csv.writer(handle).writerows(summary_rows(impact))


def write_results(path: str | os.PathLike, out_dir: str | os.PathLike, policy: Policy, as_of: dt.date,
                  on_result=None, hashed: bool = False) -> dict:
    """Write the four results files for one DOJ file; returns the impact summary.
    ``on_result(person, result)`` sees each result too (with its ``input_hash`` only when
    ``hashed``: the files do not show it)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    run = ResultsPass(Path(path), out, policy, as_of, hashed=hashed)
    for item, result in run:
        if on_result is not None:
            on_result(item.person, result)
    run.finish()
    impact = run.summary.as_dict()
    impact["rows_read"] = run.stats.rows_read
    impact["rows_rejected"] = run.stats.rows_rejected
    write_summary(out, impact)
    return impact


JOINED_FILES = ("results_all_rows.csv", "results_condensed.csv", "results_determinations_only.csv")


def write_joined_rows(path: Path, out: Path, by_line: dict[int, list[str]], *, chunk=None, suffix: str = "") -> None:
    """The second pass: stream the file (or ``chunk`` of it) again and join each line to its
    determination columns, into files named with ``suffix`` (only the first chunk's have headers)."""
    if chunk is None:
        reader = DojReader(path)
    else:
        reader = DojReader(path, byte_range=(chunk.start, chunk.end, chunk.first_line),
                           width=chunk.width if chunk.number else None)
    with JoinedRows(out, suffix=suffix, header=chunk is None or chunk.number == 0) as joined:
        add, columns = joined.add, by_line.get
        for result in reader:
            add(result, columns(result.line_number))


_CONDENSED = itemgetter(*(COLUMN_NAMES.index(name) for name in CONDENSED_SOURCE_COLUMNS))
_EMPTY = "," * (len(DETERMINATION_COLUMNS) - 1)
_WIDTH = len(COLUMN_NAMES)


class JoinedRows:
    """The three joined files, written in file order. Lines are gathered and written a few
    thousand at a time: a write call per line was a tenth of the whole evaluation."""

    def __init__(self, out: Path, *, suffix: str = "", header: bool = True):
        self.files = [open(out / f"{name}{suffix}", "w", newline="") for name in JOINED_FILES]  # noqa: SIM115
        self.all_lines: list[str] = []
        self.condensed_lines: list[str] = []
        self.only_lines: list[str] = []
        self.encode = LineEncoder()
        if header:
            line = self.encode(["source_line", *COLUMN_NAMES, *DETERMINATION_COLUMNS]) + "\r\n"
            self.all_lines.append(line)
            self.only_lines.append(line)
            self.condensed_lines.append(
                self.encode(["source_line", *CONDENSED_SOURCE_COLUMNS, *DETERMINATION_COLUMNS]) + "\r\n")

    def add(self, result: Row | RowError, determinations: list[str] | None) -> None:
        encode = self.encode
        if len(self.all_lines) > 4000:
            self.flush()
        if type(result) is RowError:
            # Nothing is dropped: a rejected row is written with what it held and why.
            raw = next(csv.reader([result.raw_line]), [])
            fields = (raw + [""] * _WIDTH)[:_WIDTH]
            problem = f"rejected: {result.problem}" + (f" (column {result.column})" if result.column else "")
            tail = _EMPTY + encode([problem])
            self.all_lines.append(f"{result.line_number},{encode(fields)},{tail}\r\n")
            self.condensed_lines.append(f"{result.line_number},{encode(_CONDENSED(fields))},{tail}\r\n")
            return
        fields = result.fields
        # A regular row is copied as it came; a repaired row, or one of the short 94-column
        # layout, is written as read, padded to the 95 columns of the header.
        if result.repair or len(fields) != _WIDTH:
            source = encode((fields + [""] * _WIDTH)[:_WIDTH])
        else:
            source = result.raw_line
        line = result.line_number
        key = encode(_CONDENSED(fields))
        if not determinations:
            self.all_lines.append(f"{line},{source},{_EMPTY}\r\n")
            self.condensed_lines.append(f"{line},{key},{_EMPTY}\r\n")
            return
        for columns in determinations:
            joined = f"{line},{source},{columns}\r\n"
            self.all_lines.append(joined)
            self.only_lines.append(joined)
            self.condensed_lines.append(f"{line},{key},{columns}\r\n")

    def flush(self) -> None:
        for handle, lines in zip(self.files, (self.all_lines, self.condensed_lines, self.only_lines), strict=True):
            handle.write("".join(lines))
            lines.clear()

    def close(self) -> None:
        self.flush()
        for handle in self.files:
            handle.close()

    def __enter__(self) -> JoinedRows:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
