"""Every worked example of the spec (section 9), evaluated on 2026-01-15 unless a variant says otherwise."""

from __future__ import annotations

import datetime as dt

from eligibility.engine.policy import Policy
from eligibility.engine.record import Level
from eligibility.engine.results import Outcome, Relief

from .builders import AS_OF, arrest, asks, case, cites, conv, find, person, run

D = dt.date.fromisoformat


# -- Ex 1: 11359 felony with a superstrike prior -------------------------------------------------

def ex1():
    return person(
        case(conv("PC 288(a)", "F", "1994-05-01", "6Y prison")),
        case(conv("HS 11359", "F", "2010-06-01", "2Y prison, 3M parole", offense="2010-03-01")),
        dob="1968-04-02", registrant=True,
    )


def test_ex1_superstrike_prior_blocks_prop64_reduction():
    result = run(ex1())
    det = find(result, Relief.PROP64)
    assert det.outcome == Outcome.NOT_ELIGIBLE
    assert cites(det, "HS 11359(c)(1)")
    assert "PC 288(a)" in result.superstrike_priors


def test_ex1_registrant_gets_no_automatic_relief():
    det = find(run(ex1()), Relief.PC1203_425, section="HS 11359")
    assert det.outcome == Outcome.NOT_ELIGIBLE


def test_ex1_1203_41_goes_to_attorney_review():
    det = find(run(ex1()), Relief.PC1203_41, section="HS 11359")
    assert det.outcome == Outcome.NEEDS_REVIEW
    assert cites(det, "PC 1203.41(a)(6)")


# -- Ex 2: old 11357(a) concentrated cannabis misdemeanor ---------------------------------------

def ex2(grams=3.0):
    return person(case(conv("HS 11357(a)", "M", "2015-08-12", "1Y probation", offense="2015-06-01", grams=grams)),
                  dob="1985-01-10")


def test_ex2_concentrate_at_30_is_dismissed_and_sealed():
    det = find(run(ex2()), Relief.PROP64)
    assert (det.outcome, det.seal, det.track) == (Outcome.DISMISS, True, "redesignation")
    assert cites(det, "HS 11362.1")


def test_ex2_unknown_grams_resolved_by_the_presumption():
    det = find(run(ex2(grams=None)), Relief.PROP64)
    assert det.outcome == Outcome.DISMISS
    assert any("statutory presumption" in r.text and r.citation == "HS 11361.8(b)" for r in det.reasons)


def test_ex2_more_than_8_grams_already_a_misdemeanor_no_change():
    det = find(run(ex2(grams=12)), Relief.PROP64)
    assert det.outcome == Outcome.NOT_ELIGIBLE


# -- Ex 3: 11360(a) felony for a 20-year-old ------------------------------------------------------

def ex3():
    return person(case(conv("HS 11360(a)", "F", "2014-07-01", "3Y probation", offense="2014-05-10")),
                  dob="1994-02-01")


def test_ex3_sale_at_20_reduced_to_misdemeanor_not_dismissed():
    det = find(run(ex3()), Relief.PROP64)
    assert (det.outcome, det.reduce_to, det.track) == (Outcome.REDUCE, Level.MISDEMEANOR, "redesignation")
    assert cites(det, "HS 11360(a)(2)")


def test_ex3_then_1203_4_mandatory_and_automatic_relief():
    result = run(ex3())
    det = find(result, Relief.PC1203_4)
    assert (det.outcome, det.route, det.eligible_on) == (Outcome.DISMISS, "mandatory", D("2017-07-01"))
    assert find(result, Relief.PC1203_425).outcome == Outcome.DISMISS
    assert result.no_conviction_after_relief


def test_ex3_variant_currently_serving_is_resentencing():
    det = find(run(ex3(), as_of=D("2017-01-15")), Relief.PROP64)
    assert (det.outcome, det.track) == (Outcome.REDUCE, "resentencing")
    assert cites(det, "HS 11361.8(a), (b)")


