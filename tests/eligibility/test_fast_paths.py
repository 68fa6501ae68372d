"""The engine's fast paths give what the simple code they replace gives: objects filled without a class
call, CountInfo filled field by field, the shared status gate, the offense-list index and its hit cache,
and the date arithmetic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

from hypothesis import given
from hypothesis import strategies as st

from eligibility.engine.code_section import CodeSection
from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.facts import UNKNOWN_END, CountInfo, person_facts
from eligibility.engine.laws import Ctx, status_gate
from eligibility.engine.offense_lists import WILDCARD, Hit, offense_lists
from eligibility.engine.policy import Policy
from eligibility.engine.record import Level, add_months, add_term, add_years, term_days
from eligibility.engine.results import (
    CountKey,
    Determination,
    Reason,
    new_count_key,
    new_reason,
)

from .test_properties import FAST, dates, people


def _same_object(fast, slow) -> None:
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert list(vars(fast).items()) == list(vars(slow).items())  # the same fields, in the same order
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert dataclasses.replace(fast) == slow
    first = dataclasses.fields(type(slow))[0].name
    try:
        setattr(fast, first, None)
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a fast-built object must stay frozen")


def test_factories_build_what_the_class_builds():
    _same_object(new_reason("Why", "PC 1"), Reason("Why", "PC 1"))
    _same_object(new_count_key(1, 2, 3), CountKey(1, 2, 3))


@FAST
@given(people(), dates)
def test_build_makes_what_the_class_makes(p, as_of):
    for det in evaluate_person(p, Policy(county="SAN JOAQUIN"), as_of).determinations:
        _same_object(det, Determination(*(getattr(det, field.name) for field in dataclasses.fields(Determination))))


@FAST
@given(people(), dates)
def test_count_info_sets_every_field(p, as_of):
    facts = person_facts(p, as_of, "SAN JOAQUIN", offense_lists())
    for info in facts.convictions:
        for field in dataclasses.fields(CountInfo):
            getattr(info, field.name)  # an unset slot raises AttributeError
        assert info.code_section_text == (str(info.section) if info.section else (info.count.charge_text or ""))
        assert info.level == info.count.current_level or info.count.conviction is not None


def _reference_gate(info, ctx):
    until, unknown, running = None, [], []
    for other in ctx.facts.running(exclude=info.key):
        label = f"{other.count.case_number or 'case'} {other.code_section_text}".strip()
        if other.completion == UNKNOWN_END:
            unknown.append(label)
        else:
            running.append(label)
            until = other.completion if until is None or other.completion > until else until
    return until, unknown, running, ctx.facts.pending_case


@FAST
@given(people(), dates)
def test_status_gate_matches_the_plain_scan(p, as_of):
    policy = Policy()
    ctx = Ctx(person_facts(p, as_of, policy.county, offense_lists()), policy, as_of, offense_lists())
    for info in ctx.facts.convictions:
        gate = status_gate(info, ctx)
        assert (gate.blocked_until, gate.unknown, gate.running, gate.pending) == _reference_gate(info, ctx)


def _reference_match(lst, section, attempted, level):
    """OffenseList.match as it was written before the wildcard index and the hit cache."""
    rows = lst.by_base.get((section.code, section.section))
    wild = lst.by_base.get((section.code, WILDCARD))
    if rows is None and wild is None:
        return None
    possible = None
    for entry in (rows or ()) + (wild or ()):
        if attempted and not entry.attempt:
            continue
        subs = entry.section.subsections
        if section.subsections[: len(subs)] == subs:
            doubt = ""
        elif subs[: len(section.subsections)] == section.subsections:
            doubt = "subdivision"
        else:
            continue
        if entry.level:
            if level == Level.UNKNOWN:
                doubt = doubt or "level"
            elif level.value != entry.level:
                continue
        if not doubt and not entry.verified:
            doubt = "unverified"
        if not doubt and entry.element:
            doubt = "element"
        hit = Hit(entry, not doubt, doubt)
        if hit.certain:
            return hit
        if possible is None:
            possible = hit
    return possible


_LIST_NAMES = [field.name for field in dataclasses.fields(offense_lists())]


def _sections():
    """Sections on the lists, their neighbours and other subdivisions, in the lists' codes and others."""
    listed = {(e.section.code, e.section.section) for name in _LIST_NAMES for e in getattr(offense_lists(), name).entries}
    codes = st.sampled_from(sorted({code for code, _ in listed} | {"VC", "BP"}))
    numbers = st.sampled_from(sorted({section for _, section in listed if section != WILDCARD} | {"1", "99999"}))
    subs = st.lists(st.sampled_from(["a", "b", "c", "1", "2", "e"]), max_size=2).map(tuple)
    return st.builds(CodeSection, codes, numbers, subs)


@FAST
@given(st.data(), _sections(), st.booleans(), st.sampled_from(list(Level)))
def test_match_matches_the_plain_scan(data, section, attempted, level):
    lst = getattr(offense_lists(), data.draw(st.sampled_from(_LIST_NAMES)))
    expected = _reference_match(lst, section, attempted, level)
    assert lst.match(section, attempted, level) == expected
    assert lst.match(section, attempted, level) == expected  # again, from the hit cache


def test_the_wildcard_list_still_matches_its_wildcard():
    lst = offense_lists().pc1203_4a_d
    assert lst.wildcard_codes == {"VC"}
    hit = lst.match(CodeSection("VC", "22350"), False, Level.INFRACTION)
    assert hit is not None and hit.certain and hit.entry.section.section == WILDCARD


@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)), st.integers(-30, 30))
def test_add_years_is_twelve_months(start, years):
    assert add_years(start, years) == add_months(start, 12 * years)


def test_add_years_on_29_february():
    assert add_years(dt.date(2020, 2, 29), 1) == dt.date(2021, 2, 28)
    assert add_years(dt.date(2020, 2, 29), 4) == dt.date(2024, 2, 29)


@given(dates, st.integers(0, 400), st.sampled_from(["D", "DAYS", " d ", "W", "WK", "M", "Y", "yrs", "X", "H"]))
def test_add_term_in_days_is_the_timedelta(start, amount, unit):
    days = term_days(amount, unit)
    if unit.strip().upper() in ("M", "Y", "YRS"):
        return  # calendar months and years: add_months
    assert add_term(start, amount, unit) == (None if days is None else start + dt.timedelta(days=days))
