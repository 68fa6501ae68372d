"""The reader's str.split fast path must read every line exactly as ``csv.reader`` does."""

import csv
import io
import random

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
