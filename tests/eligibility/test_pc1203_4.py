"""PC 1203.4, 1203.4a, 1203.41 and 1203.42: which statute, which route, and from when."""

from __future__ import annotations

from eligibility.engine.record import DispositionKind
from eligibility.engine.results import Outcome, Relief

from .builders import (
    Row,
    case,
    check,
    conv,
    disp,
    find,
    pending_case,
    person,
    relief_granted,
    resentenced,
    revoked,
    run,
    set_aside,
    table,
)

R4, R4A, R41, R42 = Relief.PC1203_4, Relief.PC1203_4A, Relief.PC1203_41, Relief.PC1203_42


def one(section, level="M", date="2018-03-01", sentence="1Y probation", **kw):
    return person(case(conv(section, level, date, sentence, **kw)))


ROWS = [
    # 1203.4: probation granted.
    Row("probation fulfilled: mandatory dismissal", one("PC 484"), R4, Outcome.DISMISS, route="mandatory",
        eligible_on="2019-03-01", cite="PC 1203.4(a)(1)"),
    Row("probation ends tomorrow: not yet", one("PC 484", date="2025-01-16"), R4, Outcome.NOT_YET_ELIGIBLE,
        eligible_on="2026-01-16", says="PC 1203.3"),
    Row("probation ends today: eligible", one("PC 484", date="2025-01-15"), R4, Outcome.DISMISS,
        eligible_on="2026-01-15"),
    Row("probation revoked: discretionary", one("PC 484", later=[revoked("2018-09-01")]), R4, Outcome.DISMISS,
        route="discretionary", says="interest of justice"),
    Row("felony probation fulfilled", one("PC 487(a)", "F", sentence="3Y probation"), R4, Outcome.DISMISS,
        eligible_on="2021-03-01"),
    Row("288.5 excluded", one("PC 288.5", "F", sentence="3Y probation"), R4, Outcome.NOT_ELIGIBLE,
        cite="PC 1203.4(b)"),
    Row("311.11 excluded", one("PC 311.11(a)", "F", sentence="3Y probation"), R4, Outcome.NOT_ELIGIBLE),
    Row("286(c) excluded", one("PC 286(c)(2)", "F", sentence="3Y probation"), R4, Outcome.NOT_ELIGIBLE),
    Row("289(j) excluded", one("PC 289(j)", "F", sentence="3Y probation"), R4, Outcome.NOT_ELIGIBLE),
    Row("261.5(d) felony excluded", one("PC 261.5(d)", "F", sentence="3Y probation"), R4, Outcome.NOT_ELIGIBLE),
    Row("261.5(d) misdemeanor not excluded", one("PC 261.5(d)", "M"), R4, Outcome.DISMISS),
    Row("VC 2800 misdemeanor excluded (VC 42002.1)", one("VC 2800"), R4, Outcome.NOT_ELIGIBLE),
    Row("VC 2800 of unknown level asks the level", one("VC 2800", "X"), R4, Outcome.NEEDS_REVIEW,
        ask="level_unknown"),
    Row("infraction on probation is excluded", one("PC 415", "I"), R4, Outcome.NOT_ELIGIBLE, cite="PC 1203.4(b)"),
    Row("attempted 311.11 is not excluded", one("PC 311.11(a)", "F", sentence="3Y probation", attempted=True), R4,
        Outcome.DISMISS, cite="Marinelli"),
    Row("288 without subdivision is excluded (all of 288)", one("PC 288", "F", sentence="3Y probation"), R4,
        Outcome.NOT_ELIGIBLE),
    Row("VC 23152 is discretionary only", one("VC 23152(b)"), R4, Outcome.DISMISS, route="discretionary",
        cite="PC 1203.4(c)(1)-(2)"),
    Row("other VC offense keeps the discretionary route and says why", one("VC 12500(a)"), R4, Outcome.DISMISS,
        route="discretionary", says="confirm"),
    Row("pending case blocks with no date",
        person(case(conv("PC 484", "M", "2018-03-01", "1Y probation")), pending_case()),
        R4, Outcome.NOT_YET_ELIGIBLE, eligible_on=None, says="pending case"),
    Row("already set aside under 1203.4", one("PC 484", later=[set_aside("2020-01-01")]), R4, Outcome.NOT_ELIGIBLE,
        says="already set aside"),
    Row("already relieved under 1203.425", one("PC 484", later=[relief_granted("2023-01-01", "PC 1203.425")]), R4,
        Outcome.NOT_ELIGIBLE),
    Row("count dismissed after conviction", one("PC 484", later=[disp(DispositionKind.DISMISSED, "2019-05-01")]),
        R4, Outcome.NOT_ELIGIBLE),
    Row("probation of unknown length asks", one("PC 484", sentence="probation"), R4, Outcome.NEEDS_REVIEW,
        ask="sentence_unknown"),
    Row("no sentence on the record asks which statute", one("PC 484", sentence=""), R4, Outcome.NEEDS_REVIEW,
        ask="sentence_unknown"),
    Row("revoked misdemeanor probation also raises 1203.4a as unverified",
        one("PC 484", later=[revoked("2018-09-01")]), R4A, Outcome.NEEDS_REVIEW, ask="unverified_rule"),
    # 1203.4a: misdemeanor or infraction without probation.
    Row("misdemeanor jail and fine: one year after judgment", one("PC 647(f)", date="2024-01-10",
                                                                  sentence="10D jail, fine"),
        R4A, Outcome.DISMISS, eligible_on="2025-01-10", route="mandatory"),
    Row("fine-only infraction is eligible after a year", one("PC 415", "I", date="2024-01-10", sentence="fine"), R4A,
        Outcome.DISMISS),
    Row("VC infraction excluded (VC 42001)", one("VC 22350", "I", sentence="fine"), R4A, Outcome.NOT_ELIGIBLE,
        cite="PC 1203.4a(d)"),
    Row("misdemeanor 288(c) excluded", one("PC 288(c)(1)", "M", sentence="30D jail"), R4A, Outcome.NOT_ELIGIBLE),
    Row("jail term longer than a year sets the date", one("PC 242", date="2024-06-01", sentence="18M jail"), R4A,
        Outcome.DISMISS, eligible_on="2025-12-01"),
    Row("jail elsewhere still running blocks 1203.4a",
        person(case(conv("PC 242", "M", "2020-01-01", "30D jail")), case(conv("PC 459", "F", "2025-06-01", "2Y prison"))),
        R4A, Outcome.NOT_YET_ELIGIBLE, section="PC 242", eligible_on="2027-06-01"),
    Row("probation elsewhere under 1203.4a is unverified",
        person(case(conv("PC 242", "M", "2020-01-01", "30D jail")), case(conv("PC 484", "M", "2025-06-01", "2Y probation"))),
        R4A, Outcome.NEEDS_REVIEW, section="PC 242", ask="unverified_rule"),
    Row("misdemeanor jail without a length asks", one("PC 242", sentence="jail"), R4A, Outcome.NEEDS_REVIEW,
        ask="sentence_unknown"),
    Row("level unknown without probation asks", one("PC 242", "X", sentence="30D jail"), R4A, Outcome.NEEDS_REVIEW,
        ask="level_unknown"),
    Row("felony already reduced to a misdemeanor uses 1203.4a",
        one("PC 496(a)", "F", sentence="30D jail", later=[disp(DispositionKind.REDUCED_TO_MISDEMEANOR, "2018-06-01")]),
        R4A, Outcome.DISMISS),
    # 1203.41 and 1203.42.
    Row("straight 1170(h): two years after completion", one("VC 10851(a)", "F", "2019-01-01", "12M 1170h"), R41, Outcome.DISMISS, eligible_on="2022-01-01",
        route="discretionary", cite="PC 1203.41(a)(2)"),
    Row("split sentence: one year after supervision ends", one("VC 10851(a)", "F", "2022-01-01", "8M 1170h, 8M ms"),
        R41, Outcome.DISMISS, eligible_on="2024-05-01"),
    Row("1203.41 the day before two years", one("VC 10851(a)", "F", "2023-01-16", "12M 1170h"), R41,
        Outcome.NOT_YET_ELIGIBLE, eligible_on="2026-01-16"),
    Row("1203.41 on the two-year day", one("VC 10851(a)", "F", "2023-01-15", "12M 1170h"), R41, Outcome.DISMISS,
        eligible_on="2026-01-15"),
    Row("state prison felony after SB 731", one("PC 211", "F", "2015-01-01", "3Y prison, 1Y parole"), R41,
        Outcome.DISMISS, eligible_on="2021-01-01"),
    Row("prison felony of a registrant asks whether it required registration",
        person(case(conv("PC 211", "F", "2015-01-01", "3Y prison")), registrant=True), R41, Outcome.NEEDS_REVIEW,
        section="PC 211", ask="other", cite="PC 1203.41(a)(6)"),
    Row("pre-realignment prison adds an unverified 1203.42", one("PC 211", "F", "2009-01-01", "3Y prison"), R42,
        Outcome.NEEDS_REVIEW, ask="unverified_rule"),
    Row("post-realignment prison has no 1203.42", one("PC 211", "F", "2012-01-01", "3Y prison"), R42, None),
    Row("prison of unknown length asks", one("PC 211", "F", "2015-01-01", "prison"), R41, Outcome.NEEDS_REVIEW,
        ask="sentence_unknown"),
    Row("probation revoked then prison uses 1203.41",
        one("PC 487(a)", "F", "2015-01-01", "3Y probation", later=[revoked("2016-01-01"),
                                                                    resentenced("2016-02-01", "2Y prison")]),
        R41, Outcome.DISMISS, eligible_on="2020-02-01"),
    Row("probation revoked then prison has no 1203.4",
        one("PC 487(a)", "F", "2015-01-01", "3Y probation", later=[revoked("2016-01-01"),
                                                                    resentenced("2016-02-01", "2Y prison")]),
        R4, None),
    Row("felony with county jail only asks the sentence", one("PC 487(a)", "F", "2015-01-01", "6M jail"), R41,
        Outcome.NEEDS_REVIEW, ask="sentence_unknown"),
]


