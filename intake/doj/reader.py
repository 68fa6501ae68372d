"""Streaming reader for the DOJ research file: one result per CSV record, never the whole file.

Decisions a reviewer should know about (each is tested in ``tests/intake/doj/test_reader.py``):

* **Streaming, in bytes.** The file is read line by line in binary, so every row knows its byte
  offset (the grouper re-reads a subject by offset) and a bad byte costs one row, not the file.
* **Header detection** parses the first record and compares it with :data:`COLUMNS`; raw bytes
  are never sniffed, so a file of one header and one row, or of one row and no header, works.
  A header that starts like ours but differs later is refused: every row of that file is
  rejected, because reading columns under the wrong names would misfile convictions.
* **Layout width.** 95 columns; some exports drop END_OF_REC from the header and every row
  (``bad.csv``): a header of 94 names, or, without a header, a first record of 94 fields, sets a
  94-column layout. A header with a trailing comma (``extra_comma.csv``) has an empty 96th name,
  which is ignored.
* **Row width errors** concern that row only. Before rejecting, one documented repair is tried:
  a row that is *k* fields too long because a free-text field (name, offense or disposition
  description, comment) carried unquoted commas is rejoined at that field, only when exactly one
  such field gives a row whose dates, codes and orders are all well-formed. Empty fields past the
  layout (a trailing comma) are dropped first, when the rest is well-formed. Repaired rows are
  accepted and say so (:attr:`Row.repair`). Short rows are never guessed at.
* **Encoding.** UTF-8. A line with bytes that are not UTF-8 (a Windows-1252 ``Ñ``) is kept: the
  bad bytes are read as Latin-1, which is lossless, and the row carries a note naming the byte
  and column. Rejecting the row would hide a conviction over a diacritic in a name.
  A rejected line holding NUL bytes or mostly control characters is reported as binary data
  (an upload of the wrong file), not as a column-count problem.
* **Fields** are cut with ``str.split`` when a line is plain or its quoted fields are whole
  fields (``"DOE,JANE"``), which gives what ``csv`` gives at a fraction of the cost; every other
  line (doubled quotes, quoted newlines, stray carriage returns) is read by ``csv`` itself.
  A line that repeats the previous subject's columns 1 to CYC_SEG_SEP byte for byte (the rest of
  a subject's rows) takes that row's field strings for them and cuts only the rest
  (:func:`_subject_segment`).
* **Quotes.** A quoted field may hold commas and newlines; a record then spans several physical
  lines and is reported at its first line. An opening quote that does not close within
  :data:`MAX_RECORD_LINES` lines (or by end of file) rejects only its first line, and reading
  resumes on the next line, so one stray quote cannot swallow the rest of the file.
* **Byte-order mark.** A UTF-8 BOM (Excel) before the header is dropped. A header line met
  again later (two exports concatenated) is rejected as a row, so it cannot become a person.
* **Accounting.** Blank lines and a valid header are not rows. Every other record is read once
  and is either accepted or rejected: ``read == accepted + rejected`` always holds
  (:class:`ReadCounts`).
"""

from __future__ import annotations

import csv
import io
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import BinaryIO

from .columns import (
    CNT_ORDER,
    COLUMN_COUNT,
    COLUMNS,
    COMMENT_TEXT,
    CONV_OFFENSE_DESCR,
    CYC_AGE,
    CYC_SEG_SEP,
    DISP_DATE,
    DISP_DESCR,
    DISP_OFFENSE_DESCR,
    GENDER,
    OFFENSE_DESCR,
    OFFENSE_TOC,
    PRI_DOB,
    PRI_NAME,
    REQ_NAME,
    SENT_TIME_CODE,
    SHORT_LAYOUT,
    STP_EVENT_DATE,
    SUBJECT_ID,
)

# A quoted field holding newlines is rare and short (a comment); past this, the quote is stray.
MAX_RECORD_LINES = 20
MAX_RECORD_BYTES = 256 * 1024

