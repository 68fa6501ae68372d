import datetime as dt

import pytest

from eligibility.engine.record import DispositionKind, RegistrationKind, SentenceKind
from intake.doj.group import FileStats, iter_persons, read_file, scan_subjects

from .rows import SAMPLES, header, line, write


def by_key(persons):
    return {p.person_key: p for p in persons}


# Expected figures, counted by hand from the files (one row = one count of one step):
# * no_headers.csv: 38 rows (the last line has no terminator, so `wc -l` says 37), 11 distinct
#   SUBJECT_IDs. Rows 21 and 22 (subject 90675321, 2017) share CNT_ORDER 101001019000 - one count
#   with a PROBATION and a FINE part - so 37 counts. Convictions = COURT ACTION rows whose
#   DISP_DESCR starts with CONVICTED, the 21/22 pair once: 18675309: 4 (rows 2, 4, 7, 8; row 6 is
#   dismissed), 17954908: 3 (10, 12, 13; row 9 is a DECEASED step, 11 a REGISTRATION), 23675654: 4
#   (14-17; 18 dismissed), 90675321: 3 (19, 20, 21+22), 84734892: 5 (23-27), 14575654: 3,
#   95875321: 2, 34499400: 1, 43322421: 1, 66678381: 1 (35 is an arrest), 34174567: 1 (37
#   dismissed) = 28.
# * extra_comma.csv: the same 38 rows behind a header with a trailing comma: same figures.
# * bad.csv: 37 rows of 94 columns behind a 94-name header, 12 SUBJECT_IDs, no shared CNT_ORDER
#   within a subject, so 37 counts. Convictions: 18675309: 2 (rows 3, 7; 6 dismissed, 5 is a
#   DECEASED step), 17954908: 3, 23675654: 4 (17 dismissed), 90675321: 4, 84734892: 5,
#   14575654: 3, 95875321: 2, 34499400: 1, 43322421: 1 (34 has no disposition, 35 is a DECEASED
#   step), 21345614: 1, 313456: 1, 313457: 1 = 28.
SAMPLE_FIGURES = {
    "no_headers.csv": (38, 11, 37, 28),
    "extra_comma.csv": (38, 11, 37, 28),
    "bad.csv": (37, 12, 37, 28),
}


@pytest.mark.parametrize("name", sorted(SAMPLE_FIGURES))
def test_samples_import_with_the_counted_figures(name):
    persons, stats = read_file(SAMPLES / name)
    rows, person_count, counts, convictions = SAMPLE_FIGURES[name]
    assert (stats.rows_read, stats.rows_accepted, stats.rows_rejected) == (rows, rows, 0)
    assert stats.balanced and stats.errors == []
    assert (stats.persons, stats.counts, stats.convictions) == (person_count, counts, convictions)
    assert len(persons) == person_count
    assert sum(1 for p in persons for _ in p.convictions()) == convictions
    # Every accepted row is referenced exactly once, so results join back to the file.
    assert sum(p.source_rows for p in persons) == rows


def test_sample_sentence_rows_of_one_count_are_merged():
    persons = by_key(read_file(SAMPLES / "no_headers.csv")[0])
    counts = [c for e, c in persons["90675321"].convictions() if e.date == dt.date(2017, 3, 12)]
    (count,) = counts
    assert [part.kind for part in count.sentence] == [SentenceKind.PROBATION, SentenceKind.FINE]
    assert [ref.line for ref in count.refs] == [21, 22]
    assert len(count.dispositions) == 1


def test_sample_people_facts():
    persons = by_key(read_file(SAMPLES / "no_headers.csv")[0])
    bird = persons["17954908"]
    assert bird.deceased and bird.registrations == [RegistrationKind.SEX_OFFENDER]
    elmo = persons["23675654"]
    first = next(c for _, c in elmo.convictions())
    assert str(first.code_section) == "HS 11358"  # read from COMMENT_TEXT
    luke = persons["18675309"]
    assert [c.number for c in luke.cycles] == [101, 102]  # from CNT_ORDER: CYC_ORDER is blank
    assert luke.cycles[0].events[0].kind.value == "arrest"