@table(ROWS)
def test_dismissal_family(row):
    check(row)


def test_one_case_two_counts_one_excluded_one_dismissed():
    result = run(person(case(conv("PC 288.5", "F", "2015-01-01", "3Y probation"),
                             conv("PC 243(e)(1)", "M", "2015-01-01", "3Y probation"))))
    assert find(result, R4, section="PC 288.5").outcome == Outcome.NOT_ELIGIBLE
    assert find(result, R4, section="PC 243(e)(1)").outcome == Outcome.DISMISS


def test_felony_in_the_same_case_does_not_bar_1203_4a_on_the_misdemeanor():
    # People v. Ricci (2017): each count stands on its own.
    result = run(person(case(conv("PC 211", "F", "2015-01-01", "3Y prison"), conv("PC 148(a)", "M", "2015-01-01",
                                                                                   "30D jail"))))
    assert find(result, R4A, section="PC 148(a)").outcome == Outcome.DISMISS


def test_a_set_aside_without_a_named_statute_still_counts_as_set_aside():
    p = one("PC 484", later=[disp(DispositionKind.SET_ASIDE, "2020-01-01")])
    det = find(run(p), R4)
    assert det.outcome == Outcome.NOT_ELIGIBLE and "SET_ASIDE" in str(det.reasons[0])
