"""PC 1170.18 (Prop 47): felonies the Act made misdemeanors."""

from __future__ import annotations

import datetime as dt

from eligibility.engine.record import Level
from eligibility.engine.results import Outcome, Relief

from .builders import Row, case, check, conv, person, reduced, table

P47 = Relief.PROP47


def one(section, date="2012-03-01", sentence="2Y probation", **kw):
    return person(case(conv(section, "F", date, sentence, **kw)))


ROWS = [
    Row("11350 felony, completed: designate a misdemeanor", one("HS 11350(a)"), P47, Outcome.REDUCE,
        reduce_to=Level.MISDEMEANOR, track="redesignation", route="mandatory", cite="PC 1170.18(f), (g)"),
    Row("11377 on probation when Prop 47 passed: resentencing", one("HS 11377(a)", "2014-06-01", "3Y probation"),
        P47, Outcome.REDUCE, track="resentencing", route="discretionary", as_of=dt.date(2015, 6, 1)),
    Row("before the 2022 deadline no good cause is needed", one("HS 11350(a)"), P47, Outcome.REDUCE,
        as_of=dt.date(2022, 11, 4)),
    Row("after the 2022 deadline good cause is needed", one("HS 11350(a)"), P47, Outcome.REDUCE,
        as_of=dt.date(2022, 11, 5), cite="PC 1170.18(j)"),
    Row("convicted on the effective date: outside the Act", one("HS 11377(a)", "2014-11-05"), P47, None),
    Row("convicted the day before: inside the Act", one("HS 11377(a)", "2014-11-04"), P47, Outcome.REDUCE),
    Row("grand theft of $500", one("PC 487(a)", value=500), P47, Outcome.REDUCE),
    Row("grand theft of exactly $950", one("PC 487(a)", value=950), P47, Outcome.REDUCE),
    Row("grand theft of $951", one("PC 487(a)", value=951), P47, Outcome.NOT_ELIGIBLE),
    Row("receiving stolen property of unknown value asks", one("PC 496(a)"), P47, Outcome.NEEDS_REVIEW,
        ask="value_unknown"),
    Row("burglary needs the commercial-entry fact", one("PC 459", value=300), P47, Outcome.NEEDS_REVIEW, ask="other"),
    Row("commercial burglary of $300", one("PC 459", value=300, description="COMMERCIAL BURGLARY"), P47,
        Outcome.REDUCE),
    Row("666 prior classes are unverified", one("PC 666"), P47, Outcome.NEEDS_REVIEW, ask="unverified_rule"),
    Row("attempted-murder prior disqualifies",
        person(case(conv("PC 187", "F", "1995-01-01", "5Y prison", attempted=True)),
               case(conv("HS 11350(a)", "F", "2012-03-01", "2Y probation"))),
        P47, Outcome.NOT_ELIGIBLE, section="HS 11350(a)", cite="PC 1170.18(i)"),
    Row("a possible superstrike prior asks",
        person(case(conv("PC 653f", "F", "1995-01-01", "3Y prison")),
               case(conv("HS 11350(a)", "F", "2012-03-01", "2Y probation"))),
        P47, Outcome.NEEDS_REVIEW, section="HS 11350(a)", ask="priors_unverified"),
    Row("a superstrike dated after the as-of date still disqualifies (a historical run, or a date typo)",
        person(case(conv("PC 187", "F", "2013-01-01", "25Y prison")),
               case(conv("HS 11350(a)", "F", "2012-03-01", "2Y probation"))),
        P47, Outcome.NOT_ELIGIBLE, section="HS 11350(a)", cite="PC 1170.18(i)", as_of=dt.date(2012, 6, 1)),
    Row("already reduced", one("HS 11350(a)", later=[reduced("2015-03-01")]), P47, Outcome.NOT_ELIGIBLE),
    Row("a misdemeanor is already what the Act provides",
        person(case(conv("HS 11350(a)", "M", "2012-03-01", "1Y probation"))), P47, None),
    Row("unknown sentence asks the track", one("HS 11350(a)", sentence=""), P47, Outcome.NEEDS_REVIEW,
        ask="sentence_unknown"),
]


@table(ROWS)
def test_prop47(row):
    check(row)
