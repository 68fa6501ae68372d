"""PC 1203.425: automatic conviction relief."""

from __future__ import annotations

import datetime as dt

from eligibility.engine.results import Outcome, Relief

from .builders import Row, case, check, conv, pending_case, person, relief_granted, revoked, table

AUTO = Relief.PC1203_425


def one(section, level="F", date="2017-01-01", sentence="12M 1170h", **kw):
    return person(case(conv(section, level, date, sentence, **kw)))


ROWS = [
    Row("misdemeanor probation completed without revocation", one("PC 484", "M", "2018-01-01", "1Y probation"), AUTO,
        Outcome.DISMISS, eligible_on="2022-07-01", route="mandatory"),
    Row("misdemeanor without probation, a calendar year after judgment",
        one("PC 647(f)", "M", "2024-03-01", "5D jail"), AUTO, Outcome.DISMISS, eligible_on="2025-03-01"),
    Row("felony 1170(h) completed, four years passed", one("VC 10851(a)"), AUTO, Outcome.DISMISS,
        eligible_on="2024-10-01", says="four years"),
    Row("felony clause the day before it began", one("VC 10851(a)"), AUTO, Outcome.NOT_YET_ELIGIBLE,
        as_of=dt.date(2024, 9, 30), eligible_on="2024-10-01"),
    Row("felony completed 2023: four years not yet passed", one("VC 10851(a)", date="2022-01-01"), AUTO,
        Outcome.NOT_YET_ELIGIBLE, eligible_on="2027-01-01"),
    Row("new felony within four years of completion",
        person(case(conv("VC 10851(a)", "F", "2017-01-01", "12M 1170h")),
               case(conv("PC 487(a)", "F", "2019-01-01", "1Y probation"))),
        AUTO, Outcome.NOT_ELIGIBLE, section="VC 10851(a)", says="new felony"),
    Row("new misdemeanor does not break the four years",
        person(case(conv("VC 10851(a)", "F", "2017-01-01", "12M 1170h")),
               case(conv("PC 415", "M", "2019-01-01", "fine"))),
        AUTO, Outcome.DISMISS, section="VC 10851(a)"),
    Row("robbery with prison is serious: excluded", one("PC 211", date="2012-01-01", sentence="3Y prison"), AUTO,
        Outcome.NOT_ELIGIBLE, cite="PC 1192.7(c)"),
    Row("robbery with probation completed uses the probation clause",
        one("PC 211", date="2012-01-01", sentence="3Y probation"), AUTO, Outcome.DISMISS),
    Row("attempted robbery is serious too", one("PC 211", date="2012-01-01", sentence="3Y prison", attempted=True),
        AUTO, Outcome.NOT_ELIGIBLE),
    Row("245 without subdivision asks", one("PC 245", date="2012-01-01", sentence="2Y prison"), AUTO,
        Outcome.NEEDS_REVIEW, ask="other"),
    Row("245(a)(4) is not serious", one("PC 245(a)(4)", date="2012-01-01", sentence="2Y prison"), AUTO,
        Outcome.DISMISS),
    Row("criminal threats mapping is unverified", one("PC 422", date="2012-01-01", sentence="2Y prison"), AUTO,
        Outcome.NEEDS_REVIEW, ask="unverified_rule"),
    Row("convicted before 1973", one("PC 484", "M", "1972-06-01", "1Y probation"), AUTO, Outcome.NOT_ELIGIBLE),
    Row("relief already granted", one("PC 484", "M", "2018-01-01", "1Y probation",
                                      later=[relief_granted("2022-08-01", "PC 1203.425")]), AUTO, Outcome.NOT_ELIGIBLE),
    Row("revoked misdemeanor probation fits no clause",
        one("PC 484", "M", "2018-01-01", "1Y probation", later=[revoked("2018-06-01")]), AUTO, Outcome.NOT_ELIGIBLE),
    Row("revoked felony probation falls to the felony clause",
        one("PC 487(a)", "F", "2015-01-01", "2Y probation", later=[revoked("2016-01-01")]), AUTO, Outcome.DISMISS,
        eligible_on="2024-10-01"),
    Row("pending charge anywhere blocks",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation")), pending_case(county="FRESNO")),
        AUTO, Outcome.NOT_YET_ELIGIBLE, section="PC 484", says="pending"),
    Row("registrant is barred", person(case(conv("PC 484", "M", "2018-01-01", "1Y probation")), registrant=True),
        AUTO, Outcome.NOT_ELIGIBLE, section="PC 484"),
    Row("sentence unknown asks", one("PC 484", "M", "2018-01-01", ""), AUTO, Outcome.NEEDS_REVIEW,
        ask="sentence_unknown"),
]


@table(ROWS)
def test_pc1203_425(row):
    check(row)
