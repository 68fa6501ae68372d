import hashlib

from intake.doj.generator import REPAIRED_KINDS, generate_doj_file
from intake.doj.group import FileStats, iter_persons


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_file_other_seed_other_file(tmp_path):
    first = generate_doj_file(tmp_path / "a.csv", 3000, seed=7)
    second = generate_doj_file(tmp_path / "b.csv", 3000, seed=7)
    third = generate_doj_file(tmp_path / "c.csv", 3000, seed=8)
    assert digest(tmp_path / "a.csv") == digest(tmp_path / "b.csv")
    assert digest(tmp_path / "a.csv") != digest(tmp_path / "c.csv")
    assert (first.rows, first.persons, first.irregular) == (second.rows, second.persons, second.irregular)
    assert third.rows >= 3000


def test_reader_matches_what_the_generator_wrote(tmp_path):
    path = tmp_path / "g.csv"
    generated = generate_doj_file(path, 20_000, seed=3, irregular_rate=0.01)
    assert generated.irregular_rows > 100
    assert {kind for _, kind in generated.irregular} >= REPAIRED_KINDS | {"short_row"}
    stats = FileStats("g.csv")
    items = list(iter_persons(path, stats=stats))
    assert stats.balanced
    assert stats.rows_read == generated.rows
    assert stats.rows_repaired == generated.expected_repaired
    assert stats.rows_rejected == generated.expected_rejected
    rejected_lines = [line for line, kind in generated.irregular if kind not in REPAIRED_KINDS]
    assert [e.line_number for e in stats.errors] == rejected_lines
    assert (stats.persons, stats.counts, stats.convictions) == (
        generated.persons, generated.counts, generated.convictions)
    assert len(items) == generated.persons
    for name, value in generated.expected_stats.items():
        if name != "irregular_rows":
            assert getattr(stats, name) == value, name
    assert 10 <= generated.rows / generated.persons <= 30
    assert stats.convictions_by_section["HS 11357(b)"] > 0


def test_headerless_file_reads_the_same(tmp_path):
    path = tmp_path / "g.csv"
    generated = generate_doj_file(path, 2000, seed=5, header=False, irregular_rate=0)
    stats = FileStats("g.csv")
    list(iter_persons(path, stats=stats))
    assert not stats.header and stats.rows_accepted == generated.rows
    assert (stats.persons, stats.convictions) == (generated.persons, generated.convictions)
