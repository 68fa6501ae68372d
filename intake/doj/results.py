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

from eligibility.direct_output import open_text
from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.output import ISO_DATES
from eligibility.engine.policy import Policy
from eligibility.engine.record import Person, years_between
from eligibility.engine.results import PersonResult
from eligibility.impact import ImpactSummary, summary_rows
from eligibility.output_files import create_output

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
# The condensed key columns: three identifiers, the name, and fifteen more.
_RECORD_ID, _SUBJECT, _CII, _NAME = (COLUMN_NAMES.index(name) for name in CONDENSED_SOURCE_COLUMNS[:4])
assert CONDENSED_SOURCE_COLUMNS[3] == "PRI_NAME"
_KEY_AFTER_NAME = itemgetter(*(COLUMN_NAMES.index(name) for name in CONDENSED_SOURCE_COLUMNS[4:]))


def encode_key_columns(fields: list[str]) -> str:
    """:func:`encode_line` of a row's condensed key columns. PRI_NAME ("LAST,FIRST M") holds a
    comma in nearly every row: it is quoted on its own, and the other columns are checked at once
    (each join of a field costs about as much as a search through it)."""
    after = _KEY_AFTER_NAME(fields)
    record, subject, cii = fields[_RECORD_ID], fields[_SUBJECT], fields[_CII]
    plain = f"{record}{subject}{cii}{''.join(after)}"
    if "," in plain or '"' in plain or "\n" in plain or "\r" in plain:
        return encode_line(_CONDENSED(fields))
    name = fields[_NAME]
    if "," in name and '"' not in name:  # quote_field(name), for the usual name
        return f'{record},{subject},{cii},"{name}",{",".join(after)}'
    return f"{record},{subject},{cii},{quote_field(name)},{','.join(after)}"


def determination_columns(person: Person, result, as_of: dt.date) -> dict[int, list[str]]:
    """line number -> the encoded determination columns, one string per determination of its count."""
    return _encode_determinations(person, result, as_of, "", "")


def _joined_columns(person: Person, result, as_of: dt.date) -> dict[int, list[str]]:
    """:func:`determination_columns` as :class:`JoinedRows` appends them to a source line: each with
    the comma before it and the line terminator, so that no line is built by concatenation."""
    return _encode_determinations(person, result, as_of, ",", "\r\n")


# The determination's fields, read from its instance dict in one C call: the result classes fill
# that dict in __init__, and Python 3.11 cannot specialize attribute reads on such instances (each
# ``det.x`` is a generic lookup, a few hundred instructions).
_DETERMINATION = itemgetter("key", "case_number", "count_number", "code_section", "relief", "outcome", "reduce_to",
                            "seal", "eligible_on", "reasons", "questions", "disposition_date")
_COUNT_KEY = itemgetter("cycle", "event", "count")


def _encode_determinations(person: Person, result, as_of: dt.date, lead: str, end: str) -> dict[int, list[str]]:
    cycles, verdicts, days, years = person.cycles, _VERDICTS, _DAYS, _years_since(as_of)
    by_line: dict[int, list[str]] = {}
    # The person's columns are the same in each of its determinations: encode them once.
    person_key = f"{lead}{quote_field(result.person_key)},"
    priors = f",{quote_field('; '.join(result.superstrike_priors))},{_bool(result.registrant)},"
    after = f",{_bool(result.no_felony_after_relief)},{_bool(result.no_conviction_after_relief)},{end}"
    last_key = refs = last_case = last_section = last_number = case = None
    for det in result.determinations:
        (key, case_number, count_number, code_section, relief, outcome, reduce_to, seal, eligible_on, reasons,
         questions, convicted) = _DETERMINATION(det.__dict__)
        if key is not last_key:  # a count's determinations share their key
            cycle, event, index = _COUNT_KEY(key.__dict__)
            refs = cycles[cycle].events[event].counts[index].refs
            last_key = key
        # A count's determinations come one after the other, with the same case number objects.
        if case_number is not last_case or code_section is not last_section or count_number != last_number:
            last_case, last_section, last_number = case_number, code_section, count_number
            case = f"{case_number},{count_number},{code_section},"
            if case.count(",") != 3 or '"' in case or "\n" in case or "\r" in case:
                case = f"{quote_field(case_number)},{count_number},{quote_field(code_section)},"
        # The columns a file repeats come from exact dicts, misses being rare: a dict subclass with
        # __missing__ costs a Python-level call per subscript.
        try:
            verdict = verdicts[relief, outcome, reduce_to, seal]
        except KeyError:
            verdict = verdicts[relief, outcome, reduce_to, seal] = _verdict(relief, outcome, reduce_to, seal)
        try:
            eligible = days[eligible_on]
        except KeyError:  # ISO_DATES has most dates already: the contract rows show them too
            eligible = _remember(days, eligible_on, ISO_DATES[eligible_on])
        try:
            since = years[convicted]
        except KeyError:
            since = _remember(years, convicted, str(years_between(convicted, as_of)))
        # Reason.__str__ of each reason, written out for the usual one to three reasons: str() on
        # each reason is a Python call from C, and a list comprehension is a function call.
        size = len(reasons)
        if size == 2:
            first, second = reasons
            text = f"{first.text} ({first.citation}) | {second.text} ({second.citation})"
        elif size == 1:
            (first,) = reasons
            text = f"{first.text} ({first.citation})"
        elif size == 3:
            first, second, third = reasons
            text = (f"{first.text} ({first.citation}) | {second.text} ({second.citation}) | "
                    f"{third.text} ({third.citation})")
        else:
            text = " | ".join([f"{reason.text} ({reason.citation})" for reason in reasons])
        # quote_field(text), written out: most texts hold a comma and no quote.
        if "," in text or "\n" in text or "\r" in text:
            text = f'"{text}"' if '"' not in text else quote_field(text)
        elif '"' in text:
            text = quote_field(text)
        if not questions:
            questions = ""
        elif len(questions) == 1:
            (question,) = questions
            questions = quote_field(f"{question.code}: {question.text}")
        else:
            questions = quote_field(" | ".join([f"{q.code}: {q.text}" for q in questions]))
        encoded = f"{person_key}{case}{verdict}{eligible},{text},{questions}{priors}{since}{after}"
        for ref in refs:
            line = ref.line
            columns = by_line.get(line)
            if columns is None:
                by_line[line] = [encoded]
            else:
                columns.append(encoded)
    return by_line


