"""Rows -> :class:`~eligibility.engine.record.Person` records, streamed one subject at a time.

Grouping keys, from the DOJ layout:

* **person** = SUBJECT_ID, the file's own key (``Person.person_key``). The CII is the person's
  identity across files (``Person.cii``); when one CII appears under several SUBJECT_IDs the
  persons are kept apart and the conflict is listed in :attr:`FileStats.cii_conflicts`.
* **cycle** = CYC_ORDER; when it is blank or not a number (both happen in the samples) the cycle
  position of CNT_ORDER (its first three digits) stands in.
* **event** = the step: STP_ORDER (or CNT_ORDER's step digits) together with the step's type and
  date, so an arrest and a court action are never folded together even when the file leaves
  STP_ORDER blank.
* **count** = CNT_ORDER within the event. A count with several sentence parts arrives as several
  rows with the same CNT_ORDER; they become one :class:`Count` whose disposition holds every
  part, and whose ``refs`` name every row.

Each count keeps one :class:`SourceRef` per row (file name, line, RECORD_ID in ``text``), so
results join back to the file; an event's rows are its counts' rows, which keeps
``Person.source_rows`` equal to the rows it was built from.

**Streaming and non-contiguous subjects.** A quick first pass (:func:`scan_subjects`, about a
tenth of the time of the whole read) records where each subject's rows run, by byte offset. Subjects whose
rows form one run (the normal export) are yielded as soon as their run ends. Subjects whose rows
are split into several runs are skipped in the main pass and rebuilt afterwards by re-reading
just their byte ranges, so every subject is yielded exactly once and complete, in bounded memory.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from eligibility.engine.code_section import CodeSection
from eligibility.engine.record import (
    Count,
    Cycle,
    DispositionKind,
    Event,
    EventKind,
    Name,
    ParseWarning,
    Person,
    SourceRef,
)

from .columns import (
    CNT_ORDER,
    CYC_DATE,
    CYC_ORDER,
    FBI_NUMBER,
    GENDER,
    PRI_DOB,
    PRI_NAME,
    RACE_CODE,
    RACE_DESCR,
    RECORD_ID,
    STP_EVENT_DATE,
    STP_ORDER,
    STP_TYPE_CODE,
    STP_TYPE_DESCR,
    SUBJECT_ID,
)
from .normalize import (
    INVALID,
    _date_cache,
    build_count,
    build_event,
    cii_of,
    event_kind,
    merge_row,
    new_cycle,
    parse_date,
)
from .reader import (
    _LATIN1_FOR_SURROGATE,
    MAX_RECORD_BYTES,
    MAX_RECORD_LINES,
    DojReader,
    Row,
    RowError,
    file_problem,
)

# Errors are streamed to ``on_error``; only this many are also kept on the stats object.
MAX_KEPT_ERRORS = 10_000


@dataclass(slots=True)
class PersonBatchItem:
    person: Person
    subject_id: str
    rows: int  # accepted rows the person was built from
    first_line: int
    # True when the subject's rows were split across the file and were re-read by offset.
    regrouped: bool = False


@dataclass
class FileStats:
    source: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_repaired: int = 0
    persons: int = 0
    cycles: int = 0
    events: int = 0
    counts: int = 0
    convictions: int = 0
    # Keyed by the shared CodeSection objects (None: offense not recognized); see the property.
    conviction_sections: Counter[CodeSection | None] = field(default_factory=Counter, repr=False)
    header: bool = False
    width: int = 95
    file_problem: str | None = None
    noncontiguous_subjects: int = 0
    cii_conflicts: dict[str, list[str]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    errors_not_kept: int = 0
    # CII -> the first SUBJECT_ID seen with it; what finds conflicts, also across chunks.
    cii_first: dict[str, str] = field(default_factory=dict, repr=False)

    def merge(self, other: FileStats) -> None:
        """Add the tallies of another chunk of the same file (see :func:`plan_chunks`)."""
        for name in ("rows_read", "rows_accepted", "rows_rejected", "rows_repaired", "persons", "cycles",
                     "events", "counts", "convictions", "errors_not_kept"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.conviction_sections.update(other.conviction_sections)
        self.header = self.header or other.header
        self.width = other.width
        self.noncontiguous_subjects = max(self.noncontiguous_subjects, other.noncontiguous_subjects)
        room = MAX_KEPT_ERRORS - len(self.errors)
        self.errors.extend(other.errors[:room])
        self.errors.sort(key=lambda e: e.line_number)
        self.errors_not_kept += max(0, len(other.errors) - room)
        for cii, subjects in other.cii_conflicts.items():
            for subject in subjects:
                _note_cii(self, cii, subject)
        for cii, subject in other.cii_first.items():
            _note_cii(self, cii, subject)
        self.file_problem = file_problem(True, self.rows_read, self.rows_accepted, self.header)

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_accepted + self.rows_rejected

    @property
    def convictions_by_section(self) -> Counter[str]:
        """Convictions per normalized code section, ``"HS 11357(b)"``; ``UNRECOGNIZED`` for the rest."""
        return Counter({str(section) if section else "UNRECOGNIZED": n
                        for section, n in self.conviction_sections.items()})

    @property
    def cii_conflict_warnings(self) -> list[str]:
        return [f"CII {cii} appears under SUBJECT_IDs {', '.join(sids)}"
                for cii, sids in self.cii_conflicts.items()]


def _note_cii(stats: FileStats, cii: str, subject: str) -> None:
    first = stats.cii_first.setdefault(cii, subject)
    if first != subject:
        subjects = stats.cii_conflicts.setdefault(cii, [first])
        if subject not in subjects:
            subjects.append(subject)


@dataclass(slots=True)
class SubjectIndex:
    """Where each subject's rows lie: only split subjects keep their runs."""

    subjects: int = 0
    lines: int = 0
    # SUBJECT_ID -> [(start byte, end byte, first line number), ...] for subjects in 2+ runs.
    split: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    # Every run of every subject, kept only by a scan of one chunk, for :func:`merge_indexes`.
    runs: dict[bytes, list[tuple[int, int, int]]] | None = field(default=None, repr=False)
    # The newlines in a scanned chunk's byte range (its lines, but for a last line without one).
    newlines: int = 0


