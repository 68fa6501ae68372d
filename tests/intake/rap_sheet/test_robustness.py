"""The parser never raises: not on arbitrary text, not on real-format sheets cut and mangled."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.rap_sheet.generator import generate_sheet
from intake.rap_sheet.parser import STATUS_EMPTY, parse_rap_sheet

FORMAT_WORDS = [
    "CNT:01",
    "CNT:01-03",
    "#A1",
    "COURT:",
    "ARR/DET/CITE:",
    "*DISPO:CONVICTED",
    "SEN:",
    "CONV STATUS:",
    "FELONY",
    "* * * *",
    "- - - -",
    "19950601",
    "CASC OAKLAND",
    "11359 HS-POSS",
    "664/487(A) PC",
    "COM:",
    "XSEN:",
    "CHRG",
    "TOC:F",
    "-ATTEMPTED",
    "REGISTRATION:",
    "PAGE 2 OF 3",
    "CII/A12345678",
    "NAM/01",
    "DOB/",
    "RECORD ERROR",
    "END OF MESSAGE",
    "20040.102",
    ",",
    "(",
    ")",
    "\u00d3",
    "\u00b7",
]

SHEETS = [generate_sheet(seed).text.splitlines() for seed in range(20)]


def _check(parsed):
    assert parsed.status in ("ok", "record_error", "not_a_rap_sheet", "empty")
    assert isinstance(parsed.message, str) and parsed.message
    if parsed.status == "ok":
        assert parsed.person is not None
    else:
        assert parsed.person is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises(text):
    _check(parse_rap_sheet(text, "fuzz.txt"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FORMAT_WORDS), max_size=6).map(" ".join), max_size=60))
def test_lines_made_of_format_words_never_raise(lines):
    _check(parse_rap_sheet(lines, "fuzz.txt"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SHEETS) - 1), st.integers(0, 2**32), st.integers(1, 30))
def test_mutated_real_format_sheets_never_raise(index, seed, mutations):
    rng = random.Random(seed)
    lines = list(SHEETS[index])
    for _ in range(mutations):
        if not lines:
            break
        i = rng.randrange(len(lines))
        operation = rng.randrange(6)
        if operation == 0:
            del lines[i]
        elif operation == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif operation == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == 3 and lines[i]:
            k = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:k] + rng.choice("0123456789:;.,-*#/()' \u00b7") + lines[i][k + 1 :]
        elif operation == 4:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        else:
            lines.insert(i, rng.choice(FORMAT_WORDS))
    parsed = parse_rap_sheet(lines, "mutated.txt")
    _check(parsed)
    # Whatever was read keeps its source lines.
    if parsed.person is not None:
        for event in parsed.person.events():
            assert all(ref.line >= 1 for count in event.counts for ref in count.refs)


def test_empty_and_blank_text_is_empty():
    for text in ("", "\n\n", "   \n\t\n"):
        parsed = parse_rap_sheet(text, "blank.txt")
        assert parsed.status == STATUS_EMPTY and parsed.person is None


def test_text_that_is_not_a_rap_sheet_says_so():
    parsed = parse_rap_sheet("Dear counsel,\nPlease find attached the motion.\n", "letter.txt")
    assert parsed.status == "not_a_rap_sheet" and parsed.person is None
