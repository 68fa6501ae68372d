"""The impact summary reads each count's dispositions in one pass: it must agree with the record's
own properties (Count.conviction, Count.current_level) on any list of dispositions."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.policy import Policy
from eligibility.engine.record import (
    Count,
    Cycle,
    Disposition,
    DispositionKind,
    Event,
    EventKind,
    Level,
    Person,
)
from eligibility.impact import ALREADY_CLEARED, ImpactSummary, _open_convictions

AS_OF = dt.date(2026, 1, 15)
DATES = st.one_of(st.none(), st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2025, 12, 31)))
DISPOSITION = st.builds(Disposition, kind=st.sampled_from(list(DispositionKind)), date=DATES,
                        level=st.sampled_from(list(Level)))
COUNT = st.builds(lambda number, toc, dispositions: Count(number, toc=toc, dispositions=dispositions),
                  st.integers(1, 5), st.sampled_from(list(Level)), st.lists(DISPOSITION, max_size=4))
EVENT = st.builds(lambda kind, counts, county: Event(kind, None, county=county, counts=counts),
                  st.sampled_from([EventKind.COURT, EventKind.ARREST]), st.lists(COUNT, max_size=3),
                  st.sampled_from(["SAN JOAQUIN", "ALAMEDA", ""]))
PERSON = st.builds(lambda cycles: Person(source="test", person_key="P1", cycles=cycles),
                   st.lists(st.builds(lambda events: Cycle(None, events=events), st.lists(EVENT, max_size=3)),
                            max_size=3))


def reference(person: Person) -> list[tuple]:
    """(count, conviction date, county, felony today) as the properties give them."""
    rows = []
    for cycle in person.cycles:
        for event in cycle.events:
            if event.kind != EventKind.COURT:
                continue
            for count in event.counts:
                if count.conviction is None or not ALREADY_CLEARED.isdisjoint([d.kind for d in count.dispositions]):
                    continue
                rows.append((count, count.conviction_date, event.county, count.current_level == Level.FELONY))
    return rows


@settings(max_examples=300)
@given(PERSON)
def test_open_convictions_agree_with_the_count_properties(person):
    result = evaluate_person(person, Policy(county="SAN JOAQUIN"), AS_OF)
    found = _open_convictions(person, result)
    assert [row[:4] for row in found] == reference(person)
    summary = ImpactSummary(as_of=AS_OF.isoformat(), county="SAN JOAQUIN")
    summary.add(person, result)
    assert summary.convictions == len(found)
    assert summary.felony_convictions == sum(row[3] for row in found)
