"""The reader's str.split fast path must read every line exactly as ``csv.reader`` does."""

import csv
import io
import random

from intake.doj.columns import COLUMNS
from intake.doj.reader import _MAX_SPLIT_PARTS, DojReader, _split_quoted


def _csv_fields(line: str) -> list[str]:
    return next(csv.reader([line]))


def test_split_quoted_agrees_with_csv_or_declines():
    rng = random.Random(20260115)
    alphabet = ',,,""a b\x00'
    checked = 0
    for _ in range(60_000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        parts = line.split('"')
        if not len(parts) & 1 or len(parts) > _MAX_SPLIT_PARTS:
            continue
        fields = _split_quoted(parts) if len(parts) > 1 else line.split(",")
        if fields is not None:
            checked += 1
            assert fields == _csv_fields(line), line
    assert checked > 10_000


def test_split_quoted_declines_what_it_cannot_place():
    for line in ('a,"b""c",d', 'a,x"b",d', 'a,"b"x,d', '"a""b"', ' "a",b', '"a" ,b'):
        assert _split_quoted(line.split('"')) is None, line


def test_reader_fields_match_csv_for_tricky_lines():
    lines = ['1,"DOE, JOHN",x', '2,"",', '3,"a""b",c', '4,x"y",z', '5,"a","b","c","d","e"', '"6",a,b',
             '7,a\rb,c', '8,"multi\nline",c', '9,"a\x00b",c']
    data = "\n".join(lines).encode() + b"\n"
    rows = list(DojReader(io.BytesIO(data), width=3))
    got = {r.raw_line: r.fields for r in rows if hasattr(r, "fields")}
    for line in lines:
        try:
            expected = _csv_fields(line)
        except csv.Error:
            assert line not in got
            continue
        if len(expected) == 3:
            assert got[line] == expected, line


def _encoded(rng: random.Random, values: list[str]) -> str:
    """``values`` as csv writes them, or (now and then) quoted where csv would not quote."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    text = out.getvalue()
    if rng.random() < 0.2:
        index = rng.randrange(len(values))
        pieces = text.split(",")
        if '"' not in pieces[index]:
            pieces[index] = f'"{pieces[index]}"'
            text = ",".join(pieces)
    return text


def test_repeated_subject_segment_reads_as_csv_does():
    """Lines that repeat the previous subject's columns 1-35 take its field strings (the reader's
    segment reuse); every line must still read exactly as csv reads it."""
    rng = random.Random(20260116)
    width = 95
    segments = [["A", "1001", "", "", "DOE,JANE", "F"] + [""] * 29,
                ["A", "1002", "", "", 'SAY "HI",X', ""] + ["x"] * 29,
                ["B", "1003", " ", "", "ROE,RICH", "M"] + ["", "y"] * 14 + [""],
                ["A", "1004", "a\x00b", "", "NUL", ""] + [""] * 29]
    first_fields = ["7", "", "8 ", '"9"', "1\r0", 'x""y', "1,2"]
    rest_values = ["", "a", "b c", "d,e", 'f"g', "h\ri", ",", " "]
    lines = []
    segment = segments[0]
    for _ in range(6000):
        if rng.random() < 0.2:
            segment = rng.choice(segments)
        rest = [rng.choice(rest_values) if rng.random() < 0.1 else rng.choice("abc") for _ in range(width - 36)]
        head = rng.choice(first_fields) if rng.random() < 0.2 else str(rng.randrange(100))
        if head in ('"9"', 'x""y'):
            head_text = head  # written as it stands: csv reads it its own way
        else:
            head_text = _encoded(rng, [head])
        line = f"{head_text},{_encoded(rng, segment)},{_encoded(rng, rest)}"
        if rng.random() < 0.05:
            line += ","  # a field too many: repaired or rejected, never misread
        lines.append(line)
    data = "\n".join(lines).encode() + b"\n"
    results = list(DojReader(io.BytesIO(data), width=width))
    rows = {r.line_number: r for r in results if hasattr(r, "fields") and not r.repair}
    reused = 0
    for number, line in enumerate(lines, 1):
        try:
            expected = _csv_fields(line)
        except csv.Error:  # a carriage return in an unquoted field
            assert number not in rows, line
            continue
        if len(expected) == width:
            assert number in rows, line
            assert rows[number].fields == expected, line
            previous = rows.get(number - 1)
            if previous is not None and rows[number].fields[1] is previous.fields[1]:
                reused += 1
    assert reused > 1000


def test_repeated_header_is_not_taken_for_the_previous_subject():
    """A header line met again is rejected even when the row before it holds the column names."""
    names = ",".join(COLUMNS)
    data_row = "r1," + ",".join(COLUMNS[1:])
    data = "\n".join([names, data_row, names, data_row.replace("r1", "r2", 1)]).encode() + b"\n"
    results = list(DojReader(io.BytesIO(data)))
    assert [(r.line_number, type(r).__name__) for r in results] == [(2, "Row"), (3, "RowError"), (4, "Row")]
    assert results[1].problem.startswith("header row repeated")