class _SourceRefDraft:
    """A row's :class:`SourceRef` while it is filled in: the same slots, writable.

    SourceRef is frozen, so its four slots can only be set through their descriptors' ``__set__``
    (a call each, 3,600 instructions a row in all) or its __init__ (twice that). A draft takes
    plain slot stores and then becomes a SourceRef by ``__class__`` assignment, which CPython
    allows only between identical layouts (it raises TypeError otherwise): 1,700 instructions.
    """

    __slots__ = SourceRef.__slots__


# Enum members as plain names: ``EventKind.COURT`` goes through EnumType.__getattr__ on Python
# 3.11 and costs as much as a small function call, on paths run for every row and count.
_COURT = EventKind.COURT
_DECEASED = EventKind.DECEASED
_CONVICTED = DispositionKind.CONVICTED


# The quote as a byte value: ``34 in line`` is a memchr, while ``b'"' in line`` first tries the
# bytes as an integer and builds (and drops) a TypeError.
_QUOTE = ord('"')


def _subject_of(raw: bytes) -> tuple[bytes | None, bytes | None]:
    """SUBJECT_ID as bytes, cut out without decoding: the index pass runs on every line.

    Also returns the line's *run marker*: its text after the first comma up to the separator
    ending SUBJECT_ID (``b"STATUS,SUBJECT_ID,"``), or further, through the next field when that
    is a whole quoted field (``b'...,"LAST,FIRST",'``, the name), when the first three fields are
    plain (no quote). A later line whose first field holds no quote and whose text after its first
    comma starts with the marker has the same SUBJECT_ID, and the quotes of its marker part are
    paired: that is all the index pass needs to know of most lines. ``None`` when the line gives
    no safe marker. A line that is not valid CSV gives no subject (``None``): the reader rejects it.
    """
    first = raw.find(b",")
    second = raw.find(b",", first + 1) if first >= 0 else -1
    if second < 0:
        return b"", None
    third = raw.find(b",", second + 1)
    if raw.find(b'"', 0, third if third >= 0 else len(raw)) >= 0:
        # A quoted field among the first three: let csv place the commas (Latin-1 is 1:1 on bytes).
        try:
            fields = next(csv.reader([raw.decode("latin-1").rstrip("\r\n")]), [])
        except csv.Error:
            return None, None  # the reader rejects the line as not valid CSV: it is nobody's row
        return (fields[SUBJECT_ID].encode("latin-1").strip() if len(fields) > SUBJECT_ID else b""), None
    if third < 0:
        return raw[second + 1:].strip(), None
    marker_end = third + 1
    opening = raw.find(b'"', third)
    if opening >= 0 and raw[opening - 1] == 44:  # a quote that opens a field (after a comma)
        closing = raw.find(b'"', opening + 1)
        # A quote followed by a comma closes the field (a doubled quote would be followed by a
        # quote), and the comma is the separator after it.
        if closing > 0 and raw[closing + 1:closing + 2] == b",":
            marker_end = closing + 2
    return raw[second + 1:third].strip(), raw[first + 1:marker_end]


