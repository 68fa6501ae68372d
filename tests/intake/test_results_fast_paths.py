"""The written-out cases of the determination columns (one to three reasons, one question, a
count's determinations sharing its columns) and the joined form of the columns agree with the
csv module on any text."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.policy import Policy
from eligibility.engine.results import Question, Reason
from intake.doj.generator import generate_doj_file
from intake.doj.group import FileStats, iter_persons
from intake.doj.results import _joined_columns, determination_columns
from tests.intake.test_results_csv import reference_columns

AS_OF = dt.date(2026, 1, 15)
TEXT = st.text(alphabet=st.sampled_from(',"\r\n a\u00e9|'), max_size=6)


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    path = tmp_path_factory.mktemp("doj") / "in.csv"
    generate_doj_file(path, rows=400, seed=12, irregular_rate=0.02)
    policy = Policy(county="SAN JOAQUIN")
    return [(item.person, evaluate_person(item.person, policy, AS_OF))
            for item in iter_persons(path, stats=FileStats(path.name))]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_number_of_reasons_and_questions_equal_the_csv_module(evaluated, data):
    person, result = data.draw(st.sampled_from([pair for pair in evaluated if pair[1].determinations]))
    same_case = data.draw(st.booleans())  # a count's determinations share their case number object
    case_number, code_section = data.draw(TEXT), data.draw(TEXT)
    determinations = [
        dataclasses.replace(
            det,
            case_number=case_number if same_case else data.draw(TEXT),
            code_section=code_section if same_case else data.draw(TEXT),
            reasons=tuple(Reason(data.draw(TEXT), data.draw(TEXT)) for _ in range(data.draw(st.integers(0, 5)))),
            questions=tuple(Question("other", data.draw(TEXT)) for _ in range(data.draw(st.integers(0, 3)))),
        )
        for det in result.determinations
    ]
    result = dataclasses.replace(result, determinations=tuple(determinations))
    expected = reference_columns(person, result, AS_OF)
    assert determination_columns(person, result, AS_OF) == expected
    assert _joined_columns(person, result, AS_OF) == {
        line: [f",{columns}\r\n" for columns in encoded] for line, encoded in expected.items()}


def test_the_joined_columns_of_a_file_are_the_columns_between_a_comma_and_the_line_end(evaluated):
    for person, result in evaluated:
        plain = determination_columns(person, result, AS_OF)
        assert _joined_columns(person, result, AS_OF) == {
            line: [f",{columns}\r\n" for columns in encoded] for line, encoded in plain.items()}
