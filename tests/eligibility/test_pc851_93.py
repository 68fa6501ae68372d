"""PC 851.93: automatic relief for arrests without a conviction."""

from __future__ import annotations

import datetime as dt

from eligibility.engine.results import Outcome, Relief

from .builders import Row, arrest, case, check, conv, person, table

ARR = Relief.PC851_93

ROWS = [
    Row("misdemeanor, no proceedings, one year today", person(arrest("PC 484", "M", "2025-01-15")), ARR,
        Outcome.DISMISS, eligible_on="2026-01-15", cite="PC 851.93(a)(2)(B)"),
    Row("misdemeanor, no proceedings, one year tomorrow", person(arrest("PC 484", "M", "2025-01-16")), ARR,
        Outcome.NOT_YET_ELIGIBLE, eligible_on="2026-01-16"),
    Row("misdemeanor acquitted waits a year", person(arrest("PC 484", "M", "2025-06-01", acquitted="2025-09-01")),
        ARR, Outcome.NOT_YET_ELIGIBLE, eligible_on="2026-06-01"),
    Row("misdemeanor dismissed: no wait", person(arrest("PC 242", "M", "2025-12-01", dismissed="2026-01-10")), ARR,
        Outcome.DISMISS, eligible_on="2026-01-10"),
    Row("felony, three years today", person(arrest("PC 245(a)(1)", "F", "2023-01-15")), ARR, Outcome.DISMISS,
        eligible_on="2026-01-15"),
    Row("felony, three years tomorrow", person(arrest("PC 245(a)(1)", "F", "2023-01-16")), ARR,
        Outcome.NOT_YET_ELIGIBLE, eligible_on="2026-01-16"),
    Row("felony with unknown maximum term after four years asks", person(arrest("PC 459", "F", "2021-06-01")), ARR,
        Outcome.NEEDS_REVIEW, ask="other"),
    Row("felony with unknown maximum term after seven years is eligible either way",
        person(arrest("PC 459", "F", "2018-06-01")), ARR, Outcome.DISMISS, eligible_on="2024-06-01"),
    Row("felony filed and dismissed is outside the automatic clauses",
        person(arrest("PC 459", "F", "2018-06-01", dismissed="2018-09-01")), ARR, Outcome.NOT_ELIGIBLE,
        cite="PC 851.93(a)(2)(C)"),
    Row("felony acquitted after four years, term known", person(arrest("PC 245(a)(1)", "F", "2021-06-01",
                                                                       acquitted="2022-01-01")),
        ARR, Outcome.DISMISS),
    Row("charges pending", person(arrest("PC 459", "F", "2025-06-01", pending="2025-07-01")), ARR,
        Outcome.NOT_YET_ELIGIBLE, eligible_on=None),
    Row("arrest before 1973", person(arrest("PC 484", "M", "1971-01-01")), ARR, Outcome.NOT_ELIGIBLE),
    Row("level unknown, recent arrest asks", person(arrest("PC 484", "X", "2024-01-01")), ARR, Outcome.NEEDS_REVIEW,
        ask="level_unknown"),
    Row("level unknown, seven years on, eligible at any level", person(arrest("PC 484", "X", "2018-01-01")), ARR,
        Outcome.DISMISS, eligible_on="2024-01-01"),
    Row("felony with a known term, four years on", person(arrest("PC 245(a)(1)", "F", "2022-01-01")), ARR,
        Outcome.DISMISS),
    Row("arrest that led to a conviction gets no arrest relief",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation"))), ARR, None),
    Row("carjacking, seven years on, eligible even at the longer wait", person(arrest("PC 215", "F", "2019-01-01")),
        ARR, Outcome.DISMISS, eligible_on="2025-01-01"),
]


@table(ROWS)
def test_pc851_93(row):
    check(row)


def test_arrest_relief_keeps_the_arrest_count_number():
    from .builders import find, run

    det = find(run(person(arrest("PC 484", "M", "2020-01-01"))), ARR)
    assert det.count_number == 1 and det.disposition_date is None
    assert run(person(arrest("PC 484", "M", "2020-01-01")), as_of=dt.date(2020, 6, 1)).determinations[0].outcome \
        == Outcome.NOT_YET_ELIGIBLE


def test_a_court_only_cycle_without_a_conviction_uses_its_court_counts():
    from eligibility.engine.record import Count, Cycle, Disposition, DispositionKind, Event, EventKind, Level

    from .builders import d, find, run

    count = Count(number=2, code_section=None, charge_text="PC 484", toc=Level.MISDEMEANOR,
                  dispositions=[Disposition(DispositionKind.DISMISSED, d("2024-03-01"))])
    p = person(Cycle(d("2024-01-05"), [Event(EventKind.COURT, d("2024-03-01"), county="SAN JOAQUIN",
                                             counts=[count])]))
    det = find(run(p), ARR)
    assert (det.outcome, det.count_number, det.eligible_on) == (Outcome.DISMISS, 2, d("2024-03-01"))
