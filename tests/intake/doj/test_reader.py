import csv

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.doj.columns import COLUMN_COUNT, PRI_NAME, SUBJECT_ID
from intake.doj.reader import DojReader, Row, RowError, read_rows

from .rows import SAMPLES, header, line, write


def read(path):
    reader = read_rows(path)
    results = list(reader)
    assert reader.counts.balanced, reader.counts
    return reader, [r for r in results if isinstance(r, Row)], [r for r in results if isinstance(r, RowError)]


class TestSamples:
    def test_no_headers_reads_every_row_with_the_full_layout(self):
        reader, rows, errors = read(SAMPLES / "no_headers.csv")
        # 38 rows: `wc -l` says 37 because the last line has no terminator.
        assert (reader.counts.read, len(rows), errors) == (38, 38, [])
        assert not reader.counts.header
        assert reader.counts.width == COLUMN_COUNT
        assert rows[-1].line_number == 38

    def test_extra_comma_header_with_a_trailing_comma_is_still_a_header(self):
        # The header has 96 names, the last one empty; every data row has 95 fields (CRLF).
        reader, rows, errors = read(SAMPLES / "extra_comma.csv")
        assert reader.counts.header and reader.counts.width == 95
        assert (reader.counts.read, len(rows), errors) == (38, 38, [])
        assert rows[0].line_number == 2
        assert not rows[0].raw_line.endswith("\r")

    def test_bad_csv_uses_the_94_column_layout_its_header_declares(self):
        # Header and rows both lack END_OF_REC: 94 columns everywhere, so no row is irregular.
        reader, rows, errors = read(SAMPLES / "bad.csv")
        assert reader.counts.header and reader.counts.width == 94
        assert (reader.counts.read, len(rows), errors) == (37, 37, [])


class TestHeaderDetection:
    def test_header_and_one_row(self, tmp_path):
        reader, rows, errors = read(write(tmp_path / "f.csv", [header(), line()]))
        assert reader.counts.header
        assert [r.line_number for r in rows] == [2] and not errors

    def test_one_row_without_header(self, tmp_path):
        reader, rows, errors = read(write(tmp_path / "f.csv", [line()]))
        assert not reader.counts.header
        assert len(rows) == 1 and rows[0].fields[SUBJECT_ID] == "1001"

    def test_header_only_is_a_file_problem_not_a_row(self, tmp_path):
        reader, rows, errors = read(write(tmp_path / "f.csv", [header()]))
        assert reader.counts.read == 0 and not rows and not errors
        assert reader.counts.file_problem == "the file has a header row and no data rows"

    def test_a_header_in_another_layout_rejects_every_row(self, tmp_path):
        names = header().replace("PRI_NAME,GENDER", "GENDER,PRI_NAME")
        reader, rows, errors = read(write(tmp_path / "f.csv", [names, line(), line()]))
        assert not rows
        assert errors[0].line_number == 1 and errors[0].column == "PRI_NAME"
        assert "header column 13 is 'GENDER'" in errors[0].problem
        assert [e.line_number for e in errors[1:]] == [2, 3]
        assert reader.counts.read == 3 and reader.counts.rejected == 3


class TestExportQuirks:
    def test_utf8_byte_order_mark_before_the_header(self, tmp_path):
        path = tmp_path / "f.csv"
        path.write_bytes(b"\xef\xbb\xbf" + (header() + "\n" + line() + "\n").encode())
        reader, rows, errors = read(path)
        assert reader.counts.header and len(rows) == 1 and not errors

    def test_a_repeated_header_is_rejected_not_read_as_a_person(self, tmp_path):
        reader, rows, errors = read(write(tmp_path / "f.csv", [header(), line(), header(), line()]))
        assert len(rows) == 2
        assert [(e.line_number, e.problem[:29]) for e in errors] == [(3, "header row repeated inside th")]


