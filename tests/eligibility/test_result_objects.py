"""The result classes fill their fields by hand (for speed): they must still behave as the frozen
dataclasses they were (immutable, compared and hashed by value, copied, pickled and replaced)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle

import pytest

from eligibility.engine.code_section import CodeSection
from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.policy import Policy
from eligibility.engine.results import CountKey, Determination, PersonResult, Question, Reason

from .builders import case, conv, person


def _result() -> PersonResult:
    record = person(
        case(conv("HS 11359", "F", "2010-06-01", "2Y prison, 3M parole", offense="2010-03-01")),
        case(conv("PC 459", "F", "2012-01-10", "3Y probation")),
        dob="1968-04-02",
    )
    return evaluate_person(record, Policy(county="SAN JOAQUIN"), dt.date(2026, 1, 15))


def test_objects_are_immutable():
    result = _result()
    det = result.determinations[0]
    for obj, name in ((result, "person_key"), (det, "outcome"), (det.reasons[0], "text"), (det.key, "cycle")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, None)


def test_equality_hash_copy_pickle_and_replace():
    result = _result()
    assert result == _result()
    assert hash(result.determinations) == hash(_result().determinations)
    assert copy.deepcopy(result) == result
    assert pickle.loads(pickle.dumps(result)) == result
    det = result.determinations[0]
    assert dataclasses.replace(det, seal=not det.seal) != det
    assert dataclasses.replace(det, seal=det.seal) == det
    assert dataclasses.asdict(det)["key"] == {"cycle": det.key.cycle, "event": det.key.event, "count": det.key.count}
    assert [f.name for f in dataclasses.fields(Determination)] == list(dataclasses.asdict(det))


def test_keyword_construction_and_repr_match_the_fields():
    key = CountKey(cycle=1, event=2, count=3)
    assert repr(key) == "CountKey(cycle=1, event=2, count=3)"
    assert Reason(text="Why", citation="PC 1") == Reason("Why", "PC 1")
    assert str(Reason("Why", "PC 1")) == "Why (PC 1)"
    with pytest.raises(ValueError):
        Question("no_such_code", "?")
    assert str(CodeSection("PC", "245", ("a", "1"))) == "PC 245(a)(1)"
    assert str(CodeSection("HS", "11359")) == "HS 11359"