def test_sample_cii_conflicts_are_reported():
    _, stats = read_file(SAMPLES / "no_headers.csv")
    assert stats.cii_conflicts == {
        "1008675309": ["18675309", "23675654", "14575654"],
        "A123456781": ["90675321", "95875321"],
        "A234698573": ["43322421", "66678381", "34174567"],
    }


def test_bad_csv_reads_the_requested_cii_when_the_primary_one_is_blank():
    persons = by_key(read_file(SAMPLES / "bad.csv")[0])
    assert persons["18675309"].cii == "1008675309"
    assert persons["313456"].name == "MAUL,DARTH"  # written "MAUL, DARTH"
    abby = persons["34499400"]
    (_, count), = abby.convictions()
    assert count.conviction_level.value == "felony"  # CONV_STAT_DESCR blank: OFFENSE_TOC "F"


def test_several_sentence_rows_make_one_count(tmp_path):
    rows = [header(),
            line(SENT_ORDER="1", SENT_LOC_DESCR="JAIL", SENT_LENGTH="90", SENT_TIME_CODE="D"),
            line(SENT_ORDER="2", SENT_LOC_DESCR="PROBATION", SENT_LENGTH="3", SENT_TIME_CODE="Y"),
            line(SENT_ORDER="3", SENT_LOC_DESCR="FINE", SENT_LENGTH="", SENT_TIME_CODE=""),
            line(CNT_ORDER="001002002000", OFFENSE_DESCR="11359HS-POSSESS FOR SALE")]
    persons, stats = read_file(write(tmp_path / "f.csv", rows))
    (event,) = persons[0].cycles[0].events
    assert [c.number for c in event.counts] == [1, 2]
    first = event.counts[0]
    assert [p.raw for p in first.sentence] == ["JAIL 90 D", "PROBATION 3 Y", "FINE"]
    assert [r.line for r in first.refs] == [2, 3, 4]
    assert (stats.counts, stats.convictions) == (2, 2)
    assert dict(stats.convictions_by_section) == {"HS 11357(b)": 1, "HS 11359": 1}


def test_a_later_disposition_on_the_same_count_is_kept_in_order(tmp_path):
    rows = [line(),
            line(DISP_DESCR="DISMISSED PER 1203.4 PC", DISP_DATE="20150101", SENT_LOC_DESCR="",
                 SENT_LENGTH="", SENT_TIME_CODE="")]
    persons, _ = read_file(write(tmp_path / "f.csv", rows))
    (count,) = persons[0].cycles[0].events[0].counts
    assert [d.kind for d in count.dispositions] == [DispositionKind.CONVICTED, DispositionKind.SET_ASIDE]
    assert count.dispositions[1].date == dt.date(2015, 1, 1)


def test_arrest_and_court_steps_without_orders_stay_apart(tmp_path):
    rows = [line(STP_ORDER="", CYC_ORDER="", STP_TYPE_DESCR="ARREST/DETAINED/CITED", DISP_DESCR="",
                 STP_EVENT_DATE="20100301", CNT_ORDER="101001001000"),
            line(STP_ORDER="", CYC_ORDER="", CNT_ORDER="101001002000")]
    persons, stats = read_file(write(tmp_path / "f.csv", rows))
    (cycle,) = persons[0].cycles
    assert [e.kind.value for e in cycle.events] == ["arrest", "court"]
    assert cycle.date == dt.date(2010, 3, 1)
    assert stats.convictions == 1


