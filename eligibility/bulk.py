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
from .services import determination_values, evaluation_values, store_evaluation


@dataclass
class ChunkEntry:
    person_id: int
    snapshot_id: int
    record: PersonRecord
    count_ids: dict | None = None  # (cycle, event, count index) -> Count id, when the caller knows


# Values that are lists go to JSON columns; COPY takes them as JSON text.
def _copyable(value):
    return _json(value) if isinstance(value, list) else value


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
    # Known person, new record (another file, a re-run): compare and protect decisions.
    renewed = [e.person_id for e in entries
               if e.person_id in seen_people and (e.person_id, e.snapshot_id) not in evaluated]
    if renewed:
        from intake.models import Person

        for person in Person.objects.filter(pk__in=renewed).select_related("office", "current_snapshot"):
            store_evaluation(person, policy, as_of, batch_id=batch_id)
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
    determination_fields = evaluation_fields = None
    for entry in fresh:
        result = evaluate_person(entry.record, policy, as_of)
        for det in result.determinations:
            values = determination_values(det, result)
            determination_fields = determination_fields or list(values)
            determinations.append((
                office.pk, entry.person_id, entry.snapshot_id,
                count_ids.get((entry.snapshot_id, det.key.cycle, det.key.event, det.key.count)), batch_id,
                *(_copyable(v) for v in values.values()), True, now,
            ))
        values = evaluation_values(entry.record, result)
        evaluation_fields = evaluation_fields or list(values)
        evaluations.append((office.pk, entry.person_id, entry.snapshot_id, *(_copyable(v) for v in values.values()),
                            True, now))
    base = ["office_id", "person_id", "snapshot_id"]
    if determinations:
        _insert(Determination, [*base, "count_id", "batch_id", *determination_fields, "current", "created_at"],
                determinations)
    _insert(PersonEvaluation, [*base, *evaluation_fields, "current", "created_at"], evaluations)
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
