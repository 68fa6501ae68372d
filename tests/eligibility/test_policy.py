"""Office policy: JSON round trip, translation of the earlier tool's eligibility_options.json, hypotheticals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eligibility.engine.policy import Policy
from eligibility.engine.results import Outcome, Relief

from .builders import case, conv, find, person, run

SAMPLE = Path("/work/shared/reference/doj-samples/eligibility_options.json")
CFA_OPTIONS = {
    "baselineEligibility": {"dismiss": ["11357", "11358"], "reduce": ["11359", "11360"]},
    "additionalRelief": {"subjectUnder21AtConviction": True, "subjectAgeThreshold": 57,
                         "yearsSinceConvictionThreshold": 10, "subjectIsDeceased": True,
                         "subjectHasOnlyProp64Charges": True},
}


def test_json_round_trip_is_exact():
    policy = Policy(county="san joaquin", version="sj-1", prop64_action={"HS 11359": "dismiss"}, age_over=60,
                    confirmed_rules=("max_term.PC 215",))
    again = Policy.from_json(policy.to_json())
    assert again == policy and again.to_json() == policy.to_json()
    assert again.county == "SAN JOAQUIN"


def test_translates_the_earlier_tools_options():
    data = json.loads(SAMPLE.read_text()) if SAMPLE.exists() else CFA_OPTIONS
    policy = Policy.from_cfa_options(data, county="San Joaquin")
    assert policy.prop64_action == {"HS 11357": "dismiss", "HS 11358": "dismiss",
                                    "HS 11359": "reduce", "HS 11360": "reduce"}
    assert (policy.under_21_at_conviction, policy.age_over, policy.years_since_conviction) == (True, 57, 10)
    assert policy.deceased and policy.only_prop64_on_record and policy.county == "SAN JOAQUIN"
    assert Policy.from_json(policy.to_json()) == policy


def test_translated_policy_dismisses_an_18_year_olds_cultivation_the_law_only_reduces():
    p = person(case(conv("HS 11358", "F", "2012-10-01", "14M 1170h", offense="2012-09-01", plants=4)),
               dob="1993-11-01")
    assert find(run(p), Relief.PROP64).outcome == Outcome.REDUCE
    det = find(run(p, Policy.from_cfa_options(CFA_OPTIONS)), Relief.PROP64)
    assert det.outcome == Outcome.DISMISS and det.seal


def test_reduce_in_the_office_list_never_takes_away_a_dismissal_the_law_gives():
    p = person(case(conv("HS 11357(b)", "M", "2010-01-01")), dob="1980-01-01")
    policy = Policy(prop64_action={"HS 11357": "reduce"})
    assert find(run(p, policy), Relief.PROP64).outcome == Outcome.DISMISS


@pytest.mark.parametrize("bad", [
    {"prop64_action": {"HS 11350": "dismiss"}},
    {"prop64_action": {"HS 11359": "seal"}},
    {"confirmed_rules": ["not.a.rule"]},
    {"no_such_field": 1},
])
def test_rejects_bad_policies(bad):
    with pytest.raises((ValueError, TypeError)):
        Policy.from_dict(bad)


def test_zero_thresholds_are_off():
    policy = Policy.from_cfa_options({"additionalRelief": {"subjectAgeThreshold": 0}})
    assert policy.age_over is None and not policy.has_additional_dismissals


def test_hypotheticals_from_class_and_instance():
    base = Policy(county="FRESNO", version="f-1")
    hyp = base.hypothetical("dismiss_all_prop64_and_related")
    assert hyp.county == "FRESNO" and hyp.hypothetical_dismiss_related and hyp.version.startswith("f-1+")
    assert Policy.hypothetical("dismiss_all_prop64").hypothetical_dismiss_all_prop64
    with pytest.raises(ValueError):
        base.hypothetical("dismiss_everything")


def test_policy_is_part_of_the_input_hash():
    p = person(case(conv("HS 11359", "F", "2010-01-01")), dob="1980-01-01")
    assert run(p).input_hash != run(p, Policy(version="other")).input_hash