def test_non_contiguous_subjects_are_yielded_once_and_complete(tmp_path):
    a1 = line(SUBJECT_ID="A", CNT_ORDER="001002001000", RECORD_ID="r1")
    b1 = line(SUBJECT_ID="B", CNT_ORDER="001002001000", RECORD_ID="r2")
    a2 = line(SUBJECT_ID="A", CNT_ORDER="001002002000", RECORD_ID="r3", OFFENSE_DESCR="11359HS-SALE")
    c1 = line(SUBJECT_ID="C", RECORD_ID="r4")
    a3 = line(SUBJECT_ID="A", CNT_ORDER="001002002000", RECORD_ID="r5", SENT_LOC_DESCR="FINE",
              SENT_LENGTH="", SENT_TIME_CODE="")
    b2 = line(SUBJECT_ID="B", CYC_ORDER="2", CNT_ORDER="002002001000", STP_EVENT_DATE="20150101",
              RECORD_ID="r6")
    path = write(tmp_path / "f.csv", [header(), a1, b1, a2, c1, a3, b2])
    index = scan_subjects(path)
    assert sorted(index.split) == ["A", "B"]
    stats = FileStats("f.csv")
    items = list(iter_persons(path, stats=stats))
    assert [(i.subject_id, i.regrouped, i.rows) for i in items] == [("C", False, 1), ("A", True, 3), ("B", True, 2)]
    persons = by_key(i.person for i in items)
    (event,) = persons["A"].cycles[0].events
    assert [c.number for c in event.counts] == [1, 2]
    assert [[r.text for r in c.refs] for c in event.counts] == [["r1"], ["r3", "r5"]]
    assert [r.line for r in event.counts[1].refs] == [4, 6]
    assert [c.number for c in persons["B"].cycles] == [1, 2]
    assert (stats.persons, stats.counts, stats.convictions, stats.rows_read) == (3, 5, 5, 6)
    assert stats.noncontiguous_subjects == 2 and stats.balanced


def test_errors_stream_to_the_callback_and_the_stats(tmp_path):
    path = write(tmp_path / "f.csv", [header(), line(), "1,2,3", line(SUBJECT_ID="9")])
    seen = []
    stats = FileStats("f.csv")
    persons = [i.person for i in iter_persons(path, stats=stats, on_error=seen.append)]
    assert len(persons) == 2
    assert [e.line_number for e in seen] == [3] and stats.errors == seen
    assert (stats.rows_read, stats.rows_accepted, stats.rows_rejected) == (3, 2, 1)


def test_empty_file_yields_nothing_and_says_why(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"")
    persons, stats = read_file(path)
    assert persons == [] and stats.file_problem == "the file is empty (0 bytes)"


def test_chunks_for_parallel_workers_add_up_to_one_pass(tmp_path):
    from intake.doj.generator import generate_doj_file
    from intake.doj.group import merge_indexes, plan_chunks

    path = tmp_path / "g.csv"
    generate_doj_file(path, 6000, seed=11, irregular_rate=0.01)
    # Move one subject's first row to the end, so the file also has a split subject.
    lines = path.read_bytes().splitlines(keepends=True)
    lines.append(lines.pop(1))
    path.write_bytes(b"".join(lines))

    whole = FileStats("g.csv")
    expected = sorted((i.subject_id, i.rows) for i in iter_persons(path, stats=whole))
    index = scan_subjects(path)
    chunks = plan_chunks(path, 3)
    assert len(chunks) == 3 and chunks[0].start == 0 and chunks[-1].end == path.stat().st_size
    # The index can be built chunk by chunk too (in parallel), and merged.
    merged_index = merge_indexes([scan_subjects(path, chunk=chunk) for chunk in chunks])
    assert merged_index.split == index.split and len(index.split) == 1
    assert merged_index.subjects == index.subjects
    merged = FileStats("g.csv")
    found = []
    for chunk in chunks:
        part = FileStats("g.csv")
        found += [(i.subject_id, i.rows) for i in iter_persons(path, stats=part, index=index, chunk=chunk)]
        merged.merge(part)
    assert sorted(found) == expected
    assert len({s for s, _ in found}) == len(found)
    for name in ("rows_read", "rows_accepted", "rows_rejected", "rows_repaired", "persons", "counts",
                 "convictions", "convictions_by_section", "cii_conflicts", "header"):
        assert getattr(merged, name) == getattr(whole, name), name
    assert [e.line_number for e in merged.errors] == [e.line_number for e in whole.errors]
    assert whole.noncontiguous_subjects == 1