# Free-text fields where an unquoted comma has been seen or is plausible, in repair order.
REPAIRABLE_COLUMNS = (PRI_NAME, REQ_NAME, OFFENSE_DESCR, DISP_OFFENSE_DESCR, CONV_OFFENSE_DESCR,
                      DISP_DESCR, COMMENT_TEXT)


@dataclass(slots=True)
class Row:
    """A record with the layout's number of fields (possibly after a documented repair)."""

    line_number: int  # 1-based physical line where the record starts
    fields: list[str]
    raw_line: str  # the record as decoded, line terminator removed
    offset: int = 0  # byte offset of the record's first line
    repair: str = ""  # what was repaired, "" for a regular row
    notes: list[str] | None = None  # e.g. the Latin-1 fallback; never affects the fields' places


@dataclass(slots=True)
class RowError:
    """A record that could not be read as a DOJ row; the rest of the file goes on."""

    line_number: int
    column: str | None  # the column the problem was found in, when there is one
    problem: str
    raw_line: str
    offset: int = 0


RowResult = Row | RowError
_new = object.__new__


@dataclass(slots=True)
class ReadCounts:
    read: int = 0  # records that are rows: everything but blank lines and a valid header
    accepted: int = 0
    rejected: int = 0
    repaired: int = 0  # accepted after a repair (included in ``accepted``)
    decoded_latin1: int = 0  # accepted with bytes read as Latin-1 (included in ``accepted``)
    blank_lines: int = 0
    physical_lines: int = 0
    header: bool = False
    width: int = COLUMN_COUNT
    # Why the file as a whole yields nothing usable ("0 bytes", "header only"...), else None.
    file_problem: str | None = None

    @property
    def balanced(self) -> bool:
        return self.read == self.accepted + self.rejected


class _Feed:
    """One-record iterator for a persistent ``csv.reader``: cheaper than a reader per row."""

    __slots__ = ("text",)

    def __init__(self) -> None:
        self.text: str | None = None

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        text = self.text
        if text is None:
            raise StopIteration
        self.text = None
        return text


# Past this many quoted fields a line is left to ``csv``, whose loop is then cheaper than ours.
_MAX_SPLIT_PARTS = 9


def _split_quoted(parts: list[str]) -> list[str] | None:
    """The fields of a line cut at its quote characters (``line.split('"')``), exactly as
    ``csv.reader`` reads them, or ``None`` when ``csv`` must decide.

    Handled: every quoted field spans a whole field (a comma or the line's edge on both sides)
    and holds no doubled quote. Anything else (``""`` escapes, text glued to a quote) goes to
    ``csv``; so do lines with carriage returns or newlines, which the caller checks for.
    """
    if len(parts) == 3:
        # One quoted field (a "LAST,FIRST" name): the usual row, without the general loop.
        head, quoted, tail = parts
        if head:
            if head[-1] != ",":
                return None
            fields = head[:-1].split(",")
            fields.append(quoted)
        else:
            fields = [quoted]
        if tail:
            if tail[0] != ",":
                return None
            fields += tail[1:].split(",")
        return fields
    last = len(parts) - 1
    head = parts[0]
    if head:
        if head[-1] != ",":
            return None
        fields = head[:-1].split(",")
    else:
        fields = []
    for i in range(1, last, 2):
        fields.append(parts[i])
        between = parts[i + 1]
        if i + 1 == last:
            if between:
                if between[0] != ",":
                    return None
                fields += between[1:].split(",")
        elif not between or between[0] != "," or between[-1] != ",":
            return None
        elif len(between) > 1:
            fields += between[1:-1].split(",")
    return fields


# Columns 1 to CYC_SEG_SEP are the subject's segments (status, ID, request, names, DOB, race...):
# every row of a subject repeats them, in the same bytes. A line that holds the previous subject
# segment's text right after its RECORD_ID takes that segment's field strings as they are: about
# 35 fields (and the quoted name) not cut again, and strings whose hashes are already computed.
_SUBJECT_END = CYC_SEG_SEP + 1
# csv's own encoding of fields: ``writerow`` returns what ``write`` returns, here the line itself.
# (Its terminator is a newline, which _subject_segment turns into the comma after CYC_SEG_SEP:
# Python 3.13 refuses a terminator equal to the delimiter.)
_ENCODER = csv.writer(SimpleNamespace(write=str), lineterminator="\n")