def _as_text(subject: bytes) -> str:
    """The SUBJECT_ID as the reader decodes it (UTF-8, undecodable bytes as Latin-1)."""
    try:
        return subject.decode("utf-8")
    except UnicodeDecodeError:
        return subject.decode("utf-8", "surrogateescape").translate(_LATIN1_FOR_SURROGATE)


def scan_subjects(path: str | os.PathLike[str], *, chunk: Chunk | None = None) -> SubjectIndex:
    """First pass: find subjects whose rows are not contiguous, with their byte ranges.

    Records spanning lines (a quoted newline) are followed exactly as the reader follows them,
    including its give-up rule for a stray quote, so both passes see the same subject runs.
    With ``chunk`` only that part is scanned, in parallel with the others; combine the parts
    with :func:`merge_indexes`.
    """
    index = SubjectIndex()
    runs: dict[bytes, tuple[int, int, int] | list[tuple[int, int, int]]] = {}
    split: dict[bytes, list[tuple[int, int, int]]] = {}
    current = None
    run_start = run_line = 0
    offset = chunk.start if chunk is not None else 0
    end = chunk.end if chunk is not None else None
    line = chunk.first_line - 1 if chunk is not None else 0
    marker = None  # the current run's marker (see _subject_of)
    marker_length = 0
    with open(path, "rb", buffering=1 << 20) as handle:
        handle.seek(offset)
        readline = handle.readline
        while True:
            if end is not None and offset >= end:
                break
            raw = readline()
            if not raw:
                break
            start = offset
            offset += len(raw)
            line += 1
            first_line = line
            if marker is not None:
                # Most lines continue the run: a first field without quotes, then the run's marker,
                # then a text with an even number of quotes (nearly always none).
                head, _, tail = raw.partition(b",")
                if tail[:marker_length] == marker and _QUOTE not in head:
                    rest = tail[marker_length:]
                    if _QUOTE not in rest or not rest.count(b'"') & 1:
                        continue
            if raw.count(b'"') & 1:
                record, closed, taken = raw, False, 0
                while taken < MAX_RECORD_LINES and len(record) < MAX_RECORD_BYTES:
                    more = readline()
                    if not more:
                        break
                    taken += 1
                    record += more
                    if more.count(b'"') & 1:
                        closed = True
                        break
                if closed:
                    raw = record
                    offset = start + len(record)
                    line += taken
                else:
                    # The reader rejects this line alone and reads on from the next one.
                    handle.seek(offset)
            if raw.isspace():
                continue
            subject, marker = _subject_of(raw)
            marker_length = len(marker) if marker is not None else 0
            if subject is None:
                continue
            if subject != current:
                if current is not None:
                    _close_run(runs, split, current, (run_start, start, run_line))
                current, run_start, run_line = subject, start, first_line
        if current is not None:
            _close_run(runs, split, current, (run_start, offset, run_line))
        if chunk is not None:
            # Every line read ended in a newline but perhaps the file's last; a record that ran on
            # past the chunk's end (a stray quote) would have counted lines of the next chunk.
            index.newlines = line - chunk.first_line + 1 if offset == end else \
                _count_newlines(handle, chunk.start, end)
    index.subjects = len(runs)
    index.lines = line
    index.split = {_as_text(subject): ranges for subject, ranges in split.items()}
    if chunk is not None:
        index.runs = {subject: [r] if isinstance(r, tuple) else r for subject, r in runs.items()}
    return index


