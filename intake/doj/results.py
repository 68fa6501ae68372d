"""Results of a DOJ research file that a county analyst can use without the app.

Four files, joined back to the source by line number and RECORD_ID:

1. ``results_all_rows.csv``: every input row (rejected rows too, with the reason), each with the
   determination columns appended; a row whose count got several determinations (one per relief
   law) appears once per determination;
2. ``results_condensed.csv``: the same, with only the key identity and offense columns;
3. ``results_determinations_only.csv``: only the rows that got a determination;
4. ``impact_summary.json`` and ``impact_summary.csv``: see :mod:`eligibility.impact`.

Pass one evaluates every person and remembers, per input line, the determinations of the count
read from it; pass two streams the file again and writes. Memory holds one person at a time plus
the per-line determination columns, never the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from operator import itemgetter
from pathlib import Path

from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.policy import Policy
from eligibility.engine.record import Person, years_between
from eligibility.impact import ImpactSummary, summary_rows

from .columns import COLUMNS as COLUMN_NAMES
from .group import FileStats, iter_persons
from .reader import DojReader, RowError

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
        self.writer = csv.writer(self.buffer, lineterminator="")

    def __call__(self, values) -> str:
        self.writer.writerow(values)
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


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


def evaluate_file(path: Path, policy: Policy, as_of: dt.date, on_result=None, hashed: bool = False) -> tuple[
        dict[int, list[str]], ImpactSummary, FileStats]:
    """Evaluate every person of the file once; ``on_result(person, result)`` sees each result too
    (with its ``input_hash`` only when ``hashed``: the files do not show it)."""
    stats = FileStats(path.name)
    summary = ImpactSummary(as_of=as_of.isoformat(), county=policy.county)
    by_line: dict[int, list[str]] = {}
    encode = LineEncoder()
    for item in iter_persons(path, stats=stats):
        result = evaluate_person(item.person, policy, as_of, hashed=hashed)
        summary.add(item.person, result)
        by_line.update(determination_columns(item.person, result, as_of, encode))
        if on_result is not None:
            on_result(item.person, result)
    return by_line, summary, stats


def write_summary(out: Path, impact: dict) -> None:
    (out / "impact_summary.json").write_text(json.dumps(impact, indent=2))
    with open(out / "impact_summary.csv", "w", newline="") as handle:
        csv.writer(handle).writerows(summary_rows(impact))


def write_results(path: str | os.PathLike, out_dir: str | os.PathLike, policy: Policy, as_of: dt.date,
                  on_result=None, hashed: bool = False) -> dict:
    """Write the four results files for one DOJ file; returns the impact summary."""
    path = Path(path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_line, summary, stats = evaluate_file(path, policy, as_of, on_result, hashed)
    impact = summary.as_dict()
    impact["rows_read"] = stats.rows_read
    impact["rows_rejected"] = stats.rows_rejected
    write_joined_rows(path, out, by_line)
    write_summary(out, impact)
    return impact


JOINED_FILES = ("results_all_rows.csv", "results_condensed.csv", "results_determinations_only.csv")


def write_joined_rows(path: Path, out: Path, by_line: dict[int, list[str]], *, chunk=None, suffix: str = "") -> None:
    """Write the three joined files (or, with ``chunk``, that byte range's share, into files named
    with ``suffix``, to be concatenated in order; only the first share has the header)."""
    condensed = itemgetter(*(COLUMN_NAMES.index(name) for name in CONDENSED_SOURCE_COLUMNS))
    encode = LineEncoder()
    empty = "," * (len(DETERMINATION_COLUMNS) - 1)
    width = len(COLUMN_NAMES)
    names = [out / f"{name}{suffix}" for name in JOINED_FILES]
    # Lines are gathered and written a few thousand at a time: one write call per line was a
    # tenth of the whole evaluation.
    all_lines: list[str] = []
    condensed_lines: list[str] = []
    only_lines: list[str] = []
    with open(names[0], "w", newline="") as all_file, open(names[1], "w", newline="") as condensed_file, \
            open(names[2], "w", newline="") as only_file:
        if chunk is None or chunk.number == 0:
            header = encode(["source_line", *COLUMN_NAMES, *DETERMINATION_COLUMNS]) + "\r\n"
            all_lines.append(header)
            only_lines.append(header)
            condensed_lines.append(encode(["source_line", *CONDENSED_SOURCE_COLUMNS, *DETERMINATION_COLUMNS]) + "\r\n")

        def flush():
            all_file.write("".join(all_lines))
            condensed_file.write("".join(condensed_lines))
            only_file.write("".join(only_lines))
            all_lines.clear()
            condensed_lines.clear()
            only_lines.clear()

        add_all, add_condensed, add_only = all_lines.append, condensed_lines.append, only_lines.append
        if chunk is None:
            reader = DojReader(path)
        else:
            reader = DojReader(path, byte_range=(chunk.start, chunk.end, chunk.first_line),
                               width=chunk.width if chunk.number else None)
        for result in reader:
            if len(all_lines) > 4000:
                flush()
            if type(result) is RowError:
                # Nothing is dropped: a rejected row is written with what it held and why.
                raw = next(csv.reader([result.raw_line]), [])
                fields = (raw + [""] * width)[:width]
                problem = f"rejected: {result.problem}" + (f" (column {result.column})" if result.column else "")
                tail = empty + encode([problem])
                add_all(f"{result.line_number},{encode(fields)},{tail}\r\n")
                add_condensed(f"{result.line_number},{encode(condensed(fields))},{tail}\r\n")
                continue
            fields = result.fields
            # A regular row is copied as it came; a repaired row, or one of the short 94-column
            # layout, is written as read, padded to the 95 columns of the header.
            if result.repair or reader.counts.width != width or len(fields) != width:
                source = encode((fields + [""] * width)[:width])
            else:
                source = result.raw_line
            line = result.line_number
            key = encode(condensed(fields))
            determinations = by_line.get(line)
            if not determinations:
                add_all(f"{line},{source},{empty}\r\n")
                add_condensed(f"{line},{key},{empty}\r\n")
                continue
            for columns in determinations:
                joined = f"{line},{source},{columns}\r\n"
                add_all(joined)
                add_only(joined)
                add_condensed(f"{line},{key},{columns}\r\n")
        flush()
