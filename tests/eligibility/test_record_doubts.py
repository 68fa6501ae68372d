"""Record-level doubts and cross-case gates: parse warnings, court counties, one case blocking another."""

from __future__ import annotations

from eligibility.engine.policy import Policy
from eligibility.engine.results import Outcome, Relief

from .builders import Row, case, check, conv, find, pending_case, person, run, table

R4, AUTO, P64 = Relief.PC1203_4, Relief.PC1203_425, Relief.PROP64
HERE = Policy(county="San Joaquin", version="sj-2026")

ROWS = [
    Row("a warning that affects eligibility sends the count to review",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation", warning="sentence line unreadable"))),
        R4, Outcome.NEEDS_REVIEW, ask="parse_warning"),
    Row("a court in another county keeps the outcome and flags it",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation"), county="FRESNO")),
        R4, Outcome.DISMISS, policy=HERE, ask="court_not_in_county"),
    Row("an unknown court county asks when the office has a county",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation"), county="")),
        R4, Outcome.NEEDS_REVIEW, policy=HERE, ask="court_unknown"),
    Row("an unknown court county does not matter without an office county",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation"), county="")), R4, Outcome.DISMISS),
    Row("probation in another county blocks our case",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation")),
               case(conv("PC 242", "M", "2025-06-01", "2Y probation"), county="FRESNO")),
        R4, Outcome.NOT_YET_ELIGIBLE, section="PC 484", policy=HERE, eligible_on="2027-06-01"),
    Row("a pending case in another county blocks our case",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation")), pending_case(county="FRESNO")),
        R4, Outcome.NOT_YET_ELIGIBLE, section="PC 484", policy=HERE),
    Row("prison elsewhere blocks automatic relief until it ends",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation")),
               case(conv("PC 459", "F", "2025-01-01", "2Y prison"), county="FRESNO")),
        AUTO, Outcome.NOT_YET_ELIGIBLE, section="PC 484", eligible_on="2027-01-01"),
    Row("a running sentence of unknown length elsewhere asks",
        person(case(conv("PC 484", "M", "2018-01-01", "1Y probation")),
               case(conv("PC 242", "M", "2025-06-01", "probation"))),
        R4, Outcome.NEEDS_REVIEW, section="PC 484", ask="sentence_unknown"),
    Row("probation elsewhere does not block Prop 64 redesignation of a completed sentence",
        person(case(conv("HS 11357(b)", "M", "2010-01-01", "1Y probation")),
               case(conv("PC 242", "M", "2025-06-01", "2Y probation")), dob="1980-01-01"),
        P64, Outcome.DISMISS, section="HS 11357(b)"),
    Row("a warning on a cannabis count sends Prop 64 to review",
        person(case(conv("HS 11359", "F", "2010-01-01", "2Y probation", warning="count range ambiguous")),
               dob="1980-01-01"),
        P64, Outcome.NEEDS_REVIEW, ask="parse_warning"),
]


@table(ROWS)
def test_record_doubts(row):
    check(row)


def test_a_non_blocking_warning_changes_nothing():
    from eligibility.engine.record import ParseWarning

    p = person(case(conv("PC 484", "M", "2018-01-01", "1Y probation")))
    p.cycles[0].events[1].counts[0].warnings.append(ParseWarning("odd spacing", affects_eligibility=False))
    assert find(run(p), R4).outcome == Outcome.DISMISS


def test_person_level_facts():
    p = person(case(conv("PC 288(a)", "F", "1994-01-01", "6Y prison")),
               case(conv("PC 242", "M", "2025-06-01", "2Y probation")),
               pending_case(), registrant=True, deceased=True)
    result = run(p)
    assert result.registrant and result.pending_case and result.deceased
    assert result.currently_serving and result.under_supervision
    assert result.superstrike_priors == ("PC 288(a)",)


def test_after_relief_counts_only_granted_outcomes():
    # The 11359 felony is reduced (Prop 64) and dismissed (1203.4); the 211 prison felony stays.
    done = run(person(case(conv("HS 11359", "F", "2010-01-01", "2Y probation")), dob="1980-01-01"))
    assert done.no_felony_after_relief and done.no_conviction_after_relief
    left = run(person(case(conv("PC 211", "F", "2024-01-01", "3Y prison"))))
    assert not left.no_felony_after_relief and not left.no_conviction_after_relief


def test_a_person_level_warning_sends_every_count_to_review():
    from eligibility.engine.record import ParseWarning

    p = person(case(conv("PC 484", "M", "2018-01-01", "1Y probation")))
    p.warnings.append(ParseWarning("unplaced line: 'CNT:03 ...'"))
    result = run(p)
    assert result.determinations and all(d.outcome == Outcome.NEEDS_REVIEW for d in result.determinations)


def test_policies_are_hashable():
    assert hash(HERE) == hash(Policy.from_json(HERE.to_json()))
