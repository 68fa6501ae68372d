"""determination_lines: the JSON lines assembled from encoded pieces equal json.dumps of each row."""

from __future__ import annotations

import datetime as dt
import io
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.engine import output
from eligibility.engine.output import determination_lines, determination_rows
from eligibility.engine.record import Level, Name, Person
from eligibility.engine.results import (
    QUESTION_CODES,
    CountKey,
    Determination,
    Outcome,
    PersonResult,
    Question,
    Reason,
    Relief,
)
from eligibility.headless import CONTRACT_KEYS, RowWriter

from .test_output import reference_rows

# Any text a record can hold: every code point but surrogates (not valid UTF-8; see below), and the
# ones JSON escapes or that tempt an encoder to, often.
TRICKY = ["", '"', "\\", "\\\"", "\n", "\r\t\b\f", "\x00\x01\x1f", "\x7f", "\u2028\u2029", "é", "\u00a0", "😀",
          "</script>", '","outcome":"dismiss', "}\n{"]
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(TRICKY)
dates = st.none() | st.dates()


@st.composite
def determination(draw, count):
    case_number, court_county, count_number, code_section, attempted, level, disposition_date = count
    reduce_to = draw(st.none() | st.sampled_from(list(Level)))
    return Determination(
        CountKey(0, 0, 0), case_number, count_number, code_section, attempted, level, disposition_date,
        court_county, draw(st.sampled_from(list(Relief))), draw(st.sampled_from(list(Outcome))), reduce_to,
        draw(st.booleans()), draw(dates), draw(texts), draw(texts),
        tuple(Question(code, text) for code, text in draw(st.lists(st.tuples(st.sampled_from(sorted(QUESTION_CODES)),
                                                                             texts), max_size=2))),
        tuple(Reason(text, citation) for text, citation in draw(st.lists(st.tuples(texts, texts), max_size=3))),
        draw(st.booleans()))


@st.composite
def records(draw):
    # Several determinations per count, as the engine gives, so the encoded groups are reused.
    counts = draw(st.lists(st.tuples(texts, texts, st.integers(-(2 ** 63), 2 ** 64 - 1), texts, st.booleans(),
                                     texts, dates), min_size=1, max_size=3))
    dets = tuple(draw(st.lists(st.sampled_from(counts).flatmap(determination), max_size=6)))
    person = Person(source="x", person_key="k", cii=draw(texts), names=draw(st.lists(texts.map(
        lambda full: Name("01", full)), max_size=1)))
    result = PersonResult(draw(texts), dets, False, (), False, False, False, False, True, True, draw(texts),
                          draw(texts), draw(st.dates()), "")
    return person, result, draw(texts)


def json_lines(rows) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows).encode()


@settings(max_examples=400, deadline=None)
@given(records())
def test_lines_are_what_json_dumps_writes_for_each_row(record):
    person, result, source = record
    lines = determination_lines(person, result, source)
    assert lines == json_lines(reference_rows(person, result, source))
    assert lines == b"".join(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)
                             for row in determination_rows(person, result, source))


@settings(max_examples=50, deadline=None)
@given(records())
def test_the_encoded_groups_stay_bounded_and_right_when_cleared(record):
    person, result, source = record
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output, "_MEMBERS_LIMIT", 2)
        patch.setattr(output, "_COUNT_MEMBERS", {})
        patch.setattr(output, "_OUTCOME_MEMBERS", {})
        assert determination_lines(person, result, source) == json_lines(reference_rows(person, result, source))
        assert len(output._COUNT_MEMBERS) <= 2 and len(output._OUTCOME_MEMBERS) <= 2


def test_a_surrogate_fails_as_the_rows_do():
    # Not valid UTF-8: neither the rows' orjson nor the lines' may write it (json.dumps would, and
    # the UTF-8 output file would then refuse it).
    det = Determination(CountKey(0, 0, 0), "C1", 1, "PC 484", False, "misdemeanor", None, "SAN JOAQUIN",
                        Relief.PC1203_4, Outcome.DISMISS, None, False, None, "", "", (),
                        (Reason("bad \ud800", "PC 1203.4"),), True)
    person = Person(source="x", person_key="k", cii="1", names=[Name("01", "DOE,JANE")])
    result = PersonResult("k", (det,), False, (), False, False, False, False, True, True, "r", "p",
                          dt.date(2026, 1, 15), "")
    with pytest.raises(orjson.JSONEncodeError):
        determination_lines(person, result, "x")
    with pytest.raises(orjson.JSONEncodeError):
        RowWriter(io.BytesIO(), "jsonl", CONTRACT_KEYS).write(next(determination_rows(person, result, "x")))


@settings(max_examples=60, deadline=None)
@given(st.lists(records(), max_size=3), st.sampled_from(["jsonl", "csv"]), st.booleans())
def test_write_determinations_writes_what_write_writes_row_by_row(people, fmt, binary):
    if fmt == "csv":
        binary = False  # a CSV goes to text streams only
    fast_out, slow_out = (io.BytesIO(), io.BytesIO()) if binary else (io.StringIO(), io.StringIO())
    fast, slow = RowWriter(fast_out, fmt, CONTRACT_KEYS), RowWriter(slow_out, fmt, CONTRACT_KEYS)
    for person, result, source in people:
        fast.write_determinations(person, result, source)
        for row in determination_rows(person, result, source):
            slow.write(row)
    assert fast_out.getvalue() == slow_out.getvalue()
    assert fast.rows == slow.rows