def merge_indexes(parts: list[SubjectIndex]) -> SubjectIndex:
    """One file's index from the indexes of its chunks, given in file order."""
    every: dict[bytes, list[tuple[int, int, int]]] = {}
    lines = 0
    for part in parts:
        lines = max(lines, part.lines)
        for subject, runs in (part.runs or {}).items():
            known = every.get(subject)
            if known is None:
                every[subject] = list(runs)
            elif known[-1][1] == runs[0][0]:
                # The same run, cut by a chunk boundary: one run, not a split subject.
                known[-1] = (known[-1][0], runs[0][1], known[-1][2])
                known.extend(runs[1:])
            else:
                known.extend(runs)
    # In the order a scan of the whole file finds them, which is the order they are rebuilt and
    # written in: by the end of their second run.
    split = {_as_text(subject): runs for subject, runs in
             sorted(((subject, runs) for subject, runs in every.items() if len(runs) > 1),
                    key=lambda item: item[1][1][1])}
    return SubjectIndex(subjects=len(every), lines=lines, split=split)


def number_chunks(chunks: list[Chunk], parts: list[SubjectIndex]) -> tuple[list[Chunk], SubjectIndex]:
    """The chunks of ``plan_chunks(..., number_lines=False)`` with their true first lines, and the
    file's index, from the chunks' scans (given in file order), each of which numbered its lines
    from 1: the scans count the lines, so the planner need not read the whole file first."""
    numbered, firsts = [], []
    line = 1
    for chunk, part in zip(chunks, parts, strict=True):
        numbered.append(replace(chunk, first_line=line))
        firsts.append(line)
        line += part.newlines
    index = merge_indexes(parts)
    index.lines = firsts[-1] - 1 + parts[-1].lines if parts else 0
    starts = [chunk.start for chunk in chunks]
    for runs in index.split.values():  # a run's line counts from the start of the chunk it starts in
        runs[:] = [(start, end, line + firsts[bisect.bisect_right(starts, start) - 1] - 1)
                   for start, end, line in runs]
    return numbered, index


def _close_run(runs, split, subject: bytes, run: tuple[int, int, int]) -> None:
    previous = runs.get(subject)
    if previous is None:
        runs[subject] = run
    elif isinstance(previous, tuple):
        runs[subject] = split[subject] = [previous, run]
    else:
        previous.append(run)


# CYC_ORDER and STP_ORDER as the DOJ writes them, read once: they repeat on every row.
_NUMBERS = {str(n): n for n in range(1000)} | {f"{n:03d}": n for n in range(1000)}


