"""HS 11361.8: what each pre-Prop 64 cannabis conviction would be under current law."""

from __future__ import annotations

from eligibility.engine.policy import Policy
from eligibility.engine.record import Level
from eligibility.engine.results import Outcome, Relief

from .builders import Row, case, check, conv, person, relief_granted, table

P64 = Relief.PROP64
DOB = "1985-01-10"  # 25 in 2010, 30 in 2015


def one(section, level="M", date="2015-08-12", sentence="1Y probation", dob=DOB, **kw):
    return person(case(conv(section, level, date, sentence, **kw)), dob=dob)


SUPERSTRIKE = case(conv("PC 187", "F", "2001-01-01", "5Y prison", attempted=True))

ROWS = [
    # Old 11357(b): not more than 28.5 g.
    Row("11357b at 25 is now lawful: dismiss and seal", one("HS 11357(b)", date="2010-05-01"), P64, Outcome.DISMISS,
        cite="HS 11362.1", seal=True, track="redesignation"),
    Row("11357b misdemeanor at 19 becomes an infraction", one("HS 11357(b)", offense="2004-06-01", date="2004-07-01"),
        P64, Outcome.REDUCE, reduce_to=Level.INFRACTION, cite="HS 11357(a)(2)"),
    Row("11357b infraction at 19 stays an infraction", one("HS 11357(b)", "I", offense="2004-06-01",
                                                           date="2004-07-01", sentence="fine"),
        P64, Outcome.NOT_ELIGIBLE),
    Row("11357b at 17 becomes an infraction", one("HS 11357(b)", offense="2002-06-01", date="2002-07-01"),
        P64, Outcome.REDUCE, reduce_to=Level.INFRACTION, cite="HS 11357(a)(1)"),
    Row("11357b on the 21st birthday is lawful", one("HS 11357(b)", offense="2006-01-10", date="2006-02-01"),
        P64, Outcome.DISMISS),
    Row("11357b the day before the 21st birthday is an infraction",
        one("HS 11357(b)", offense="2006-01-09", date="2006-02-01"), P64, Outcome.REDUCE, reduce_to=Level.INFRACTION),
    # Old 11357(a): concentrated cannabis.
    Row("11357a felony 5 g at 30 dismissed", one("HS 11357(a)", "F", grams=5), P64, Outcome.DISMISS),
    Row("11357a felony 20 g becomes a misdemeanor", one("HS 11357(a)", "F", grams=20), P64, Outcome.REDUCE,
        reduce_to=Level.MISDEMEANOR, cite="HS 11357(b)(2)"),
    Row("11357a misdemeanor 5 g at 19 becomes an infraction",
        one("HS 11357(a)", offense="2004-06-01", date="2004-07-01", grams=5), P64, Outcome.REDUCE,
        reduce_to=Level.INFRACTION),
    Row("11357a exactly 8 g at 30 is lawful", one("HS 11357(a)", grams=8), P64, Outcome.DISMISS),
    # Old 11357(c) and (d).
    Row("11357c more than 28.5 g at 30: no change", one("HS 11357(c)"), P64, Outcome.NOT_ELIGIBLE,
        cite="HS 11357(b)(2)"),
    Row("11357c at 16 becomes an infraction", one("HS 11357(c)", offense="2001-06-01", date="2001-07-01"),
        P64, Outcome.REDUCE, reduce_to=Level.INFRACTION),
    Row("11357d school grounds at 30 is unverified", one("HS 11357(d)"), P64, Outcome.NEEDS_REVIEW,
        ask="unverified_rule"),
    Row("11357 without subdivision presumed 28.5 g or less", one("HS 11357"), P64, Outcome.DISMISS,
        says="statutory presumption"),
    Row("11357 without subdivision but 40 g on record", one("HS 11357", grams=40), P64, Outcome.NOT_ELIGIBLE),
    # 11358 cultivation.
    Row("11358 plant count unknown at 25 presumed six or fewer", one("HS 11358", "F", "2010-05-01", "16M 1170h"),
        P64, Outcome.DISMISS, says="assumed not more than six plants"),
    Row("11358 ten plants at 25 becomes a misdemeanor", one("HS 11358", "F", "2010-05-01", "16M 1170h", plants=10),
        P64, Outcome.REDUCE, reduce_to=Level.MISDEMEANOR, cite="HS 11358(c)"),
    Row("11358 ten plants with a superstrike prior stays a felony",
        person(SUPERSTRIKE, case(conv("HS 11358", "F", "2010-05-01", "16M 1170h", plants=10)), dob=DOB),
        P64, Outcome.NOT_ELIGIBLE, section="HS 11358", cite="HS 11358(d)(1)"),
    Row("11358 four plants with a superstrike prior is still lawful",
        person(SUPERSTRIKE, case(conv("HS 11358", "F", "2010-05-01", "16M 1170h", plants=4)), dob=DOB),
        P64, Outcome.DISMISS, section="HS 11358"),
    # 11359 possession for sale.
    Row("11359 at 25 becomes a misdemeanor", one("HS 11359", "F", "2010-05-01", "3Y probation"), P64,
        Outcome.REDUCE, reduce_to=Level.MISDEMEANOR, cite="HS 11359(b)"),
    Row("11359 at 17 becomes an infraction", one("HS 11359", "F", "2002-07-01", offense="2002-06-01"), P64,
        Outcome.REDUCE, reduce_to=Level.INFRACTION, cite="HS 11359(a)"),
    Row("11359 with a prior PC 261 of unknown subdivision asks about the prior",
        person(case(conv("PC 261", "F", "2001-01-01", "5Y prison")),
               case(conv("HS 11359", "F", "2010-05-01", "3Y probation")), dob=DOB),
        P64, Outcome.NEEDS_REVIEW, section="HS 11359", ask="priors_unverified"),
    Row("11359 by a registrant without a superstrike asks about 290(c)",
        person(case(conv("HS 11359", "F", "2010-05-01", "3Y probation")), dob=DOB, registrant=True),
        P64, Outcome.NEEDS_REVIEW, ask="priors_unverified"),
    Row("11359 superstrike only after the offense does not count",
        person(case(conv("HS 11359", "F", "2010-05-01", "3Y probation")),
               case(conv("PC 288(a)", "F", "2014-01-01", "6Y prison")), dob=DOB),
        P64, Outcome.REDUCE, section="HS 11359"),
    Row("attempted 11359 is reduced like the completed offense",
        one("HS 11359", "F", "2010-05-01", attempted=True), P64, Outcome.REDUCE, reduce_to=Level.MISDEMEANOR),
    Row("11359 level unknown asks the level", one("HS 11359", "X", "2010-05-01"), P64, Outcome.NEEDS_REVIEW,
        ask="level_unknown"),
    # 11360.
    Row("11360a sale at 30 becomes a misdemeanor, never dismissed", one("HS 11360(a)", "F"), P64, Outcome.REDUCE,
        reduce_to=Level.MISDEMEANOR, cite="HS 11362.1; HS 11360(a)(2)"),
    Row("11360b give-away at 19 becomes an infraction",
        one("HS 11360(b)", offense="2004-06-01", date="2004-07-01"), P64, Outcome.REDUCE, reduce_to=Level.INFRACTION),
    Row("11360b at 30: lawful gift or infraction is unverified", one("HS 11360(b)"), P64, Outcome.NEEDS_REVIEW,
        ask="unverified_rule"),
    Row("11360 without subdivision and level unknown asks", one("HS 11360", "X"), P64, Outcome.NEEDS_REVIEW,
        ask="level_unknown"),
    # Scope and record state.
    Row("offense on 2016-11-09 is outside Prop 64", one("HS 11359", "F", "2017-01-05", offense="2016-11-09"), P64, None),
    Row("offense on 2016-11-08 is inside Prop 64", one("HS 11359", "F", "2017-01-05", offense="2016-11-08"), P64,
        Outcome.REDUCE),
    Row("unknown date of birth asks the age", one("HS 11357(b)", dob=None), P64, Outcome.NEEDS_REVIEW,
        ask="age_unknown"),
    Row("relief already granted is not granted again",
        one("HS 11359", "F", "2010-05-01", later=[relief_granted("2019-01-01", "HS 11361.8")]), P64,
        Outcome.NOT_ELIGIBLE, says="already granted"),
    Row("accessory plea on a cannabis arrest is a plea-bargain question",
        person(case(conv("PC 32", "F", "2010-05-01", "3Y probation"), arrest=("HS 11359",)), dob=DOB),
        P64, Outcome.NEEDS_REVIEW, ask="plea_bargain"),
    Row("paraphernalia with no cannabis arrest is outside Prop 64",
        person(case(conv("HS 11364", "M", "2010-05-01", "1Y probation")), dob=DOB), P64, None),
    Row("age read from the offense date when known", one("HS 11357(b)", offense="2015-06-01"), P64, Outcome.DISMISS,
        says="on the offense date 2015-06-01"),
    Row("age read from the arrest date without an offense date", one("HS 11357(b)"), P64, Outcome.DISMISS,
        says="on the arrest date"),
    Row("sentence still running is the resentencing track", one("HS 11359", "F", "2016-06-01", "10Y probation"), P64,
        Outcome.REDUCE, track="resentencing"),
    Row("sentence unknown leaves the track to review", one("HS 11359", "F", "2010-05-01", ""), P64, Outcome.REDUCE,
        track="", cite="HS 11361.8(a), (e)"),
    # Office policy.
    Row("office dismisses every eligible 11359",
        one("HS 11359", "F", "2010-05-01"), P64, Outcome.DISMISS,
        policy=Policy(prop64_action={"HS 11359": "dismiss"}), says="Office policy", seal=True, reduce_to=None),
    Row("office dismisses when under 21 at conviction",
        one("HS 11359", "F", "2004-07-01", offense="2004-06-01"), P64, Outcome.DISMISS,
        policy=Policy(under_21_at_conviction=True), says="under 21"),
    Row("office policy never overrides a not-eligible count", one("HS 11357(c)"), P64, Outcome.NOT_ELIGIBLE,
        policy=Policy(prop64_action={"HS 11357": "dismiss"}, deceased=True, only_prop64_on_record=True)),
    Row("office dismisses when the conviction is ten years old",
        one("HS 11360(a)", "F", "2010-05-01"), P64, Outcome.DISMISS, policy=Policy(years_since_conviction=10)),
    Row("office ten-year rule misses a conviction nine years old",
        one("HS 11360(a)", "F", "2016-02-01", offense="2016-01-01"), P64, Outcome.REDUCE,
        policy=Policy(years_since_conviction=10)),
    Row("hypothetical dismiss-all dismisses even a not-eligible count", one("HS 11357(c)"), P64, Outcome.DISMISS,
        policy=Policy().hypothetical("dismiss_all_prop64"), says="Hypothetical"),
    Row("hypothetical related dismisses paraphernalia in a cannabis case",
        person(case(conv("HS 11359", "F", "2010-05-01"), conv("HS 11364", "M", "2010-05-01")), dob=DOB),
        P64, Outcome.DISMISS, section="HS 11364", policy=Policy.hypothetical("dismiss_all_prop64_and_related")),
]


@table(ROWS)
def test_prop64(row):
    check(row)


def test_two_cannabis_counts_in_one_case_get_different_outcomes():
    from .builders import find, run

    result = run(person(case(conv("HS 11357(b)", "M", "2010-05-01"), conv("HS 11359", "F", "2010-05-01")), dob=DOB))
    assert find(result, P64, section="HS 11357(b)").outcome == Outcome.DISMISS
    assert find(result, P64, section="HS 11359").outcome == Outcome.REDUCE
