"""FileStats counts cycles, events and counts from the builder's own tallies and convictions per
person at once; they must equal what the yielded persons hold, split subjects and odd rows included."""

from collections import Counter

from eligibility.engine.record import DispositionKind, EventKind
from intake.doj.generator import generate_doj_file
from intake.doj.group import FileStats, iter_persons

from .rows import SAMPLES


def _tallies_of(persons) -> tuple[int, int, int, int, Counter]:
    cycles = events = counts = 0
    sections: Counter = Counter()
    for person in persons:
        cycles += len(person.cycles)
        for cycle in person.cycles:
            events += len(cycle.events)
            for event in cycle.events:
                counts += len(event.counts)
                if event.kind == EventKind.COURT:
                    for count in event.counts:
                        if any(d.kind == DispositionKind.CONVICTED for d in count.dispositions):
                            sections[count.code_section] += 1
    return cycles, events, counts, sum(sections.values()), sections


def _check(path) -> FileStats:
    stats = FileStats(path.name)
    persons = [item.person for item in iter_persons(path, stats=stats)]
    cycles, events, counts, convictions, sections = _tallies_of(persons)
    assert (stats.persons, stats.cycles, stats.events, stats.counts, stats.convictions) == (
        len(persons), cycles, events, counts, convictions)
    assert stats.conviction_sections == sections
    assert list(stats.conviction_sections) == list(sections)  # first met first, as before
    return stats


def test_stats_equal_the_persons_of_a_generated_file(tmp_path):
    path = tmp_path / "g.csv"
    generate_doj_file(path, 5000, seed=11, irregular_rate=0.02)
    _check(path)


def test_stats_equal_the_persons_of_a_file_with_split_subjects(tmp_path):
    whole = tmp_path / "g.csv"
    generate_doj_file(whole, 3000, seed=12)
    header, *rows = whole.read_text().splitlines(keepends=True)
    # Move every tenth row to the end: their subjects are then split across the file.
    moved = rows[::10]
    path = tmp_path / "split.csv"
    path.write_text(header + "".join(r for i, r in enumerate(rows) if i % 10) + "".join(moved))
    assert _check(path).noncontiguous_subjects > 100


def test_stats_equal_the_persons_of_the_samples():
    for path in sorted(SAMPLES.glob("*.csv")):
        _check(path)