# -- Ex 4: 11358 cultivation of 4 plants ---------------------------------------------------------

def test_ex4_record_a_22_year_old_four_plants_dismissed():
    p = person(case(conv("HS 11358", "F", "2012-10-01", "14M 1170h", offense="2012-09-01", plants=4)),
               dob="1990-03-01")
    det = find(run(p), Relief.PROP64)
    assert (det.outcome, det.seal) == (Outcome.DISMISS, True)


def test_ex4_record_b_18_year_old_redesignated_infraction():
    p = person(case(conv("HS 11358", "F", "2012-10-01", "14M 1170h", offense="2012-09-01", plants=4)),
               dob="1993-11-01")
    det = find(run(p), Relief.PROP64)
    assert (det.outcome, det.reduce_to) == (Outcome.REDUCE, Level.INFRACTION)
    assert cites(det, "HS 11358(b)")


def ex4c(priors=True):
    prior_cases = [case(conv("HS 11358", "F", "2008-03-01", "3Y probation")),
                   case(conv("HS 11358", "F", "2010-03-01", "1Y probation"))] if priors else []
    return person(*prior_cases,
                  case(conv("HS 11358", "F", "2012-10-01", "14M 1170h", offense="2012-09-01", plants=40)),
                  dob="1990-03-01")


def test_ex4_record_c_two_pre_prop64_priors_go_to_review():
    det = find(run(ex4c()), Relief.PROP64, case_number="CASE3")
    assert det.outcome == Outcome.NEEDS_REVIEW and asks(det, "unverified_rule")


def test_ex4_record_c_not_eligible_once_the_office_confirms_the_rule():
    policy = Policy(confirmed_rules=("prop64.pre_prop64_priors_count",))
    det = find(run(ex4c(), policy), Relief.PROP64, case_number="CASE3")
    assert det.outcome == Outcome.NOT_ELIGIBLE and cites(det, "HS 11358(d)(2)")


def test_ex4_record_c_without_priors_felony_to_misdemeanor():
    det = find(run(ex4c(priors=False)), Relief.PROP64)
    assert (det.outcome, det.reduce_to) == (Outcome.REDUCE, Level.MISDEMEANOR)


# -- Ex 5: 1203.4 while on probation in another case ---------------------------------------------

def ex5():
    return person(case(conv("PC 484", "M", "2019-04-01", "1Y probation")),
                  case(conv("VC 23152(a)", "M", "2024-10-01", "3Y probation")))


def test_ex5_probation_elsewhere_blocks_until_it_ends():
    det = find(run(ex5()), Relief.PC1203_4, section="PC 484")
    assert (det.outcome, det.eligible_on) == (Outcome.NOT_YET_ELIGIBLE, D("2027-10-01"))
    assert cites(det, "PC 1203.4(a)(1)")


def test_ex5_dui_is_discretionary_only_when_eligible():
    det = find(run(ex5()), Relief.PC1203_4, section="VC 23152(a)")
    assert (det.outcome, det.route, det.eligible_on) == (Outcome.NOT_YET_ELIGIBLE, "discretionary", D("2027-10-01"))
    assert cites(det, "PC 1203.4(c)(1)-(2)")


def test_ex5_automatic_relief_blocked_by_active_supervision():
    det = find(run(ex5()), Relief.PC1203_425, section="PC 484")
    assert det.outcome == Outcome.NOT_YET_ELIGIBLE


# -- Ex 6: 1203.4a too early ------------------------------------------------------------------------

def ex6():
    return person(case(conv("PC 647(f)", "M", "2025-06-10", "10D jail, fine")))


def test_ex6_not_eligible_until_the_one_year_anniversary():
    det = find(run(ex6()), Relief.PC1203_4A)
    assert (det.outcome, det.eligible_on) == (Outcome.NOT_YET_ELIGIBLE, D("2026-06-10"))


