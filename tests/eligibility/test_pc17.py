"""PC 17(b) wobbler reductions and PC 17(d)(2) infraction reductions."""

from __future__ import annotations

from eligibility.engine.record import Level
from eligibility.engine.results import Outcome, Relief

from .builders import Row, case, check, conv, person, reduced, table

R17B, R17D = Relief.PC17B, Relief.PC17D2


def one(section, level="F", date="2016-02-01", sentence="3Y probation", **kw):
    return person(case(conv(section, level, date, sentence, **kw)))


ROWS = [
    Row("wobbler on probation may be declared a misdemeanor", one("PC 496(a)"), R17B, Outcome.REDUCE,
        reduce_to=Level.MISDEMEANOR, route="discretionary", cite="PC 17(b)(3)"),
    Row("wobbler sentenced to 1170(h) jail stays a felony", one("PC 496(a)", sentence="16M 1170h"), R17B,
        Outcome.NOT_ELIGIBLE, cite="PC 17(b)(1)"),
    Row("wobbler sentenced to prison stays a felony", one("PC 496(a)", sentence="2Y prison"), R17B,
        Outcome.NOT_ELIGIBLE),
    Row("seed-list wobbler needs confirmation", one("PC 245(a)(1)"), R17B, Outcome.NEEDS_REVIEW,
        ask="unverified_rule"),
    Row("straight felony cannot be reduced", one("PC 211"), R17B, Outcome.NOT_ELIGIBLE, says="straight felony"),
    Row("suspended prison sentence is unverified",
        one("PC 496(a)", sentence="3Y prison suspended, 3Y probation"), R17B, Outcome.NEEDS_REVIEW,
        ask="unverified_rule"),
    Row("already reduced", one("PC 496(a)", later=[reduced("2018-01-01")]), R17B, Outcome.NOT_ELIGIBLE,
        says="Already reduced"),
    Row("burglary without degree asks the degree", one("PC 459"), R17B, Outcome.NEEDS_REVIEW, ask="other"),
    Row("second-degree burglary on probation", one("PC 459", description="BURGLARY:SECOND DEGREE"), R17B,
        Outcome.REDUCE),
    Row("first-degree burglary is not a wobbler", one("PC 459", description="BURGLARY:FIRST DEGREE"), R17B,
        Outcome.NOT_ELIGIBLE),
    Row("460(b) is second degree", one("PC 460(b)"), R17B, Outcome.REDUCE),
    Row("wobbler with no sentence on record asks", one("PC 496(a)", sentence=""), R17B, Outcome.NEEDS_REVIEW,
        ask="sentence_unknown"),
    Row("misdemeanor has no 17(b) determination", one("PC 496(a)", "M"), R17B, None),
    Row("PC 19.8 misdemeanor may become an infraction (seed, unverified)", one("PC 415", "M", sentence="fine"), R17D,
        Outcome.NEEDS_REVIEW, ask="unverified_rule", cite="PC 19.8"),
    Row("misdemeanor not in PC 19.8 has no 17(d)(2) determination", one("PC 242", "M"), R17D, None),
]


@table(ROWS)
def test_pc17(row):
    check(row)