def _subject_segment(fields: list[str], line: str) -> tuple[str, list[str]] | None:
    """The text after ``line``'s first comma through the comma ending CYC_SEG_SEP, and the fields
    up to there (index 0 stands for each row's own RECORD_ID), for the lines that follow; ``None``
    when ``line`` does not hold csv's encoding of those fields there (a field quoted where csv
    would not quote it), as the subject's next lines then will not either.

    Why reuse is exact: csv's encoding of fields reads back as those fields, and csv reads a field
    from the text that follows a separator alone. The reader takes the fields only for a line
    whose RECORD_ID and text after the segment hold no quote, and which holds no carriage return:
    ``str.split`` cuts those parts as csv does.
    """
    text = _ENCODER.writerow(fields[1:_SUBJECT_END])[:-1] + ","
    return (text, fields[:_SUBJECT_END]) if line.startswith(text, line.find(",") + 1) else None


_LATIN1_FOR_SURROGATE = {0xDC80 + i: 0x80 + i for i in range(128)}


def _decode_fallback(raw: bytes, exc: UnicodeDecodeError) -> tuple[str, str]:
    """Keep valid UTF-8 as is and read only the undecodable bytes as Latin-1."""
    text = raw.decode("utf-8", "surrogateescape").translate(_LATIN1_FOR_SURROGATE)
    bad = raw[exc.start]
    return text, f"byte 0x{bad:02X} at byte {exc.start + 1} of the line is not UTF-8; read as Latin-1"


_DATE_COLUMNS = (PRI_DOB, STP_EVENT_DATE, DISP_DATE)
_TOC_VALUES = frozenset(("", "F", "M", "I"))
_UNIT_VALUES = frozenset(("", "D", "M", "Y", "W", "H"))


def _plausible(fields: list[str]) -> bool:
    """Cheap shape checks that fail when the fields after a stray comma are shifted by one."""
    if not fields[SUBJECT_ID].strip():
        return False
    for index in _DATE_COLUMNS:
        value = fields[index].strip()
        if value and not (len(value) == 8 and value.isdigit()):
            return False
    value = fields[CNT_ORDER].strip()
    if value and not value.isdigit():
        return False
    if fields[OFFENSE_TOC].strip().upper() not in _TOC_VALUES:
        return False
    if fields[SENT_TIME_CODE].strip().upper() not in _UNIT_VALUES:
        return False
    if len(fields[GENDER].strip()) > 1:
        return False
    value = fields[CYC_AGE].strip()
    return not value or value.isdigit() or value.upper() == "NULL"


def repair_row(fields: list[str], width: int) -> tuple[list[str], str] | None:
    """The unique repair of a too-long row, or ``None`` when there is none or several."""
    extra = len(fields) - width
    if extra <= 0:
        return None
    if not any(f.strip() for f in fields[width:]):
        # A trailing separator is the commonest export slip (the header of extra_comma.csv has
        # one); it wins over rejoining text, which could also "explain" empty extra fields.
        trimmed = fields[:width]
        if _plausible(trimmed):
            return trimmed, f"dropped {extra} empty trailing field(s)"
    candidates: list[tuple[list[str], str]] = []
    for column in REPAIRABLE_COLUMNS:
        # A comma inside free text has words on both sides: "DOE,JOHN". Joining blank fields
        # would "repair" an empty column that merely sits before the real culprit.
        if column >= width or not all(f.strip() for f in fields[column:column + extra + 1]):
            continue
        merged = fields[:column] + [",".join(fields[column:column + extra + 1])] + fields[column + extra + 1:]
        if _plausible(merged):
            candidates.append((merged, f"rejoined {extra} unquoted comma(s) in {COLUMNS[column]}"))
    distinct = {tuple(c[0]) for c in candidates}
    if len(distinct) != 1:
        return None
    return candidates[0]