def _number(text: str, fallback: str) -> int:
    """A cycle or step number; its digits in CNT_ORDER when the column is blank or not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    return int(fallback) if fallback.isdigit() else 0


class PersonBuilder:
    """Collects one subject's rows; :meth:`finish` orders them into a :class:`Person`."""

    __slots__ = ("source", "person", "cycles", "events", "counts", "event_order", "rows", "first_line",
                 "_last_name", "_last_dob", "_bad_dates", "_last_key", "_last_event")

    def __init__(self, source: str, subject_id: str, first: Row) -> None:
        f = first.fields
        self.source = source
        cii = cii_of(f)
        self.person = Person(source=source, person_key=subject_id, cii=cii, sex=f[GENDER].strip(),
                             race=f[RACE_DESCR].strip() or f[RACE_CODE].strip(), source_kind="doj")
        identifiers = self.person.identifiers
        identifiers["SUBJECT_ID"] = subject_id
        if cii:
            identifiers["CII"] = cii
        if f[FBI_NUMBER].strip():
            identifiers["FBI"] = f[FBI_NUMBER].strip()
        if f[RACE_CODE].strip():
            identifiers["RACE_CODE"] = f[RACE_CODE].strip()
        self.cycles: dict[int, Cycle] = {}
        self.events: dict[tuple, Event] = {}
        self.counts: dict[object, tuple[Event, Count]] = {}
        self.event_order: dict[int, tuple[int, int]] = {}  # id(event) -> (cycle, step) for sorting
        self.rows = 0
        self.first_line = first.line_number
        self._last_name = None
        self._last_dob = None
        self._bad_dates: set[str] = set()
        # The previous row's event key and event: a step's rows are usually consecutive, and
        # comparing two tuples is cheaper than hashing one.
        self._last_key: tuple | None = None
        self._last_event: Event | None = None

    def add(self, row: Row) -> None:
        f = row.fields
        self.rows += 1
        name = f[PRI_NAME]
        if name != self._last_name:
            self._name(name)
        dob = f[PRI_DOB]
        if dob != self._last_dob:
            self._dob(dob, row)
        # SourceRef(source, line, None, RECORD_ID), see _SourceRefDraft.
        ref = _SourceRefDraft()
        ref.source = self.source
        ref.line = row.line_number
        ref.page = None
        ref.text = f[RECORD_ID].strip()
        ref.__class__ = SourceRef
        cnt = f[CNT_ORDER].strip()
        key = (f[CYC_ORDER], f[STP_ORDER], f[STP_EVENT_DATE], f[STP_TYPE_DESCR], cnt[:6])
        if key == self._last_key:
            event = self._last_event
        else:
            event = self.events.get(key)
            if event is None:
                event = self._event(f, key, cnt, ref)
            self._last_key = key
            self._last_event = event
        # CNT_ORDER is unique per count within a subject; the event check guards against files
        # where it is not, so a row never lands in another step's count.
        count_key = cnt or row.line_number
        found = self.counts.get(count_key)
        if found is not None and found[0] is not event:
            count_key = (key, count_key)
            found = self.counts.get(count_key)
        if found is not None:
            merge_row(found[1], f, ref, event)
        else:
            count = build_count(f, len(event.counts) + 1, ref, event)
            if row.repair:
                # Repairs are unambiguous by construction; only a rejoined offense or disposition
                # text is worth a reviewer's look.
                count.warnings.append(ParseWarning(f"row repaired on reading: {row.repair}", ref,
                                                   affects_eligibility="OFFENSE" in row.repair
                                                   or "DISP_DESCR" in row.repair))
            if row.notes:
                count.warnings.extend(ParseWarning(note, ref, affects_eligibility=False)
                                      for note in row.notes)
            event.counts.append(count)
            self.counts[count_key] = (event, count)

    def _name(self, raw: str) -> None:
        self._last_name = raw
        # "LAST,FIRST M" as the DOJ writes it; stray spaces ("MAUL, DARTH") would make a
        # second name out of the same one.
        name = ",".join(" ".join(part.split()) for part in raw.split(",", 1))
        if name and all(n.full != name for n in self.person.names):
            self.person.names.append(Name(f"{len(self.person.names) + 1:02d}", name))

    def _dob(self, raw: str, row: Row) -> None:
        self._last_dob = raw
        dob = parse_date(raw)
        if dob is INVALID:
            self.person.warnings.append(ParseWarning(
                f"PRI_DOB {raw.strip()!r} is not a date", SourceRef(self.source, row.line_number)))
        elif dob is not None:
            if self.person.dob is None:
                self.person.dob = dob
            elif dob != self.person.dob and dob not in self.person.other_dobs:
                self.person.other_dobs.append(dob)

    def _event(self, f: list[str], key: tuple[str, ...], cnt: str, ref: SourceRef) -> Event:
        cycle_number = _NUMBERS.get(key[0])
        if cycle_number is None:
            cycle_number = _number(key[0], cnt[:3])
        step = _NUMBERS.get(key[1])
        if step is None:
            step = _number(key[1], cnt[3:6])
        # Raw keys differ on spacing or placeholders ("x", "y" in bad.csv); the step they name
        # is the same when the numbers, date and type agree.
        date_text, type_text = key[2], key[3]
        normalized = (cycle_number, step, date_text.strip(), type_text.strip().upper())
        events = self.events
        event = events.get(normalized)
        if event is not None:
            events[key] = event
            return event
        date = _date_cache.get(date_text, INVALID)
        if date is INVALID:  # not cached, or not a date
            date = parse_date(date_text)
        kind = event_kind(type_text if type_text.strip() else f[STP_TYPE_CODE])
        if date is INVALID:
            event = build_event(f, kind, None)
            event.warnings.append(ParseWarning(f"STP_EVENT_DATE {date_text.strip()!r} is not a date", ref))
        else:
            event = build_event(f, kind, date)
        if kind == _DECEASED:
            self.person.deceased = True
        cycle = self.cycles.get(cycle_number)
        if cycle is None:
            cycle = self.cycles[cycle_number] = new_cycle(self._cycle_date(f[CYC_DATE], ref), cycle_number)
        cycle.events.append(event)
        events[key] = events[normalized] = event
        self.event_order[id(event)] = (step, len(self.event_order))
        return event

    def _cycle_date(self, text: str, ref: SourceRef) -> dt.date | None:
        cycle_date = parse_date(text)
        if cycle_date is INVALID:
            if text.strip() not in self._bad_dates:
                self._bad_dates.add(text.strip())
                self.person.warnings.append(ParseWarning(
                    f"CYC_DATE {text.strip()!r} is not a date; the cycle is dated by its "
                    "earliest step", ref, affects_eligibility=False))
            return None
        return cycle_date

    def finish(self) -> Person:
        person = self.person
        order = self.event_order
        for number in sorted(self.cycles):
            cycle = self.cycles[number]
            # Steps in STP_ORDER, then in order of appearance (stable for files without it).
            if len(cycle.events) > 1:
                cycle.events.sort(key=lambda e: order[id(e)])
            if cycle.date is None:
                dates = [e.date for e in cycle.events if e.date is not None]
                cycle.date = min(dates) if dates else None
            person.cycles.append(cycle)
        return person


