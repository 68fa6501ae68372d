"""The results files are encoded without the csv module, byte for byte as the csv module encodes them."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.engine.evaluate import evaluate_person
from eligibility.engine.policy import Policy
from eligibility.engine.record import Level, years_between
from eligibility.engine.results import Outcome, Question, Reason, Relief
from intake.doj.columns import COLUMNS
from intake.doj.generator import generate_doj_file
from intake.doj.group import FileStats, iter_persons
from intake.doj.results import (
    CONDENSED_SOURCE_COLUMNS,
    DETERMINATION_COLUMNS,
    determination_columns,
    encode_key_columns,
    encode_line,
    quote_field,
)

AS_OF = dt.date(2026, 1, 15)
# Every character the csv module treats specially, a few that it does not, and anything else.
FIELD = st.one_of(
    st.text(alphabet=st.sampled_from(',"\r\n \t|;:ab\x00\u00e9\u2028\U0001f600'), max_size=8),
    st.text(max_size=8),
)


def csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()[:-2]


@settings(max_examples=500)
@given(st.lists(FIELD, max_size=8))
def test_a_line_is_encoded_as_the_csv_module_encodes_it(values):
    assert encode_line(values) == csv_line(values)


def test_the_csv_module_special_cases():
    assert encode_line([""]) == csv_line([""]) == '""'
    assert encode_line([]) == csv_line([]) == ""
    assert encode_line(["", ""]) == csv_line(["", ""]) == ","
    assert encode_line(["a\rb", 'c"d', "e\nf", "g,h"]) == csv_line(["a\rb", 'c"d', "e\nf", "g,h"])


@settings(max_examples=300)
@given(FIELD)
def test_a_field_is_quoted_as_the_csv_module_quotes_it(value):
    # A row of one empty field is the csv module's special case, not the field's: hence the second field.
    assert f"{quote_field(value)},x" == csv_line([value, "x"])


@settings(max_examples=500)
@given(st.lists(FIELD, min_size=len(COLUMNS), max_size=len(COLUMNS)),
       st.sampled_from(["LOPEZ,VICTOR M", "O'BRIEN,ANN", "SMITH", '"DOE",J', "NUÑEZ,JOSÉ", "A\nB,C", ""]))
def test_the_condensed_key_columns_are_encoded_as_the_csv_module_encodes_them(fields, name):
    fields[COLUMNS.index("PRI_NAME")] = name
    assert encode_key_columns(fields) == csv_line([fields[COLUMNS.index(column)] for column in CONDENSED_SOURCE_COLUMNS])


def test_plain_key_columns_with_a_name_in_quotes():
    fields = [f"v{number}" for number in range(len(COLUMNS))]
    fields[COLUMNS.index("PRI_NAME")] = "LOPEZ,VICTOR M"
    expected = csv_line([fields[COLUMNS.index(column)] for column in CONDENSED_SOURCE_COLUMNS])
    assert encode_key_columns(fields) == expected and '"LOPEZ,VICTOR M"' in expected


def reference_columns(person, result, as_of) -> dict[int, list[str]]:
    """The determination columns as they were written with the csv module, from each value."""
    by_line: dict[int, list[str]] = {}
    for det in result.determinations:
        key = det.key
        count = person.cycles[key.cycle].events[key.event].counts[key.count]
        encoded = csv_line([
            result.person_key, det.case_number, det.count_number, det.code_section, det.relief.value,
            det.outcome.value, det.reduce_to.value if det.reduce_to else "", "true" if det.seal else "false",
            det.eligible_on.isoformat() if det.eligible_on else "", " | ".join(str(r) for r in det.reasons),
            " | ".join(f"{q.code}: {q.text}" for q in det.questions), "; ".join(result.superstrike_priors),
            "true" if result.registrant else "false",
            years_between(det.disposition_date, as_of) if det.disposition_date else "",
            "true" if result.no_felony_after_relief else "false",
            "true" if result.no_conviction_after_relief else "false", "",
        ])
        for ref in count.refs:
            by_line.setdefault(ref.line, []).append(encoded)
    return by_line


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    path = tmp_path_factory.mktemp("doj") / "in.csv"
    generate_doj_file(path, rows=600, seed=11, irregular_rate=0.02)
    policy = Policy(county="SAN JOAQUIN")
    return [(item.person, evaluate_person(item.person, policy, AS_OF))
            for item in iter_persons(path, stats=FileStats(path.name))]


def test_determination_columns_of_a_file_equal_the_csv_module(evaluated):
    assert sum(len(result.determinations) for _, result in evaluated) > 100
    for person, result in evaluated:
        assert determination_columns(person, result, AS_OF) == reference_columns(person, result, AS_OF)


def test_the_values_written_unchecked_never_need_quotes():
    # determination_columns quotes only the free-text columns: the others must stay plain.
    words = [*Relief, *Outcome, *Level, "true", "false", "2026-01-15", "-3", "12"]
    assert all(quote_field(str(word)) == str(word) for word in words)
    assert len(DETERMINATION_COLUMNS) == 17


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_determination_columns_with_any_text_equal_the_csv_module(evaluated, data):
    person, result = data.draw(st.sampled_from([pair for pair in evaluated if pair[1].determinations]))
    text = st.text(alphabet=st.sampled_from(',"\r\n a\u00e9|'), max_size=6)
    determinations = [
        dataclasses.replace(
            det, case_number=data.draw(text), code_section=data.draw(text),
            reasons=tuple(Reason(data.draw(text), data.draw(text)) for _ in range(data.draw(st.integers(0, 2)))),
            questions=tuple(Question("other", data.draw(text)) for _ in range(data.draw(st.integers(0, 2)))),
        )
        for det in result.determinations
    ]
    result = dataclasses.replace(result, determinations=tuple(determinations), person_key=data.draw(text),
                                 superstrike_priors=tuple(data.draw(st.lists(text, max_size=2))))
    assert determination_columns(person, result, AS_OF) == reference_columns(person, result, AS_OF)
