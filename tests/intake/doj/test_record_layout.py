"""intake.doj builds some record objects with positional arguments (once per row, where keyword
parsing shows in the benchmark); this pins the field order those calls rely on."""

from dataclasses import fields

from eligibility.engine.record import Count, Cycle, Disposition, Event


def names(cls) -> list[str]:
    return [f.name for f in fields(cls)]


def test_positional_field_order():
    assert names(Count)[:10] == ["number", "case_number", "code_section", "attempted", "description",
                                 "charge_text", "toc", "dispositions", "flags", "refs"]
    assert names(Disposition)[:7] == ["kind", "date", "raw", "level", "sentence", "statute", "refs"]
    assert names(Event) == ["kind", "date", "agency", "county", "name_code", "counts", "refs", "warnings",
                            "custody_kind", "registration"]
    assert names(Cycle)[:3] == ["date", "events", "number"]