class _Run:
    """The mutable state of one :func:`iter_persons` call."""

    def __init__(self, source: str, stats: FileStats, on_error: Callable[[RowError], None] | None) -> None:
        self.source = source
        self.stats = stats
        self.on_error = on_error

    def error(self, error: RowError) -> None:
        stats = self.stats
        if len(stats.errors) < MAX_KEPT_ERRORS:
            stats.errors.append(error)
        else:
            stats.errors_not_kept += 1
        if self.on_error is not None:
            self.on_error(error)

    def item(self, builder: PersonBuilder, subject: str, regrouped: bool = False) -> PersonBatchItem:
        person = builder.finish()
        stats = self.stats
        stats.persons += 1
        # The person holds each cycle, event and count the builder made, once.
        stats.cycles += len(builder.cycles)
        stats.events += len(builder.event_order)
        stats.counts += len(builder.counts)
        convicted = []
        for cycle in person.cycles:
            for event in cycle.events:
                if event.kind is _COURT:
                    for count in event.counts:
                        for disposition in count.dispositions:
                            if disposition.kind is _CONVICTED:
                                convicted.append(count.code_section)
                                break
        if convicted:
            stats.convictions += len(convicted)
            # update() hashes each section once, ``conviction_sections[s] += 1`` twice; a CodeSection's
            # hash is the dataclass's, in Python.
            stats.conviction_sections.update(convicted)
        if person.cii:
            _note_cii(stats, person.cii, subject)
        return PersonBatchItem(person, subject, builder.rows, builder.first_line, regrouped)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A byte range of the file that starts on a subject's first row (see :func:`plan_chunks`)."""

    number: int  # 0 for the chunk at the start of the file
    start: int
    end: int
    first_line: int
    width: int  # the layout found at the start of the file (94 or 95)