class TestMalformedInput:
    def test_zero_bytes(self, tmp_path):
        path = tmp_path / "f.csv"
        path.write_bytes(b"")
        reader, rows, errors = read(path)
        assert (rows, errors) == ([], [])
        assert reader.counts.file_problem == "the file is empty (0 bytes)"

    def test_only_blank_lines(self, tmp_path):
        reader, rows, errors = read(write(tmp_path / "f.csv", ["", "  ", ""]))
        assert (rows, errors) == ([], [])
        assert reader.counts.file_problem == "the file holds only blank lines"
        assert reader.counts.blank_lines == 3

    def test_short_row_is_an_error_for_that_row_only(self, tmp_path):
        short = ",".join(line(SUBJECT_ID="2").split(",")[:40])
        reader, rows, errors = read(write(tmp_path / "f.csv", [header(), line(), short, line(SUBJECT_ID="3")]))
        assert [r.line_number for r in rows] == [2, 4]
        (error,) = errors
        assert error.line_number == 3
        # The name's comma is inside quotes, so 40 raw pieces are 39 fields.
        assert error.problem == "39 fields, expected 95: short row, first missing column STP_ORDER"
        assert error.column == "STP_ORDER"
        assert error.raw_line == short

    def test_truncated_last_line(self, tmp_path):
        cut = line(SUBJECT_ID="2")[:200]
        reader, rows, errors = read(write(tmp_path / "f.csv", [line(), cut], final=False))
        assert len(rows) == 1
        assert errors[0].line_number == 2
        assert errors[0].problem.startswith("truncated last line:")
        assert "no line terminator" in errors[0].problem

    def test_non_utf8_bytes_are_read_as_latin1_with_a_note(self, tmp_path):
        path = tmp_path / "f.csv"
        good = line().encode()
        bad = line(SUBJECT_ID="2", PRI_NAME="PENA,JOSE").encode().replace(b"PENA", b"PE\xd1A")
        path.write_bytes(good + b"\n" + bad + b"\n")
        reader, rows, errors = read(path)
        assert not errors
        assert rows[1].fields[PRI_NAME] == "PEÑA,JOSE"
        position = bad.index(b"\xd1") + 1
        assert rows[1].notes == [
            f"byte 0xD1 at byte {position} of the line is not UTF-8; read as Latin-1 (column PRI_NAME)"
        ]
        assert reader.counts.decoded_latin1 == 1

    def test_binary_garbage_is_rejected_row_by_row_with_a_precise_reason(self, tmp_path):
        path = tmp_path / "f.csv"
        path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb1\xe2\n\x00\x01\x02garbage,\x00\xff\n")
        reader, rows, errors = read(path)
        assert not rows and len(errors) == 2
        assert errors[0].problem.startswith("NUL byte at character 6: binary data")
        assert errors[0].line_number == 1 and errors[1].line_number == 2
        assert "is this the right file?" in reader.counts.file_problem

    def test_crlf_lines(self, tmp_path):
        reader, rows, errors = read(write(tmp_path / "f.csv", [header(), line(), line()], terminator="\r\n"))
        assert len(rows) == 2 and not errors
        assert all(not r.raw_line.endswith("\r") for r in rows)

    def test_quoted_comment_with_commas_and_newlines_is_one_row(self, tmp_path):
        multi = line(SUBJECT_ID="2", COMMENT_TEXT="CHRG 11359 HS, SEE\nDOCKET, PAGE 2")
        reader, rows, errors = read(write(tmp_path / "f.csv", [line(), multi, line(SUBJECT_ID="3")]))
        assert not errors
        assert [r.line_number for r in rows] == [1, 2, 4]
        assert rows[1].fields[93] == "CHRG 11359 HS, SEE\nDOCKET, PAGE 2"
        assert reader.counts.physical_lines == 4 and reader.counts.read == 3

    def test_a_stray_quote_costs_one_line_not_the_rest_of_the_file(self, tmp_path):
        stray = line(SUBJECT_ID="2").replace("DOE,JANE Q", 'DOE,"JANE')
        later = [line(SUBJECT_ID=str(n)) for n in range(3, 40)]
        reader, rows, errors = read(write(tmp_path / "f.csv", [line(), stray, *later]))
        assert [e.line_number for e in errors] == [2]
        assert "never closes" in errors[0].problem
        assert len(rows) == 38


