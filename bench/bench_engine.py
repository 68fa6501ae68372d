"""Engine-only throughput on one core: build synthetic persons in memory, then time evaluate_person.

    .venv/bin/python bench/bench_engine.py [--persons 20000] [--seed 7]

Prints people/s and source rows/s (Person.source_rows: event and count source lines). Building the
records is not timed; only the engine is. Target: >= 50,000 source rows/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eligibility.engine.code_section import CodeSection  # noqa: E402
from eligibility.engine.evaluate import evaluate_person  # noqa: E402
from eligibility.engine.policy import Policy  # noqa: E402
from eligibility.engine.record import (  # noqa: E402
    Count,
    Cycle,
    Disposition,
    DispositionKind,
    Event,
    EventKind,
    Level,
    Person,
    RegistrationKind,
    SentenceKind,
    SentencePart,
    SourceRef,
)

SECTIONS = [CodeSection.parse(s) for s in (
    "HS 11357(b)", "HS 11357(a)", "HS 11358", "HS 11359", "HS 11360(a)", "HS 11350(a)", "HS 11377(a)",
    "HS 11364", "PC 484", "PC 487(a)", "PC 496(a)", "PC 459", "PC 211", "PC 245(a)(1)", "PC 242",
    "PC 647(f)", "PC 415", "PC 148(a)", "VC 23152(a)", "VC 10851(a)", "VC 14601.1(a)", "PC 273.5(a)",
    "PC 288(a)", "PC 422", "PC 602")]
SENTENCES = [
    [SentencePart(SentenceKind.PROBATION, 36, "M"), SentencePart(SentenceKind.JAIL, 90, "D")],
    [SentencePart(SentenceKind.PROBATION, 1, "Y")],
    [SentencePart(SentenceKind.JAIL, 10, "D"), SentencePart(SentenceKind.FINE)],
    [SentencePart(SentenceKind.COUNTY_JAIL_1170H, 16, "M")],
    [SentencePart(SentenceKind.PRISON, 2, "Y"), SentencePart(SentenceKind.PAROLE, 1, "Y")],
    [],
]
COUNTIES = ["SAN JOAQUIN", "SAN JOAQUIN", "SAN JOAQUIN", "FRESNO", "ALAMEDA"]


def make_person(rng: random.Random, index: int, rows: int = 25) -> Person:
    cycles = []
    line = 0
    dob = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
    while line < rows - 3:
        day = dob + dt.timedelta(days=365 * 18 + rng.randrange(365 * 30))
        county = rng.choice(COUNTIES)
        n = rng.choice((1, 1, 2, 3))
        arrest_counts = []
        court_counts = []
        convicted = rng.random() < 0.75
        for k in range(n):
            section = rng.choice(SECTIONS)
            level = rng.choice((Level.FELONY, Level.MISDEMEANOR, Level.MISDEMEANOR))
            line += 1
            arrest_counts.append(Count(number=k + 1, code_section=section, toc=level,
                                       refs=[SourceRef("bench", line)]))
            if convicted:
                line += 1
                court_counts.append(Count(
                    number=k + 1, case_number=f"C{index}-{len(cycles)}", code_section=section, toc=level,
                    dispositions=[Disposition(DispositionKind.CONVICTED, day + dt.timedelta(days=60), level=level,
                                              sentence=list(rng.choice(SENTENCES)))],
                    refs=[SourceRef("bench", line)], plant_count=rng.choice((None, 4, 12)),
                    value_dollars=rng.choice((None, 300, 2000))))
        line += 1
        events = [Event(EventKind.ARREST, day, county=county, counts=arrest_counts, refs=[SourceRef("bench", line)])]
        if convicted:
            line += 1
            events.append(Event(EventKind.COURT, day + dt.timedelta(days=60), county=county, counts=court_counts,
                                refs=[SourceRef("bench", line)]))
        cycles.append(Cycle(day, events, number=len(cycles) + 1))
    if rng.random() < 0.03:
        cycles.append(Cycle(None, [Event(EventKind.REGISTRATION, None, registration=RegistrationKind.SEX_OFFENDER,
                                         refs=[SourceRef("bench", line + 1)])]))
    return Person(source="bench", person_key=f"P{index}", cii=f"A{index:08d}", dob=dob, cycles=cycles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    people = [make_person(rng, i) for i in range(args.persons)]
    rows = sum(p.source_rows for p in people)
    policy = Policy(county="SAN JOAQUIN", version="bench")
    as_of = dt.date(2026, 1, 15)
    evaluate_person(people[0], policy, as_of)  # load the offense lists outside the timing
    determinations = 0
    start = time.perf_counter()
    for person in people:
        determinations += len(evaluate_person(person, policy, as_of).determinations)
    elapsed = time.perf_counter() - start
    print(f"persons:            {len(people):,}")
    print(f"source rows:        {rows:,} ({rows / len(people):.1f} per person)")
    print(f"determinations:     {determinations:,}")
    print(f"engine time:        {elapsed:.2f} s (one core)")
    print(f"people/s:           {len(people) / elapsed:,.0f}")
    print(f"source rows/s:      {rows / elapsed:,.0f}  (target >= 50,000)")


if __name__ == "__main__":
    main()