def _header_names(fields: list[str]) -> list[str]:
    names = [f.strip().upper() for f in fields]
    while names and not names[-1]:
        names.pop()
    return names


def _looks_like_header(fields: list[str]) -> bool:
    return len(fields) >= 3 and [f.strip().upper() for f in fields[:3]] == list(COLUMNS[:3])


class DojReader:
    """Iterate a DOJ research file as :class:`Row` / :class:`RowError`, with counters.

    ``source`` is a path or an open *binary* file. ``byte_range`` (start, end, first line
    number) reads only part of the file. ``width`` gives the layout when another pass has found
    it, and turns header detection off; without it a range that starts at byte 0 detects the
    header as a whole file does. File-level problems are only judged on a whole-file read.
    """

    def __init__(self, source: str | os.PathLike[str] | BinaryIO, *,
                 byte_range: tuple[int, int, int] | None = None, width: int | None = None) -> None:
        self.source = source
        self.byte_range = byte_range
        self.counts = ReadCounts()
        if width is not None:
            self.counts.width = width
        self._fixed_width = width is not None or (byte_range is not None and byte_range[0] > 0)

    def __iter__(self) -> Iterator[RowResult]:
        # The generator itself, not one delegating to it with ``yield from``: that layer would be
        # resumed and suspended once more for every row.
        return self._read()

    def _read(self) -> Iterator[RowResult]:
        source = self.source
        owned = isinstance(source, str | os.PathLike)
        handle: BinaryIO = open(source, "rb", buffering=1 << 20) if owned else source  # noqa: SIM115
        counts = self.counts
        feed = _Feed()
        reader = csv.reader(feed)
        field_limit = csv.field_size_limit()  # a longer line may hold a field csv refuses
        pending: deque[tuple[bytes, int, int]] = deque()
        first = not self._fixed_width
        width = counts.width
        reject_all: str | None = None
        # The last subject segment seen (see _subject_segment): its text, length and fields.
        segment: str | None = None
        segment_length = 0
        segment_fields: list[str] = []

        # Rows read, accepted, and accepted as usual rows; lines read (line_number - before).
        read_n = accepted_n = usual = 0
        before = line_number = self.byte_range[2] - 1 if self.byte_range is not None else 0
        try:
            if self.byte_range is not None:
                offset, end, _ = self.byte_range
                handle.seek(offset)
            else:
                offset, end = 0, None
                try:
                    offset = handle.tell()
                except (OSError, io.UnsupportedOperation):
                    offset = 0
            readline = handle.readline
            while True:
                if pending:
                    raw, start, first_line = pending.popleft()
                else:
                    if end is not None and offset >= end:
                        break
                    raw = readline()
                    if not raw:
                        break
                    start = offset
                    offset += len(raw)
                    line_number += 1
                    first_line = line_number
                notes: list[str] | None = None
                try:
                    text = raw.decode()  # UTF-8, without looking the codec up by name
                except UnicodeDecodeError as exc:
                    text, note = _decode_fallback(raw, exc)
                    notes = [note]
                if start == 0 and text.startswith("\ufeff"):
                    text = text[1:]  # Excel's UTF-8 byte-order mark would hide the header
                stripped = text.rstrip("\r\n")
                if segment is not None:
                    # The usual row: the previous subject segment after its RECORD_ID (see
                    # _subject_segment), plain fields after it, and the layout's width. partition
                    # and a slice compare cost half of find and startswith, which parse their
                    # arguments the slow way.
                    record_id, _, tail = stripped.partition(",")
                    if (tail[:segment_length] == segment and '"' not in record_id and "\r" not in stripped
                            and len(stripped) <= field_limit):
                        rest = tail[segment_length:]
                        if '"' not in rest:
                            fields = segment_fields + rest.split(",")
                            if len(fields) == width and record_id != "RECORD_ID":
                                fields[0] = record_id
                                usual += 1
                                if notes is not None:
                                    counts.decoded_latin1 += 1
                                    notes = [_place_note(note, fields) for note in notes]
                                row = _new(Row)  # as below
                                row.line_number = first_line
                                row.fields = fields
                                row.raw_line = stripped
                                row.offset = start
                                row.repair = ""
                                row.notes = notes
                                yield row
                                continue
                    # Any other line is read as it comes, below.

                # Cut at the quotes once: it tells an open quoted field (an odd number of quotes)
                # and serves the field split below.
                parts: list[str] | None = stripped.split('"')

                if not len(parts) & 1:
                    # A quoted field continues on the next line(s): gather the whole record.
                    chunks = [text]
                    taken: list[tuple[bytes, int, int]] = []
                    size = len(raw)
                    closed = False
                    while len(taken) < MAX_RECORD_LINES and size < MAX_RECORD_BYTES:
                        if pending:
                            nxt = pending.popleft()
                        else:
                            if end is not None and offset >= end:
                                break
                            nraw = readline()
                            if not nraw:
                                break
                            line_number += 1
                            nxt = (nraw, offset, line_number)
                            offset += len(nraw)
                        taken.append(nxt)
                        size += len(nxt[0])
                        try:
                            more = nxt[0].decode("utf-8")
                        except UnicodeDecodeError as exc:
                            more, note = _decode_fallback(nxt[0], exc)
                            notes = (notes or []) + [note]
                        chunks.append(more)
                        if more.count('"') & 1:
                            closed = True
                            break
                    if closed:
                        text = "".join(chunks)
                        stripped = text.rstrip("\r\n")
                        parts = None  # the record holds a newline: csv places it
                    else:
                        # Stray quote: reject this line alone and read the following ones afresh.
                        pending.extendleft(reversed(taken))
                        read_n += 1
                        counts.rejected += 1
                        yield RowError(first_line, None,
                                       "a quoted field opens on this line and never closes "
                                       f"(looked ahead {len(taken)} line(s)); line rejected alone",
                                       text.rstrip("\r\n"), start)
                        continue

                if not stripped or stripped.isspace():
                    counts.blank_lines += 1
                    continue

                # str.split gives what csv gives for a line of plain fields and whole-field quotes,
                # at a fraction of the cost; csv keeps the rest (and its errors).
                fields = None
                if parts is not None and len(stripped) <= field_limit and "\r" not in stripped:
                    if len(parts) == 1:
                        fields = stripped.split(",")
                    elif len(parts) <= _MAX_SPLIT_PARTS:
                        fields = _split_quoted(parts)
                if fields is None:
                    feed.text = stripped
                    try:
                        fields = next(reader)
                    except csv.Error as exc:
                        read_n += 1
                        counts.rejected += 1
                        yield _binary_or(RowError(first_line, None, f"not valid CSV: {exc}", stripped, start))
                        continue

                if first:
                    first = False
                    if _looks_like_header(fields):
                        names = _header_names(fields)
                        problem = self._check_header(names)
                        if problem is None:
                            counts.header = True
                            width = counts.width = len(names)
                            continue
                        reject_all = problem[1]
                        read_n += 1
                        counts.rejected += 1
                        yield RowError(first_line, problem[0], problem[1], stripped, start)
                        continue
                    if len(fields) == SHORT_LAYOUT:
                        width = counts.width = SHORT_LAYOUT

                read_n += 1
                if reject_all is not None:
                    counts.rejected += 1
                    yield RowError(first_line, None, f"file header is not the DOJ layout ({reject_all})",
                                   stripped, start)
                    continue

                n = len(fields)
                if n == width and fields[0] == "RECORD_ID" and _looks_like_header(fields):
                    counts.rejected += 1
                    yield RowError(first_line, None, "header row repeated inside the file (exports "
                                   "concatenated?); not a data row", stripped, start)
                    continue
                if n == width:
                    accepted_n += 1
                    if parts is not None and n > _SUBJECT_END:
                        found = _subject_segment(fields, stripped)
                        if found is not None:
                            segment, segment_fields = found
                            segment_length = len(segment)
                    if notes is not None:
                        counts.decoded_latin1 += 1
                        notes = [_place_note(note, fields) for note in notes]
                    # Row(first_line, fields, stripped, start, "", notes), without the call of
                    # the dataclass __init__ through type(): slot stores are a fraction of it.
                    row = _new(Row)
                    row.line_number = first_line
                    row.fields = fields
                    row.raw_line = stripped
                    row.offset = start
                    row.repair = ""
                    row.notes = notes
                    yield row
                    continue

                if n > width:
                    repaired = repair_row(fields, width)
                    if repaired is not None:
                        accepted_n += 1
                        counts.repaired += 1
                        if notes is not None:
                            counts.decoded_latin1 += 1
                        yield Row(first_line, repaired[0], stripped, start, repaired[1], notes)
                        continue
                    counts.rejected += 1
                    yield _binary_or(RowError(
                        first_line, None, f"{n} fields, expected {width}: {n - width} unquoted comma(s) too "
                        "many and no single free-text field explains them", stripped, start))
                    continue

                counts.rejected += 1
                missing = COLUMNS[n] if n < len(COLUMNS) else None
                if not text.endswith("\n") and not pending:
                    problem = (f"truncated last line: {n} of {width} fields, no line terminator "
                               f"(file ends inside column {COLUMNS[n - 1] if n else 'RECORD_ID'})")
                else:
                    problem = f"{n} fields, expected {width}: short row, first missing column {missing}"
                yield _binary_or(RowError(first_line, missing, problem, stripped, start))
        finally:
            # Kept in locals in the loop (attribute updates cost per row); published here, also
            # when the consumer stops early.
            counts.read += read_n + usual
            counts.accepted += accepted_n + usual
            counts.physical_lines += line_number - before
            if owned:
                handle.close()

        if self.byte_range is None:
            # Every line read, pending ones included, went through readline and ``line_number``.
            counts.file_problem = file_problem(line_number > before, counts.read, counts.accepted, counts.header)

    @staticmethod
    def _check_header(names: list[str]) -> tuple[str, str] | None:
        for index, name in enumerate(names):
            if index >= COLUMN_COUNT:
                return name, f"header has {len(names)} names, the layout has {COLUMN_COUNT}"
            if name != COLUMNS[index]:
                return COLUMNS[index], (f"header column {index + 1} is {name!r}, "
                                        f"expected {COLUMNS[index]!r}")
        if len(names) < SHORT_LAYOUT:
            return COLUMNS[len(names)], (f"header has {len(names)} names, the layout has "
                                         f"{COLUMN_COUNT}; first missing {COLUMNS[len(names)]}")
        return None