class TestRepairs:
    def test_unquoted_comma_in_the_name_is_rejoined(self, tmp_path):
        unquoted = line(SUBJECT_ID="2").replace('"DOE,JANE Q"', "DOE,JANE Q")
        reader, rows, errors = read(write(tmp_path / "f.csv", [header(), line(), unquoted]))
        assert not errors
        assert rows[1].fields[PRI_NAME] == "DOE,JANE Q"
        assert rows[1].repair == "rejoined 1 unquoted comma(s) in PRI_NAME"
        assert reader.counts.repaired == 1 and reader.counts.accepted == 2

    def test_unquoted_comma_in_the_offense_is_rejoined(self, tmp_path):
        text = line(OFFENSE_DESCR="11357(B) HS-POSSESS MARIJUANA, 28.5 GRAMS OR LESS")
        unquoted = text.replace('"11357(B) HS-POSSESS MARIJUANA, 28.5 GRAMS OR LESS"',
                                "11357(B) HS-POSSESS MARIJUANA, 28.5 GRAMS OR LESS")
        reader, rows, errors = read(write(tmp_path / "f.csv", [unquoted]))
        assert not errors and rows[0].repair == "rejoined 1 unquoted comma(s) in OFFENSE_DESCR"
        assert rows[0].fields[54] == "11357(B) HS-POSSESS MARIJUANA, 28.5 GRAMS OR LESS"

    def test_trailing_comma_is_dropped(self, tmp_path):
        reader, rows, errors = read(write(tmp_path / "f.csv", [line(), line() + ","]))
        assert not errors and rows[1].repair == "dropped 1 empty trailing field(s)"
        assert len(rows[1].fields) == COLUMN_COUNT

    def test_a_comma_that_no_text_field_explains_is_rejected(self, tmp_path):
        # The stray comma splits CNT_ORDER: rejoining any text field leaves a misplaced date.
        broken = line(SUBJECT_ID="2").replace("001002001000", "0010020,01000")
        reader, rows, errors = read(write(tmp_path / "f.csv", [line(), broken]))
        assert len(rows) == 1
        assert errors[0].line_number == 2
        assert errors[0].problem.startswith("96 fields, expected 95: 1 unquoted comma(s) too many")


def test_an_open_binary_file_reads_like_a_path():
    import io

    reader = read_rows(io.BytesIO((header() + "\n" + line() + "\n").encode()))
    (row,) = list(reader)
    assert row.line_number == 2 and reader.counts.header


def test_byte_range_rereads_a_row_at_its_offset(tmp_path):
    path = write(tmp_path / "f.csv", [header(), line(), line(SUBJECT_ID="2"), line(SUBJECT_ID="3")])
    rows = [r for r in read_rows(path) if isinstance(r, Row)]
    second = rows[1]
    again = list(DojReader(path, byte_range=(second.offset, rows[2].offset, second.line_number), width=95))
    assert [(r.line_number, r.fields) for r in again] == [(3, second.fields)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.binary(max_size=300),
    st.sampled_from([line().encode(), line().encode() + b",", b"", b'"', line()[:150].encode(), header().encode()]),
), max_size=12))
def test_accounting_always_balances(tmp_path, pieces):
    path = tmp_path / "soup.csv"
    path.write_bytes(b"\n".join(pieces))
    reader = read_rows(path)
    results = list(reader)
    counts = reader.counts
    assert counts.read == counts.accepted + counts.rejected == len(results)
    assert all(len(r.fields) == counts.width for r in results if isinstance(r, Row))


@pytest.mark.parametrize("text", [
    'a,"b,c",d', '"",x', 'a,"say ""hi""",b', 'a"b"c,d', ' "x",y', '"x"y,z', "plain,row,", ',,,',
])
def test_parsing_matches_the_csv_module(tmp_path, text):
    path = tmp_path / "f.csv"
    path.write_text(text + "\n")
    reader = DojReader(path, width=len(next(csv.reader([text]))))
    (result,) = list(reader)
    assert result.fields == next(csv.reader([text]))
