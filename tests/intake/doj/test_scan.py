"""The index pass (scan_subjects) skips most lines by comparing bytes after the first comma with
the line before; these lines must still be placed under the SUBJECT_ID the reader gives them."""

from intake.doj.group import FileStats, _subject_of, iter_persons, scan_subjects

from .rows import header, line, write


def test_subject_and_marker_of_plain_and_quoted_lines():
    assert _subject_of(b"1,A,S1,x\n") == (b"S1", b",A,S1,")
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
