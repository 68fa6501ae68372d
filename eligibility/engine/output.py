"""Flat rows for the CLI and exports: one dict per determination, one summary per person.
The first keys are a contract other code reads; extra keys may only be appended after them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .record import Person
from .results import Outcome, PersonResult


def determination_rows(person: Person, result: PersonResult, source: str) -> Iterator[dict]:
    for det in result.determinations:
        yield {
            "source": source,
            "cii": person.cii,
            "name": person.name,
            "case_number": det.case_number,
            "court_county": det.court_county,
            "count": det.count_number,
            "code_section": det.code_section,
            "attempted": det.attempted,
            "level": det.level,
            "disposition_date": det.disposition_date.isoformat() if det.disposition_date else None,
            "relief": det.relief.value,
            "outcome": det.outcome.value,
            "reduce_to": det.reduce_to.value if det.reduce_to else None,
            "seal": det.seal,
            "eligible_on": det.eligible_on.isoformat() if det.eligible_on else None,
            "reasons": [str(r) for r in det.reasons],
            # Appended fields.
            "route": det.route,
            "track": det.track,
            "in_county": det.in_county,
            "questions": [f"{q.code}: {q.text}" for q in det.questions],
            "person_key": result.person_key,
            "rule_set_version": result.rule_set_version,
            "policy_version": result.policy_version,
            "as_of": result.as_of.isoformat(),
        }


def person_summary_row(person: Person, result: PersonResult, source: str) -> dict:
    outcomes = Counter(det.outcome for det in result.determinations)
    counts = {(d.key.cycle, d.key.event, d.key.count) for d in result.determinations}
    return {
        "source": source,
        "cii": person.cii,
        "name": person.name,
        "person_key": result.person_key,
        "counts_evaluated": len(counts),
        "determinations": len(result.determinations),
        **{f"{outcome.value}_count": outcomes.get(outcome, 0) for outcome in Outcome},
        "no_felony_after_relief": result.no_felony_after_relief,
        "no_conviction_after_relief": result.no_conviction_after_relief,
        "registrant": result.registrant,
        "superstrike_priors": list(result.superstrike_priors),
        "currently_serving": result.currently_serving,
        "under_supervision": result.under_supervision,
        "pending_case": result.pending_case,
        "deceased": result.deceased,
        "rule_set_version": result.rule_set_version,
        "policy_version": result.policy_version,
        "as_of": result.as_of.isoformat(),
        "input_hash": result.input_hash,
    }
