"""Properties over generated records: determinism, consistency, and bars that must always hold."""

from __future__ import annotations

import copy
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.policy import Policy
from eligibility.engine.results import GRANTING, Outcome, Relief

from .builders import arrest, case, conv, pending_case, person

SECTIONS = ["HS 11357(a)", "HS 11357(b)", "HS 11357(c)", "HS 11357", "HS 11358", "HS 11359", "HS 11360(a)",
            "HS 11360(b)", "HS 11350(a)", "HS 11377(a)", "HS 11364", "PC 32", "PC 484", "PC 487(a)", "PC 496(a)",
            "PC 459", "PC 460(a)", "PC 211", "PC 245(a)(1)", "PC 245", "PC 288(a)", "PC 288(c)(1)", "PC 261",
            "PC 187", "PC 647(f)", "PC 415", "PC 242", "VC 23152(a)", "VC 10851(a)", "VC 22350", "PC 311.11(a)",
            "PC 215", "PC 422"]
SENTENCES = ["", "1Y probation", "3Y probation", "probation", "10D jail, fine", "fine", "16M 1170h",
             "8M 1170h, 8M ms", "2Y prison", "3Y prison, 1Y parole", "prison", "36M probation, 90D jail"]
LEVELS = ["F", "M", "I", "X"]

dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2026, 12, 31))
iso = dates.map(dt.date.isoformat)


@st.composite
def counts(draw):
    return conv(draw(st.sampled_from(SECTIONS)), draw(st.sampled_from(LEVELS)), draw(iso),
                draw(st.sampled_from(SENTENCES)), attempted=draw(st.booleans()),
                grams=draw(st.none() | st.floats(0.5, 100)), plants=draw(st.none() | st.integers(1, 50)),
                value=draw(st.none() | st.integers(10, 5000)),
                offense=draw(st.none() | iso))


@st.composite
def cycles(draw):
    kind = draw(st.sampled_from(["case", "case", "case", "arrest", "pending"]))
    county = draw(st.sampled_from(["SAN JOAQUIN", "FRESNO", ""]))
    if kind == "case":
        return case(*draw(st.lists(counts(), min_size=1, max_size=3)), county=county)
    if kind == "pending":
        return pending_case(county=county or "SAN JOAQUIN")
    return arrest(draw(st.sampled_from(SECTIONS)), draw(st.sampled_from(LEVELS)), draw(iso),
                  dismissed=draw(st.none() | iso), county=county)


@st.composite
def people(draw):
    return person(*draw(st.lists(cycles(), min_size=1, max_size=5)), dob=draw(st.none() | iso),
                  registrant=draw(st.booleans()), deceased=draw(st.booleans()))


policies = st.sampled_from([Policy(), Policy(county="SAN JOAQUIN", version="sj"),
                            Policy(prop64_action={"HS 11359": "dismiss"}, under_21_at_conviction=True),
                            Policy().hypothetical("dismiss_all_prop64_and_related")])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(people(), policies, dates)
def test_same_inputs_same_output_and_hash(p, policy, as_of):
    first = evaluate_person(p, policy, as_of)
    assert evaluate_person(copy.deepcopy(p), policy, as_of) == first
    assert len(first.input_hash) == 64


@FAST
@given(people(), policies, dates)
def test_one_determination_per_count_and_law(p, policy, as_of):
    result = evaluate_person(p, policy, as_of)
    seen = [(d.key, d.relief) for d in result.determinations]
    assert len(seen) == len(set(seen))
    keys = [(d.key.cycle, d.key.event, d.key.count) for d in result.determinations]
    assert keys == sorted(keys)


@FAST
@given(people(), policies, dates)
def test_determinations_are_well_formed(p, policy, as_of):
    result = evaluate_person(p, policy, as_of)
    for det in result.determinations:
        assert det.reasons, det
        for reason in det.reasons:
            assert reason.citation and str(reason).endswith(f"({reason.citation})")
        if det.outcome == Outcome.NEEDS_REVIEW:
            assert det.questions
        if det.outcome != Outcome.REDUCE:
            assert det.reduce_to is None
        if det.seal:
            assert det.outcome == Outcome.DISMISS
        if det.eligible_on and det.disposition_date:
            assert det.eligible_on >= det.disposition_date
        if det.outcome == Outcome.NOT_YET_ELIGIBLE and det.eligible_on:
            assert det.eligible_on > as_of or det.relief in (Relief.PC1203_4, Relief.PC1203_4A, Relief.PC1203_41,
                                                            Relief.PC1203_42, Relief.PC1203_425)


@FAST
@given(people(), dates)
def test_registrants_never_get_automatic_or_prop47_relief(p, as_of):
    result = evaluate_person(p, Policy(), as_of)
    if result.registrant:
        assert not [d for d in result.determinations
                    if d.relief in (Relief.PC1203_425, Relief.PROP47) and d.outcome in GRANTING]


@FAST
@given(people(), dates)
def test_exclusions_hold_for_their_law(p, as_of):
    from eligibility.engine.offense_lists import offense_lists

    lists = offense_lists()
    result = evaluate_person(p, Policy(), as_of)
    certain_superstrike = any(not prior.endswith("(possible)") for prior in result.superstrike_priors)
    for det in result.determinations:
        count = p.cycles[det.key.cycle].events[det.key.event].counts[det.key.count]
        if det.relief == Relief.PROP47 and certain_superstrike:
            assert det.outcome not in GRANTING
        if det.relief == Relief.PC1203_4 and not count.attempted:
            hit = lists.pc1203_4b.match(count.code_section, False, count.current_level)
            if hit is not None and hit.certain:
                assert det.outcome not in GRANTING
        outcomes = {d.outcome for d in result.determinations if d.key == det.key and d.relief == det.relief}
        assert not (Outcome.DISMISS in outcomes and Outcome.NOT_ELIGIBLE in outcomes)


@FAST
@given(people(), dates)
def test_pending_case_blocks_every_dismissal_petition(p, as_of):
    result = evaluate_person(p, Policy(), as_of)
    if result.pending_case:
        assert not [d for d in result.determinations
                    if d.relief in (Relief.PC1203_4, Relief.PC1203_4A, Relief.PC1203_41, Relief.PC1203_425)
                    and d.outcome in GRANTING]


@FAST
@given(people(), dates)
def test_nothing_after_prop64_takes_effect_is_in_prop64_scope(p, as_of):
    result = evaluate_person(p, Policy(), as_of)
    for det in result.for_relief(Relief.PROP64):
        count = p.cycles[det.key.cycle].events[det.key.event].counts[det.key.count]
        if count.offense_date is not None:
            assert count.offense_date < dt.date(2016, 11, 9)


@FAST
@given(people(), policies, dates)
def test_after_relief_is_consistent(p, policy, as_of):
    result = evaluate_person(p, policy, as_of)
    if result.no_conviction_after_relief:
        assert result.no_felony_after_relief