def file_problem(has_bytes: bool, read: int, accepted: int, header: bool) -> str | None:
    """Why a whole file yields nothing usable, or None."""
    if not has_bytes:
        return "the file is empty (0 bytes)"
    if read == 0:
        return "the file has a header row and no data rows" if header else "the file holds only blank lines"
    if accepted == 0:
        return f"none of the {read} rows has the DOJ research-file layout; is this the right file?"
    return None


def _place_note(note: str, fields: list[str]) -> str:
    for index, value in enumerate(fields):
        if not value.isascii():
            return f"{note} (column {COLUMNS[index]})"
    return note


def _binary_or(error: RowError) -> RowError:
    """Name binary data for what it is; only rows already in error are checked, to keep the
    accepted path free of the scan."""
    raw = error.raw_line
    position = raw.find("\x00")
    if position < 0:
        controls = sum(1 for c in raw if c < " " and c not in "\t\r\n")
        if controls * 20 < max(len(raw), 1):
            return error
        problem = f"binary data ({controls} control characters), not a line of CSV text"
    else:
        problem = f"NUL byte at character {position + 1}: binary data, not a line of CSV text"
    return RowError(error.line_number, None, problem, raw.replace("\x00", "\\x00")[:500], error.offset)


def read_rows(source: str | os.PathLike[str] | BinaryIO) -> DojReader:
    """Stream a DOJ file: iterate the result for rows and errors; ``.counts`` holds the tally."""
    return DojReader(source)