def test_ex6_boundary_day_before_and_day_of():
    assert find(run(ex6(), as_of=D("2026-06-09")), Relief.PC1203_4A).outcome == Outcome.NOT_YET_ELIGIBLE
    det = find(run(ex6(), as_of=D("2026-06-10")), Relief.PC1203_4A)
    assert (det.outcome, det.route) == (Outcome.DISMISS, "mandatory")


def test_ex6_new_conviction_sends_it_to_the_discretionary_route():
    p = person(case(conv("PC 647(f)", "M", "2025-06-10", "10D jail, fine")),
               case(conv("PC 415", "M", "2025-09-01", "fine")))
    det = find(run(p, as_of=D("2026-06-10")), Relief.PC1203_4A, section="PC 647(f)")
    assert (det.outcome, det.route) == (Outcome.DISMISS, "discretionary") and cites(det, "PC 1203.4a(b)")


def test_ex6_automatic_relief_also_waits_a_calendar_year():
    det = find(run(ex6()), Relief.PC1203_425)
    assert (det.outcome, det.eligible_on) == (Outcome.NOT_YET_ELIGIBLE, D("2026-06-10"))


# -- Ex 7: 17(b) wobbler reduction plus 1203.4 -----------------------------------------------------

def ex7(sentence="3Y probation"):
    return person(case(conv("PC 496(a)", "F", "2016-02-01", sentence, value=4000)))


def test_ex7_wobbler_reduced_and_dismissed():
    result = run(ex7())
    reduce = find(result, Relief.PC17B)
    assert (reduce.outcome, reduce.reduce_to, reduce.route) == (Outcome.REDUCE, Level.MISDEMEANOR, "discretionary")
    dismiss = find(result, Relief.PC1203_4)
    assert (dismiss.outcome, dismiss.route) == (Outcome.DISMISS, "mandatory")
    assert not [d for d in result.determinations if d.relief == Relief.PROP47]


def test_ex7_variant_prison_no_17b_but_1203_41():
    result = run(ex7("16M prison"))
    assert find(result, Relief.PC17B).outcome == Outcome.NOT_ELIGIBLE
    det = find(result, Relief.PC1203_41)
    assert (det.outcome, det.route, det.eligible_on) == (Outcome.DISMISS, "discretionary", D("2019-06-01"))


# -- Ex 8: Prop 47 with an ordinary strike prior ----------------------------------------------------

def test_ex8_ordinary_strike_does_not_disqualify_prop47():
    p = person(case(conv("PC 211", "F", "1998-03-01", "4Y prison")),
               case(conv("HS 11350(a)", "F", "2012-03-01", "19M prison, 12M parole")))
    result = run(p)
    det = find(result, Relief.PROP47)
    assert (det.outcome, det.reduce_to, det.track, det.route) == (
        Outcome.REDUCE, Level.MISDEMEANOR, "redesignation", "mandatory")
    assert cites(det, "PC 1170.18(j)")  # good cause for a late filing
    assert result.superstrike_priors == ()


# -- Ex 9: Prop 47 for a 290 registrant ---------------------------------------------------------

def ex9():
    return person(case(conv("PC 243.4(a)", "F", "2005-03-01", "2Y prison")),
                  case(conv("PC 459", "F", "2013-03-01", "16M prison", value=300, description="COMMERCIAL BURGLARY")),
                  registrant=True)


def test_ex9_registrant_barred_from_prop47_and_automatic_relief():
    result = run(ex9())
    det = find(result, Relief.PROP47)
    assert det.outcome == Outcome.NOT_ELIGIBLE and cites(det, "PC 1170.18(i)")
    assert find(result, Relief.PC1203_425, section="PC 459").outcome == Outcome.NOT_ELIGIBLE


def test_ex9_1203_41_possible_goes_to_attorney_review():
    det = find(run(ex9()), Relief.PC1203_41, section="PC 459")
    assert det.outcome == Outcome.NEEDS_REVIEW


