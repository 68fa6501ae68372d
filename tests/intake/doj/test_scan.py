"""The index pass (scan_subjects) skips most lines by comparing bytes after the first comma with
the line before; these lines must still be placed under the SUBJECT_ID the reader gives them."""

import random

from intake.doj import group
from intake.doj.group import FileStats, _subject_of, iter_persons, scan_subjects

from .rows import header, line, write


def test_subject_and_marker_of_plain_and_quoted_lines():
    assert _subject_of(b"1,A,S1,x\n") == (b"S1", b"A,S1,")
    # The marker runs through a whole quoted field after SUBJECT_ID (the name), not further.
    assert _subject_of(b'1,A,S1,,"DOE,J",M,"X,Y",\n') == (b"S1", b'A,S1,,"DOE,J",')
    assert _subject_of(b'1,A,S1,"a""b",x\n') == (b"S1", b"A,S1,")  # a doubled quote: not a closing one
    assert _subject_of(b'1,A,S1,"ab"c,x\n') == (b"S1", b"A,S1,")  # text after the closing quote
    assert _subject_of(b'1,A,S1,x"y",z\n') == (b"S1", b"A,S1,")  # a quote inside a plain field
    assert _subject_of(b'1,A,"S,1",x\n') == (b"S,1", None)  # quoted: csv places the commas
    assert _subject_of(b"1,A, S1 \n") == (b"S1", None)  # no field after it: no marker
    assert _subject_of(b"1,A\n") == (b"", None)


def test_a_quoted_first_field_is_not_taken_for_the_previous_subject(tmp_path):
    # The first comma of the second line falls inside its quoted RECORD_ID, right before bytes
    # that look like the first line's ",A,S1,": its subject is still S2.
    first = line(SUBJECT_ID="S1", RECORD_ID="r1")
    tricky = line(SUBJECT_ID="S2", RECORD_ID="x,A,S1,y")
    again = line(SUBJECT_ID="S1", RECORD_ID="r3", CNT_ORDER="001002002000")
    assert tricky.startswith('"x,A,S1,y",')
    path = write(tmp_path / "f.csv", [header(), first, tricky, again])
    assert sorted(scan_subjects(path).split) == ["S1"]
    items = list(iter_persons(path))
    assert [(i.subject_id, i.rows, i.regrouped) for i in items] == [("S2", 1, False), ("S1", 2, True)]


def test_runs_continue_across_lines_with_the_same_prefix(tmp_path):
    rows = [line(SUBJECT_ID="S1", RECORD_ID=str(n), CNT_ORDER=f"001002{n:03d}000") for n in range(1, 5)]
    rows += [line(SUBJECT_ID="S10", RECORD_ID="9")]  # S1 is a prefix of S10: a different subject
    rows += [line(SUBJECT_ID="S1", RECORD_ID="10", CNT_ORDER="001002010000")]
    path = write(tmp_path / "f.csv", [header(), *rows])
    index = scan_subjects(path)
    assert list(index.split) == ["S1"]
    assert [line_number for _, _, line_number in index.split["S1"]] == [2, 7]


def test_a_line_that_is_not_valid_csv_is_reported_and_the_file_goes_on(tmp_path):
    # A quote among the first fields and a bare carriage return inside an unquoted field: csv
    # refuses the line. The index pass once raised on it and lost the whole file.
    first = line(SUBJECT_ID="S1", RECORD_ID="r1")
    broken = line(SUBJECT_ID="S2", RECORD_ID='"q"').replace("HS-POSSESS", "HS-\rPOSSESS", 1)
    again = line(SUBJECT_ID="S1", RECORD_ID="r3", CNT_ORDER="001002002000")
    path = write(tmp_path / "f.csv", [header(), first, broken, again])
    assert scan_subjects(path).split == {}
    stats = FileStats("f.csv")
    items = list(iter_persons(path, stats=stats))
    assert [(i.subject_id, i.rows) for i in items] == [("S1", 2)]
    assert [(e.line_number, e.problem.startswith("not valid CSV")) for e in stats.errors] == [(3, True)]
    assert stats.rows_read == 3 and stats.balanced


def test_markers_place_lines_as_the_line_by_line_reading_does(tmp_path, monkeypatch):
    """Runs found with markers equal runs found by reading every line's subject (no marker)."""
    rng = random.Random(20260117)
    subjects = ["S1", "S2", "S10", " S1", "S3"]
    variants = [
        lambda text: text,
        lambda text: text.replace("DOE,JANE Q", 'DOE,"JANE" Q', 1),  # now a doubled quote inside
        lambda text: text.replace('"DOE,JANE Q"', "DOE JANE", 1),  # no quote at all
        lambda text: text.replace("11357(B) HS-POSSESS", '"11357(B), HS-POSSESS"', 1),
        lambda text: text.replace("11357(B) HS-POSSESS", '"11357(B) HS-\nPOSSESS"', 1),  # two lines
        lambda text: text.replace("11357(B) HS-POSSESS", '11357(B) "HS', 1),  # a stray quote
        lambda text: '"' + text.replace(",", '",', 1),  # quoted RECORD_ID
        lambda text: text.replace(",", 'x"y,', 1),  # a quote inside RECORD_ID
        lambda text: text.replace("SAN JOAQUIN", "SAN\rJOAQUIN", 1),  # not valid CSV
        lambda text: "",  # a blank line
    ]
    for trial in range(40):
        rows = [header()]
        for number in range(rng.randint(1, 60)):
            subject = rng.choice(subjects)
            text = line(SUBJECT_ID=subject, RECORD_ID=str(number), CNT_ORDER=f"001002{number:03d}000")
            if rng.random() < 0.3:
                text = rng.choice(variants)(text)
            rows.append(text)
        path = write(tmp_path / f"f{trial}.csv", rows, terminator=rng.choice(["\n", "\r\n"]))
        with_markers = scan_subjects(path)
        with monkeypatch.context() as patched:
            patched.setattr(group, "_subject_of", lambda raw: (_subject_of(raw)[0], None))
            line_by_line = scan_subjects(path)
        assert (with_markers.subjects, with_markers.lines, with_markers.split) == (
            line_by_line.subjects, line_by_line.lines, line_by_line.split), rows
