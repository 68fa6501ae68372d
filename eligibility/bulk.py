"""Evaluating and storing a chunk of persons at once, right after intake wrote them.

The per-person path (:func:`eligibility.services.store_evaluation`) compares with earlier results
and protects decisions, which costs several queries a person. A person seen for the first time
has nothing to compare with, so its determinations are computed in memory and written with one
COPY per chunk. Anyone already evaluated goes through the careful path.
"""

import datetime as dt
import json
from dataclasses import dataclass

import orjson
from django.db import connection, transaction
from django.utils import timezone

from dashboard import outcomes
from intake.models import Count

from .engine.evaluate import evaluate_person
from .engine.policy import Policy
from .engine.record import Person as PersonRecord
from .models import Determination, PersonEvaluation
from .services import record_facts, store_evaluation


@dataclass
class ChunkEntry:
    person_id: int
    snapshot_id: int
    record: PersonRecord
    count_ids: dict | None = None  # (cycle, event, count index) -> Count id, when the caller knows


DETERMINATION_COLUMNS = [
    "office_id", "person_id", "snapshot_id", "count_id", "batch_id", "relief", "outcome", "reduce_to", "seal",
    "eligible_on", "route", "track", "in_county", "code_section", "level", "case_number", "court_county",
    "count_number", "disposition_date", "questions", "question_codes", "reasons", "rule_set_version",
    "policy_version", "as_of", "input_hash", "current", "created_at",
]
EVALUATION_COLUMNS = [
    "office_id", "person_id", "snapshot_id", "registrant", "superstrike_priors", "currently_serving",
    "under_supervision", "pending_case", "has_felony", "has_conviction", "no_felony_after_relief",
    "no_conviction_after_relief", "rule_set_version", "policy_version", "as_of", "input_hash", "current",
    "created_at",
]


@transaction.atomic
@outcomes.deferred  # one dashboard refresh for the whole chunk, when it is done (store_evaluation's too)
def evaluate_chunk(office, entries: list[ChunkEntry], policy: Policy, as_of: dt.date, *, batch_id=None) -> int:
    if not entries:
        return 0
    person_ids = [e.person_id for e in entries]
    outcomes.refresh_people(person_ids)
    evaluated = set(PersonEvaluation.objects.filter(person_id__in=person_ids, current=True).values_list(
        "person_id", "snapshot_id"))
    seen_people = {pid for pid, _sid in evaluated}
    fresh = [e for e in entries if e.person_id not in seen_people]
    for entry in entries:
        if entry.person_id in seen_people and (entry.person_id, entry.snapshot_id) not in evaluated:
            from intake.models import Person

            # Known person, new record (another file, a re-run): compare and protect decisions.
            store_evaluation(Person.objects.select_related("office", "current_snapshot").get(pk=entry.person_id),
                             policy, as_of, batch_id=batch_id)
    if not fresh:
        return len(entries)
    unknown = [e.snapshot_id for e in fresh if e.count_ids is None]
    count_ids = {
        (snapshot_id, cycle, event, index): pk
        for pk, snapshot_id, cycle, event, index in Count.objects.filter(case__snapshot_id__in=unknown).values_list(
            "pk", "case__snapshot_id", "case__cycle_index", "case__event_index", "count_index")
    } if unknown else {}
    for entry in fresh:
        for (cycle, event, index), pk in (entry.count_ids or {}).items():
            count_ids[(entry.snapshot_id, cycle, event, index)] = pk
    now = timezone.now()
    determinations, evaluations = [], []
    for entry in fresh:
        result = evaluate_person(entry.record, policy, as_of)
        for det in result.determinations:
            determinations.append((
                office.pk, entry.person_id, entry.snapshot_id,
                count_ids.get((entry.snapshot_id, det.key.cycle, det.key.event, det.key.count)), batch_id,
                det.relief.value, det.outcome.value, det.reduce_to.value if det.reduce_to else "", det.seal,
                det.eligible_on, det.route, det.track, det.in_county, det.code_section, det.level,
                det.case_number[:60], det.court_county[:60], det.count_number, det.disposition_date,
                _json([{"code": q.code, "text": q.text} for q in det.questions]),
                " ".join(sorted({q.code for q in det.questions}))[:200],
                _json([str(r) for r in det.reasons]), result.rule_set_version, result.policy_version,
                result.as_of, result.input_hash, True, now,
            ))
        has_felony, has_conviction = record_facts(entry.record)
        evaluations.append((
            office.pk, entry.person_id, entry.snapshot_id, result.registrant,
            _json(list(result.superstrike_priors)), result.currently_serving, result.under_supervision,
            result.pending_case, has_felony, has_conviction, result.no_felony_after_relief,
            result.no_conviction_after_relief, result.rule_set_version, result.policy_version, result.as_of,
            result.input_hash, True, now,
        ))
    _insert(Determination, DETERMINATION_COLUMNS, determinations)
    _insert(PersonEvaluation, EVALUATION_COLUMNS, evaluations)
    return len(entries)


def _json(value) -> str:
    return orjson.dumps(value).decode()


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    objects = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for key in ("questions", "reasons", "superstrike_priors"):
            if key in values:
                values[key] = json.loads(values[key])
        objects.append(model(**values))
    model.objects.bulk_create(objects, batch_size=1000)
