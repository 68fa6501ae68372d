"""The CLI row contract, and the engine's purity (no clock, no Django)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import orjson
import time_machine

from eligibility.engine.evaluate import evaluate_person, record_json
from eligibility.engine.output import determination_rows, person_summary_row
from eligibility.engine.policy import Policy
from eligibility.engine.serialize import person_from_dict
from eligibility.headless import CONTRACT_KEYS, RowWriter

from .builders import AS_OF, arrest, case, conv, person, run

ROW_KEYS = ["source", "cii", "name", "case_number", "court_county", "count", "code_section", "attempted", "level",
            "disposition_date", "relief", "outcome", "reduce_to", "seal", "eligible_on", "reasons"]
ENGINE = Path(__file__).resolve().parents[2] / "eligibility" / "engine"


def sample():
    return person(case(conv("HS 11359", "F", "2010-01-01", "2Y probation"), conv("PC 148(a)", "M", "2010-01-01")),
                  arrest("PC 484", "M", "2020-01-01"), dob="1980-01-01")


def test_determination_rows_start_with_the_contract_keys():
    p = sample()
    rows = list(determination_rows(p, run(p), "sheet.pdf"))
    assert rows and all(list(row)[: len(ROW_KEYS)] == ROW_KEYS for row in rows)
    first = rows[0]
    assert first["source"] == "sheet.pdf" and first["code_section"] == "HS 11359"
    assert first["relief"] == "HS 11361.8" and first["outcome"] == "reduce" and first["reduce_to"] == "misdemeanor"
    assert first["disposition_date"] == "2010-01-01"
    assert all(reason.endswith(")") for row in rows for reason in row["reasons"])
    arrest_row = rows[-1]
    assert (arrest_row["relief"], arrest_row["count"], arrest_row["disposition_date"]) == ("PC 851.93", 1, None)


def test_person_summary_row():
    p = sample()
    summary = person_summary_row(p, run(p), "sheet.pdf")
    assert summary["counts_evaluated"] == 3
    assert summary["no_felony_after_relief"] is True
    assert sum(summary[f"{o}_count"] for o in ("dismiss", "reduce", "not_eligible", "needs_review",
                                               "not_yet_eligible")) == summary["determinations"]


def test_the_engine_never_reads_the_clock():
    p = sample()
    with time_machine.travel(dt.datetime(2040, 1, 1), tick=False):
        later = evaluate_person(p, Policy(), AS_OF)
    assert later == evaluate_person(p, Policy(), AS_OF)
    for path in ENGINE.rglob("*.py"):
        text = path.read_text()
        assert "today()" not in text and ".now(" not in text and "time.time" not in text, path


def test_no_django_under_the_engine():
    for path in ENGINE.rglob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert "django" not in stripped, (path, line)


def test_canonical_form_is_byte_for_byte_stable():
    assert record_json(sample()) == record_json(sample())
    # What a snapshot stores, read back, hashes the same: a stored result can be recognised.
    again = person_from_dict(orjson.loads(record_json(sample())))
    assert run(again).input_hash == run(sample()).input_hash
    assert run(sample()).input_hash == run(sample()).input_hash
    assert run(sample()).input_hash != run(sample(), as_of=AS_OF + dt.timedelta(days=1)).input_hash


def reference_rows(person, result, source):
    """The rows as they were built before the output was tuned: the same keys, order, values and types."""
    return [{
        "source": source, "cii": person.cii, "name": person.name, "case_number": det.case_number,
        "court_county": det.court_county, "count": det.count_number, "code_section": det.code_section,
        "attempted": det.attempted, "level": det.level,
        "disposition_date": det.disposition_date.isoformat() if det.disposition_date else None,
        "relief": det.relief.value, "outcome": det.outcome.value,
        "reduce_to": det.reduce_to.value if det.reduce_to else None, "seal": det.seal,
        "eligible_on": det.eligible_on.isoformat() if det.eligible_on else None,
        "reasons": [str(r) for r in det.reasons], "route": det.route, "track": det.track,
        "in_county": det.in_county, "questions": [f"{q.code}: {q.text}" for q in det.questions],
        "person_key": result.person_key, "rule_set_version": result.rule_set_version,
        "policy_version": result.policy_version, "as_of": result.as_of.isoformat(),
    } for det in result.determinations]


def test_determination_rows_equal_the_reference_in_keys_order_values_and_types():
    p = sample()
    result = run(p)
    rows, expected = list(determination_rows(p, result, "sheet.pdf")), reference_rows(p, result, "sheet.pdf")
    assert rows == expected
    for row, want in zip(rows, expected, strict=True):
        assert list(row) == list(want)
        assert [type(value) for value in row.values()] == [type(value) for value in want.values()]


def test_a_json_line_is_what_json_dumps_writes():
    p = sample()
    out = io.StringIO()
    writer = RowWriter(out, "jsonl", CONTRACT_KEYS)
    rows = list(determination_rows(p, run(p), "sheet \u00e9.pdf"))
    rows[0]["reasons"].append('a "quoted", \n multi-line \u2028 reason')
    for row in rows:
        writer.write(row)
    assert out.getvalue() == "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)
    assert writer.rows == len(rows)