def plan_chunks(path: str | os.PathLike[str], parts: int, *, sizes: list[float] | None = None,
                number_lines: bool = True) -> list[Chunk]:
    """Cut the file into about ``parts`` byte ranges, each starting where a subject starts;
    ``sizes`` (one weight per part) makes them unequal, equal by default. With ``number_lines``
    false, every chunk's lines are numbered from 1 until :func:`number_chunks` numbers them from
    their scans, and the file is not read through here.

    For multiprocessing: build the :class:`SubjectIndex` once (``scan_subjects(path)``, or in
    parallel with ``merge_indexes([scan_subjects(path, chunk=c) for c in chunks])``), then each
    worker runs ``iter_persons(path, chunk=c, index=index)`` and the parent adds the workers'
    :class:`FileStats` with :meth:`FileStats.merge` (``bench/bench_doj_read.py`` does this).
    A cut is only placed between two lines that both parse as whole rows of the layout, hold an
    even number of quotes and name different subjects, so a quoted newline is never cut through.
    """
    size = os.path.getsize(path)
    probe = DojReader(path)
    for _ in probe:
        break
    width = probe.counts.width
    weights = sizes if sizes is not None else [1.0] * max(parts, 1)
    total, ends = sum(weights), list(itertools.accumulate(weights))
    cuts = [0]
    with open(path, "rb") as handle:
        for part in range(1, len(weights)):
            cut = _next_subject_start(handle, max(int(size * ends[part - 1] / total), cuts[-1]), width, size)
            if cut is not None and cut > cuts[-1]:
                cuts.append(cut)
        chunks = []
        line = 1
        previous = 0
        handle.seek(0)
        for number, (start, end) in enumerate(zip(cuts, [*cuts[1:], size])):
            if number_lines:
                line += _count_newlines(handle, previous, start)
            previous = start
            chunks.append(Chunk(number, start, end, line, width))
    return chunks


def _count_newlines(handle, start: int, end: int) -> int:
    handle.seek(start)
    remaining = end - start
    total = 0
    while remaining > 0:
        block = handle.read(min(remaining, 1 << 22))
        if not block:
            break
        total += block.count(b"\n")
        remaining -= len(block)
    return total


def _next_subject_start(handle, offset: int, width: int, size: int) -> int | None:
    handle.seek(offset)
    if offset:
        handle.readline()  # finish the line the target offset falls in
    position = handle.tell()
    previous_subject = None
    while position < size:
        raw = handle.readline()
        if not raw:
            return None
        fields = next(csv.reader([raw.decode("utf-8", "replace").rstrip("\r\n")]), [])
        # A line with an odd number of quotes may open a record that the reader continues on the
        # next line (see DojReader): no cut next to it, or the chunks would not read as one pass.
        subject = fields[SUBJECT_ID].strip() if len(fields) == width and not raw.count(b'"') & 1 else None
        if subject and previous_subject and subject != previous_subject:
            return position
        previous_subject = subject
        position += len(raw)
    return None