def test_chunks_numbered_from_their_scans_are_the_chunks_a_count_of_the_whole_file_gives(tmp_path):
    from intake.doj.generator import generate_doj_file
    from intake.doj.group import number_chunks, plan_chunks

    path = tmp_path / "g.csv"
    generate_doj_file(path, 6000, seed=11, irregular_rate=0.01)
    lines = path.read_bytes().splitlines(keepends=True)
    # Two split subjects, the later one's rows moved to the end first; no newline at the very end.
    moved = lines[1500:1502] + lines[5:7]
    path.write_bytes(b"".join(lines[:5] + lines[7:1500] + lines[1502:] + moved).rstrip(b"\n"))
    whole = scan_subjects(path)
    provisional = plan_chunks(path, 7, number_lines=False)
    assert len(provisional) == 7 and {chunk.first_line for chunk in provisional} == {1}
    chunks, index = number_chunks(provisional, [scan_subjects(path, chunk=chunk) for chunk in provisional])
    assert chunks == plan_chunks(path, 7)
    # The same subjects, runs and line numbers, in the order one pass over the file finds them.
    assert list(index.split.items()) == list(whole.split.items()) and len(whole.split) == 2
    assert (index.lines, index.subjects) == (whole.lines, whole.subjects)


def test_a_chunk_whose_last_record_runs_on_into_the_next_still_counts_its_own_lines(tmp_path):
    from intake.doj.group import Chunk, number_chunks, plan_chunks

    opening = line(SUBJECT_ID="A", CNT_ORDER="001002009000").replace("DOE,JANE Q", 'DOE,"JANE')
    closing = line(SUBJECT_ID="B").replace("DOE,JANE Q", 'DOE,JANE" Q')
    path = write(tmp_path / "f.csv", [line(SUBJECT_ID="A"), opening, closing, line(SUBJECT_ID="B"),
                                      line(SUBJECT_ID="C")])
    data = path.read_bytes()
    cut = data.index(closing.encode())  # the scan of the first chunk reads on past its end
    width = plan_chunks(path, 1)[0].width
    provisional = [Chunk(0, 0, cut, 1, width), Chunk(1, cut, len(data), 1, width)]
    chunks, _ = number_chunks(provisional, [scan_subjects(path, chunk=chunk) for chunk in provisional])
    assert [chunk.first_line for chunk in chunks] == [1, data[:cut].count(b"\n") + 1]


def test_no_chunk_starts_where_the_reader_would_still_be_reading_a_record(tmp_path):
    from intake.doj.group import plan_chunks

    # Subject 20's last row holds a stray quote, and so does subject 21's first: read as one pass,
    # the reader takes the two lines as one record (and rejects it).
    rows = []
    for subject in range(1, 41):
        for count in range(1, 4):
            row = line(SUBJECT_ID=str(1000 + subject), CNT_ORDER=f"00100200{count}000")
            if (subject, count) in ((20, 3), (21, 1)):
                row = row.replace("DOE,JANE Q", "DOE,JANE 5'10\" Q")
            rows.append(row)
    path = write(tmp_path / "f.csv", rows)
    whole = FileStats("f.csv")
    expected = sorted((item.subject_id, item.rows) for item in iter_persons(path, stats=whole))
    assert [error.line_number for error in whole.errors] == [60] and whole.rows_read == 119
    data = path.read_bytes()
    between = data.index(rows[60].encode())
    for aim in range(between - 3000, between + 1000, 50):
        chunks = plan_chunks(path, 2, sizes=[aim / len(data), 1 - aim / len(data)])
        assert between not in [chunk.start for chunk in chunks]
        merged, found = FileStats("f.csv"), []
        index = scan_subjects(path)
        for chunk in chunks:
            part = FileStats("f.csv")
            found += [(item.subject_id, item.rows) for item in iter_persons(path, stats=part, index=index, chunk=chunk)]
            merged.merge(part)
        assert sorted(found) == expected
        assert (merged.rows_read, [error.line_number for error in merged.errors]) == (119, [60])


def test_index_pass_follows_the_readers_rule_for_a_stray_quote(tmp_path):
    stray = line(SUBJECT_ID="A", CNT_ORDER="001002009000").replace("DOE,JANE Q", 'DOE,"JANE')
    rows = [line(SUBJECT_ID="A"), stray] + [
        line(SUBJECT_ID="B", CNT_ORDER=f"001002{n:03d}000") for n in range(1, 4)] + [
        line(SUBJECT_ID="C")]
    path = write(tmp_path / "f.csv", rows)
    assert scan_subjects(path).split == {}
    persons, stats = read_file(path)
    assert [(p.person_key, p.source_rows) for p in persons] == [("A", 1), ("B", 3), ("C", 1)]
    assert [e.line_number for e in stats.errors] == [2]
