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
import json
import os
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.output import ISO_DATES
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


def quote_field(text: str) -> str:
    """One field as the csv module writes it (QUOTE_MINIMAL): in quotes, with its quotes doubled,
    when it holds a comma, a quote or a line break; as it is otherwise."""
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def encode_line(values) -> str:
    """One CSV line (without its terminator) of string ``values``, byte for byte what
    ``csv.writer`` writes. Joined rows are built from such pre-encoded pieces, so that the 95
    source fields are never parsed and quoted again."""
    line = ",".join(values)
    # Most lines need no quotes at all: one comma per separator and none of the other specials.
    if line and line.count(",") == len(values) - 1 and not ('"' in line or "\n" in line or "\r" in line):
        return line
    if line == "" and len(values) == 1:
        return '""'  # the csv module's way to tell a row of one empty field from an empty row
    return ",".join([quote_field(value) for value in values])


_CONDENSED = itemgetter(*(COLUMN_NAMES.index(name) for name in CONDENSED_SOURCE_COLUMNS))
_NAME = COLUMN_NAMES.index("PRI_NAME")
_KEY_NAME = CONDENSED_SOURCE_COLUMNS.index("PRI_NAME")
# An itemgetter of a single index returns the field itself, not a tuple of one.
assert 2 <= _KEY_NAME <= len(CONDENSED_SOURCE_COLUMNS) - 3
_KEY_BEFORE_NAME = itemgetter(*(COLUMN_NAMES.index(name) for name in CONDENSED_SOURCE_COLUMNS[:_KEY_NAME]))
_KEY_AFTER_NAME = itemgetter(*(COLUMN_NAMES.index(name) for name in CONDENSED_SOURCE_COLUMNS[_KEY_NAME + 1:]))


def encode_key_columns(fields: list[str]) -> str:
    """:func:`encode_line` of a row's condensed key columns. PRI_NAME ("LAST,FIRST M") holds a
    comma in nearly every row: it is quoted on its own, and the other columns are checked at once."""
    before, after = _KEY_BEFORE_NAME(fields), _KEY_AFTER_NAME(fields)
    if _needs_quotes("".join(before) + "".join(after)):
        return encode_line(_CONDENSED(fields))
    return f"{','.join(before)},{quote_field(fields[_NAME])},{','.join(after)}"


def determination_columns(person: Person, result, as_of: dt.date) -> dict[int, list[str]]:
    """line number -> the encoded determination columns, one string per determination of its count."""
    cycles, iso, years_since = person.cycles, ISO_DATES, _years_since(as_of)
    by_line: dict[int, list[str]] = {}
    # The person's columns are the same in each of its determinations: encode them once.
    person_key = quote_field(result.person_key)
    priors = f"{quote_field('; '.join(result.superstrike_priors))},{_bool(result.registrant)}"
    after = f"{_bool(result.no_felony_after_relief)},{_bool(result.no_conviction_after_relief)},"
    for det in result.determinations:
        key = det.key
        count = cycles[key.cycle].events[key.event].counts[key.count]
        case_number, code_section = det.case_number, det.code_section
        if _needs_quotes(f"{case_number}{code_section}"):
            case_number, code_section = quote_field(case_number), quote_field(code_section)
        # Reason.__str__, written out: str() on each reason is a Python call from C, twice the cost.
        reasons = quote_field(" | ".join([f"{r.text} ({r.citation})" for r in det.reasons]))
        questions = det.questions
        questions = quote_field(" | ".join([f"{q.code}: {q.text}" for q in questions])) if questions else ""
        reduce_to, eligible_on, convicted = det.reduce_to, det.eligible_on, det.disposition_date
        # The other columns are numbers, dates, true/false and enum values (``_value_``: ``.value``
        # is a property that costs two Python calls), none of which ever needs quotes.
        encoded = (
            f"{person_key},{case_number},{det.count_number},{code_section},{det.relief._value_},"
            f"{det.outcome._value_},{reduce_to._value_ if reduce_to else ''},{'true' if det.seal else 'false'},"
            f"{iso[eligible_on] if eligible_on else ''},{reasons},{questions},{priors},"
            f"{years_since[convicted] if convicted else ''},{after}"
        )
        for ref in count.refs:
            by_line.setdefault(ref.line, []).append(encoded)
    return by_line


def _needs_quotes(text: str) -> bool:
    return "," in text or '"' in text or "\n" in text or "\r" in text


class _YearsSince(dict):
    """date -> whole years from it to ``as_of``, each computed once (the dates of a file repeat)."""

    def __init__(self, as_of: dt.date):
        super().__init__()
        self.as_of = as_of

    def __missing__(self, day: dt.date) -> int:
        if len(self) >= ISO_DATES.LIMIT:
            self.clear()
        years = self[day] = years_between(day, self.as_of)
        return years


@lru_cache(maxsize=4)
def _years_since(as_of: dt.date) -> _YearsSince:
    return _YearsSince(as_of)


def _bool(value: bool) -> str:
    return "true" if value else "false"