# Column texts by value, each computed once: a file's dates and determination outcomes repeat.
# None (no date) is the empty column. The enum values never need quotes (``_value_``: ``.value``
# is a property that costs two Python calls).
_VERDICTS: dict[tuple, str] = {}  # (relief, outcome, reduce_to, seal) -> their four columns: a few dozen
_DAYS: dict[dt.date | None, str] = {None: ""}
_LIMIT = ISO_DATES.LIMIT  # values kept at most: a file of nonsense must not grow a cache without end


def _verdict(relief, outcome, reduce_to, seal: bool) -> str:
    return f"{relief._value_},{outcome._value_},{reduce_to._value_ if reduce_to else ''},{_bool(seal)},"


def _remember(cache: dict, day: dt.date, text: str) -> str:
    if len(cache) >= _LIMIT:
        cache.clear()
        cache[None] = ""
    cache[day] = text
    return text


@lru_cache(maxsize=4)
def _years_since(as_of: dt.date) -> dict[dt.date | None, str]:
    """date -> whole years from it to ``as_of``, as text."""
    return {None: ""}


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
                    columns = _joined_columns(item.person, result, as_of)
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
_NO_COLUMNS = f",{_EMPTY}\r\n"  # the end of a line without determination, as _joined_columns ends one
_WIDTH = len(COLUMN_NAMES)
# Pieces gathered per file before they are joined and written: about 4,000 lines, 1-2 MB. Measured
# on 1M rows with two workers: smaller joins pass through the 1 MB write buffer (a copy more),
# larger ones cost page faults on fresh memory.
FLUSH_PIECES = 12_000


class JoinedRows:
    """The three joined files, written in file order. A line is gathered as its pieces (line
    number, source line or key columns, determination columns), the same string objects in each
    file that has them; the pieces are joined and written a few thousand lines at a time. A write
    call per line was a tenth of the whole evaluation, and building each line first copied every
    byte once more.

    ``by_line`` maps a line number to its determination columns as :func:`_joined_columns`
    encodes them (with the comma before and the line terminator after)."""

    def __init__(self, out: Path, *, suffix: str = "", header: bool = True, files: list[TextIO] | None = None):
        if files is None:
            files = [open_text(create_output(out / f"{name}{suffix}")) for name in JOINED_FILES]
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
        all_lines, condensed_lines, only_lines = self.all_lines, self.condensed_lines, self.only_lines
        if len(all_lines) > FLUSH_PIECES:
            self.flush()
        get = by_line.get
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
            number = f"{line},"
            # lines.append(piece): the interpreter specializes it into its cheapest call (a bound
            # method, or += of a tuple of pieces, costs half as much again).
            determinations = get(line)
            if not determinations:
                all_lines.append(number)
                all_lines.append(source)
                all_lines.append(_NO_COLUMNS)
                condensed_lines.append(number)
                condensed_lines.append(key)
                condensed_lines.append(_NO_COLUMNS)
                continue
            for columns in determinations:
                all_lines.append(number)
                all_lines.append(source)
                all_lines.append(columns)
                only_lines.append(number)
                only_lines.append(source)
                only_lines.append(columns)
                condensed_lines.append(number)
                condensed_lines.append(key)
                condensed_lines.append(columns)

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
