"""intake.doj fills some record objects slot by slot instead of calling the dataclass (once per row
or count, where the call through type() shows in the benchmark); these objects must be exactly what
the dataclass builds, with every field set, whatever fields the dataclasses gain."""

import datetime as dt

from eligibility.engine.record import (
    Count,
    Cycle,
    Disposition,
    DispositionKind,
    Event,
    EventKind,
    Level,
    SourceRef,
)
from intake.doj.group import PersonBuilder
from intake.doj.normalize import new_count, new_cycle, new_disposition, new_event
from intake.doj.reader import Row

from .rows import fields


def test_slot_filled_records_equal_the_dataclasses_own():
    ref = SourceRef("f.csv", 3, None, "7")
    date = dt.date(2020, 1, 2)
    # == compares every field: one left unset raises AttributeError here.
    assert new_count(2, "CASE", None, True, "DESCR", "TEXT", Level.FELONY, ref) == Count(
        2, "CASE", None, True, "DESCR", "TEXT", Level.FELONY, refs=[ref])
    assert new_disposition(DispositionKind.CONVICTED, date, "RAW", Level.MISDEMEANOR, ref) == Disposition(
        DispositionKind.CONVICTED, date, "RAW", Level.MISDEMEANOR, refs=[ref])
    assert new_event(EventKind.COURT, date, "CASC X", "X", "JAIL") == Event(
        EventKind.COURT, date, "CASC X", "X", custody_kind="JAIL")
    assert new_cycle(None, 4) == Cycle(None, [], 4)


def test_lists_are_not_shared_between_records():
    ref = SourceRef("f.csv", 3)
    first, second = (new_count(1, "", None, False, "", "", Level.UNKNOWN, ref) for _ in range(2))
    first.dispositions.append(None)
    first.flags.append("x")
    first.warnings.append(None)
    assert second.dispositions == second.flags == second.warnings == [] and first.refs is not second.refs
    events = [new_event(EventKind.COURT, None, "", "", "") for _ in range(2)]
    events[0].counts.append(first)
    assert events[1].counts == []


def test_row_refs_are_source_refs():
    row = Row(5, fields(RECORD_ID=" 42 "), "raw")
    builder = PersonBuilder("f.csv", "1001", row)
    builder.add(row)
    ref = builder.finish().cycles[0].events[0].counts[0].refs[0]
    expected = SourceRef("f.csv", 5, None, "42")
    assert type(ref) is SourceRef
    assert ref == expected and hash(ref) == hash(expected) and repr(ref) == repr(expected)