# -- Ex 10: 1203.425 felony automatic relief vs a serious felony ---------------------------------

def test_ex10_record_a_second_degree_burglary_automatic_relief():
    p = person(case(conv("PC 459", "F", "2016-05-01", "10M 1170h", description="BURGLARY:SECOND DEGREE")))
    result = run(p)
    auto = find(result, Relief.PC1203_425)
    assert (auto.outcome, auto.eligible_on) == (Outcome.DISMISS, D("2024-10-01"))
    petition = find(result, Relief.PC1203_41)
    assert (petition.outcome, petition.eligible_on) == (Outcome.DISMISS, D("2019-03-01"))
    assert find(result, Relief.PC17B).outcome == Outcome.NOT_ELIGIBLE


def test_ex10_record_b_first_degree_burglary_excluded_but_1203_41_from_2021_06():
    p = person(case(conv("PC 460(a)", "F", "2016-05-01", "2Y prison, 13M parole")))
    result = run(p)
    auto = find(result, Relief.PC1203_425)
    assert auto.outcome == Outcome.NOT_ELIGIBLE and cites(auto, "PC 1192.7(c)")
    petition = find(result, Relief.PC1203_41)
    assert (petition.outcome, petition.eligible_on, petition.route) == (
        Outcome.DISMISS, D("2021-06-01"), "discretionary")


# -- Ex 11: excluded sex offense -----------------------------------------------------------------

def test_ex11_288_excluded_from_1203_4_and_automatic_relief():
    p = person(case(conv("PC 288(c)(1)", "F", "2012-03-01", "3Y probation")), registrant=True)
    result = run(p)
    det = find(result, Relief.PC1203_4)
    assert det.outcome == Outcome.NOT_ELIGIBLE and cites(det, "PC 1203.4(b)")
    assert find(result, Relief.PC1203_425).outcome == Outcome.NOT_ELIGIBLE
    assert not [d for d in result.determinations if d.relief in (Relief.PROP47, Relief.PROP64)]


def test_ex11_attempt_is_not_excluded():
    p = person(case(conv("PC 288(c)(1)", "F", "2012-03-01", "3Y probation", attempted=True)))
    det = find(run(p), Relief.PC1203_4)
    assert det.outcome == Outcome.DISMISS and cites(det, "Marinelli")


# -- Ex 12: automatic arrest relief ------------------------------------------------------------------

def test_ex12_record_a_felony_arrest_eligible_after_three_years():
    det = find(run(person(arrest("PC 245(a)(1)", "F", "2020-02-10"))), Relief.PC851_93)
    assert (det.outcome, det.eligible_on) == (Outcome.DISMISS, D("2023-02-10"))
    assert cites(det, "PC 851.93(a)(2)(C)(i)")


def test_ex12_record_b_carjacking_term_unverified_goes_to_review():
    det = find(run(person(arrest("PC 215", "F", "2021-05-01"))), Relief.PC851_93)
    assert det.outcome == Outcome.NEEDS_REVIEW and asks(det, "unverified_rule")
    assert det.eligible_on == D("2027-05-01")


def test_ex12_record_b_not_yet_eligible_once_the_term_is_confirmed():
    policy = Policy(confirmed_rules=("max_term.PC 215",))
    det = find(run(person(arrest("PC 215", "F", "2021-05-01")), policy), Relief.PC851_93)
    assert (det.outcome, det.eligible_on) == (Outcome.NOT_YET_ELIGIBLE, D("2027-05-01"))


def test_ex12_record_c_dismissed_misdemeanor_eligible_now():
    det = find(run(person(arrest("PC 484", "M", "2025-08-01", dismissed="2025-10-01"))), Relief.PC851_93)
    assert (det.outcome, det.eligible_on) == (Outcome.DISMISS, D("2025-10-01"))
    assert cites(det, "PC 851.93(a)(2)(A)")


def test_evaluation_date_is_the_spec_date():
    assert D("2026-01-15") == AS_OF