def iter_persons(path: str | os.PathLike[str], *, stats: FileStats | None = None,
                 on_error: Callable[[RowError], None] | None = None,
                 index: SubjectIndex | None = None, chunk: Chunk | None = None,
                 journal: list[Row | RowError] | None = None) -> Iterator[PersonBatchItem]:
    """Yield every subject of a DOJ file once, as a complete :class:`Person`.

    Pass a :class:`FileStats` to read the tallies (kept up to date while iterating, final when
    the iterator is exhausted); ``on_error`` receives every rejected row as it is met.
    ``index`` reuses a :func:`scan_subjects` result; ``SubjectIndex()`` skips the index pass for
    a file known to be contiguous, and a subject that then reappears raises instead of being
    yielded twice. With
    ``chunk`` (from :func:`plan_chunks`) only that part of the file is read; the subjects whose
    rows are split across the file are then rebuilt by chunk 0 alone.
    ``journal``, when given, receives every row and error of the main pass in file order, so a
    caller can write per-row output as each person is done (see :mod:`intake.doj.results`).
    """
    source = os.path.basename(os.fspath(path))
    stats = stats if stats is not None else FileStats(source)
    index = index if index is not None else scan_subjects(path)
    split = index.split
    stats.noncontiguous_subjects = len(split)
    run = _Run(source, stats, on_error)
    if chunk is None:
        reader = DojReader(path)
    elif chunk.number == 0:
        reader = DojReader(path, byte_range=(chunk.start, chunk.end, chunk.first_line))
    else:
        reader = DojReader(path, byte_range=(chunk.start, chunk.end, chunk.first_line), width=chunk.width)
    counts = reader.counts
    builder: PersonBuilder | None = None
    current: str | None = None
    emitted: set[str] = set()
    normalize_rejected = 0

    record = journal.append if journal is not None else None
    subject_field = subject = None
    for result in reader:
        if record is not None:
            record(result)
        if type(result) is RowError:
            run.error(result)
            continue
        # A subject's rows repeat its SUBJECT_ID (as one string, when the reader shares it): it is
        # stripped only when the field changes.
        if result.fields[SUBJECT_ID] != subject_field:
            subject_field = result.fields[SUBJECT_ID]
            subject = subject_field.strip()
        if subject != current:
            if builder is not None:
                emitted.add(current)
                yield run.item(builder, current)
                builder = None
            current = subject
            if not subject:
                pass
            elif subject in split:
                continue
            else:
                if subject in emitted:
                    # Only with an index from elsewhere (``SubjectIndex()`` trusts the file to be
                    # contiguous) or a file changed between passes: never yield a partial person.
                    raise RuntimeError(f"SUBJECT_ID {subject} reappears at line {result.line_number} after its "
                                       "rows ended, and the subject index does not list it as split; "
                                       "read again with index=None")
                builder = PersonBuilder(source, subject, result)
        if not subject:
            normalize_rejected += 1
            run.error(RowError(result.line_number, "SUBJECT_ID", "empty SUBJECT_ID: the row cannot be "
                               "attributed to a person", result.raw_line, result.offset))
            continue
        if builder is not None:
            builder.add(result)
    if builder is not None:
        emitted.add(current)
        yield run.item(builder, current)

    stats.header = counts.header
    stats.width = counts.width
    if chunk is None:
        stats.file_problem = counts.file_problem
    stats.rows_read = counts.read
    stats.rows_accepted = counts.accepted - normalize_rejected
    stats.rows_rejected = counts.rejected + normalize_rejected
    stats.rows_repaired = counts.repaired

    # Second pass: subjects split across the file, each re-read from its own byte ranges.
    for subject, runs in split.items() if chunk is None or chunk.number == 0 else ():
        if not subject:
            continue
        builder = None
        for start, end, line in runs:
            for result in DojReader(path, byte_range=(start, end, line), width=stats.width):
                # Errors were reported by the main pass; a header line is not a subject's row.
                if type(result) is not Row or result.fields[SUBJECT_ID].strip() != subject:
                    continue
                if builder is None:
                    builder = PersonBuilder(source, subject, result)
                builder.add(result)
        if builder is not None:
            yield run.item(builder, subject, regrouped=True)


def read_file(path: str | os.PathLike[str]) -> tuple[list[Person], FileStats]:
    """Whole-file convenience for small files and tests; large files should iterate."""
    stats = FileStats(os.path.basename(os.fspath(path)))
    persons = [item.person for item in iter_persons(path, stats=stats)]
    return persons, stats