class ResultsPass:
    """Evaluate every person of a DOJ file (or of one :class:`~intake.doj.group.Chunk` of it) and,
    with ``out``, write the joined files and tally the impact summary.

    When every subject's rows are contiguous (the normal export) each person's rows are written as
    soon as the person is evaluated, from the rows just read. Otherwise the determination columns
    are kept per line (:attr:`by_line`) and :meth:`finish` reads the file a second time.
    ``files``, when given, are the three joined files already open (in :data:`JOINED_FILES` order;
    a single pass writes and closes them) instead of files created in ``out``.
    Iterate for ``(item, result)`` pairs, then call :meth:`finish`.
    """

    def __init__(self, path: Path, out: Path | None, policy: Policy, as_of: dt.date, *, chunk: Chunk | None = None,
                 index: SubjectIndex | None = None, suffix: str = "", hashed: bool = False,
                 files: list[TextIO] | None = None):
        self.path, self.out, self.policy, self.as_of = path, out, policy, as_of
        self.chunk, self.suffix, self.hashed, self.files = chunk, suffix, hashed, files
        # Split subjects are a property of the whole file, never of one chunk.
        self.index = index if index is not None else scan_subjects(path)
        self.stats = FileStats(path.name)
        self.summary = ImpactSummary(as_of=as_of.isoformat(), county=policy.county)
        self.by_line: dict[int, list[str]] = {}
        self.single_pass = out is not None and not self.index.split
        self._header = chunk is None or chunk.number == 0

    def __iter__(self) -> Iterator[tuple[PersonBatchItem, PersonResult]]:
        policy, as_of, hashed, export = self.policy, self.as_of, self.hashed, self.out is not None
        summary = self.summary
        journal: list | None = [] if self.single_pass else None
        joined = None
        if self.single_pass:
            joined = JoinedRows(self.out, suffix=self.suffix, header=self._header, files=self.files)
        try:
            for item in iter_persons(self.path, stats=self.stats, index=self.index, chunk=self.chunk,
                                     journal=journal):
                result = evaluate_person(item.person, policy, as_of, hashed=hashed)
                if export:
                    summary.add(item.person, result)
                    columns = determination_columns(item.person, result, as_of)
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
    done = len(journal)
    if subject is not None:
        for position, entry in enumerate(journal):
            if type(entry) is Row:
                owner = entry.fields[SUBJECT_ID]
                # The raw field nearly always equals the subject: strip only when it does not.
                if owner != subject and (owner := owner.strip()) and owner != subject:
                    done = position
                    break
    joined.add_all(journal[:done], columns)
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


def write_joined_rows(path: Path, out: Path | None, by_line: dict[int, list[str]], *, chunk=None, suffix: str = "",
                      files: list[TextIO] | None = None) -> None:
    """The second pass: stream the file (or ``chunk`` of it) again and join each line to its
    determination columns, into files named with ``suffix`` in ``out`` or into the open ``files``
    (see :class:`JoinedRows`); only the first chunk's have headers."""
    if chunk is None:
        reader = DojReader(path)
    else:
        reader = DojReader(path, byte_range=(chunk.start, chunk.end, chunk.first_line),
                           width=chunk.width if chunk.number else None)
    with JoinedRows(out, suffix=suffix, header=chunk is None or chunk.number == 0, files=files) as joined:
        results = iter(reader)
        while batch := list(islice(results, 2000)):
            joined.add_all(batch, by_line)


_EMPTY = "," * (len(DETERMINATION_COLUMNS) - 1)
_WIDTH = len(COLUMN_NAMES)


class JoinedRows:
    """The three joined files, written in file order. Lines are gathered and written a few
    thousand at a time: a write call per line was a tenth of the whole evaluation."""

    def __init__(self, out: Path, *, suffix: str = "", header: bool = True, files: list[TextIO] | None = None):
        if files is None:
            files = [open(out / f"{name}{suffix}", "w", newline="") for name in JOINED_FILES]  # noqa: SIM115
        self.files = files
        self.all_lines: list[str] = []
        self.condensed_lines: list[str] = []
        self.only_lines: list[str] = []
        if header:
            line = encode_line(["source_line", *COLUMN_NAMES, *DETERMINATION_COLUMNS]) + "\r\n"
            self.all_lines.append(line)
            self.only_lines.append(line)
            self.condensed_lines.append(
                encode_line(["source_line", *CONDENSED_SOURCE_COLUMNS, *DETERMINATION_COLUMNS]) + "\r\n")

    def add_all(self, results: list[Row | RowError], by_line: dict[int, list[str]]) -> None:
        """Add each row, with its line's determination columns from ``by_line``, in order."""
        if len(self.all_lines) > 4000:
            self.flush()
        all_lines, condensed_lines = self.all_lines.append, self.condensed_lines.append
        only_lines = self.only_lines.append
        for result in results:
            if type(result) is RowError:
                self._add_rejected(result)
                continue
            fields, line = result.fields, result.line_number
            # A regular row is copied as it came; a repaired row, or one of the short 94-column
            # layout, is written as read, padded to the 95 columns of the header.
            if result.repair or len(fields) != _WIDTH:
                source = encode_line((fields + [""] * _WIDTH)[:_WIDTH])
            else:
                source = result.raw_line
            key = encode_key_columns(fields)
            determinations = by_line.get(line)
            if not determinations:
                all_lines(f"{line},{source},{_EMPTY}\r\n")
                condensed_lines(f"{line},{key},{_EMPTY}\r\n")
                continue
            # The line number is formatted once, not once per file and determination.
            source, key = f"{line},{source},", f"{line},{key},"
            for columns in determinations:
                joined = f"{source}{columns}\r\n"
                all_lines(joined)
                only_lines(joined)
                condensed_lines(f"{key}{columns}\r\n")

    def _add_rejected(self, result: RowError) -> None:
        # Nothing is dropped: a rejected row is written with what it held and why.
        raw = next(csv.reader([result.raw_line]), [])
        fields = (raw + [""] * _WIDTH)[:_WIDTH]
        problem = f"rejected: {result.problem}" + (f" (column {result.column})" if result.column else "")
        tail = _EMPTY + encode_line([problem])
        self.all_lines.append(f"{result.line_number},{encode_line(fields)},{tail}\r\n")
        self.condensed_lines.append(f"{result.line_number},{encode_line(_CONDENSED(fields))},{tail}\r\n")

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
