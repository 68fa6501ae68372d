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
from .services import DETERMINATION_FIELDS, determination_row, evaluation_values, store_evaluation


@dataclass
class ChunkEntry:
    person_id: int
    snapshot_id: int
    record: PersonRecord
    count_ids: dict | None = None  # (cycle, event, count index) -> Count id, when the caller knows
    new_person: bool = False  # created in this transaction: nothing can have evaluated it yet
    record_json: bytes | None = None  # the snapshot as stored, if the writer has it: hashed, not serialised again


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
    # Only people who existed before this transaction can have results to compare with.
    known = [e.person_id for e in entries if not e.new_person]
    evaluated = set(PersonEvaluation.objects.filter(person_id__in=known, current=True).values_list(
        "person_id", "snapshot_id")) if known else set()
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
    # (cycle, event, count index) -> Count id per snapshot, looked up only where the caller did not pass them.
    queried: dict[int, dict] = {}
    unknown = [e.snapshot_id for e in fresh if e.count_ids is None]
    if unknown:
        for pk, snapshot_id, cycle, event, index in Count.objects.filter(case__snapshot_id__in=unknown).values_list(
                "pk", "case__snapshot_id", "case__cycle_index", "case__event_index", "count_index"):
            queried.setdefault(snapshot_id, {})[(cycle, event, index)] = pk
    now = timezone.now()
    determinations, evaluations = [], []
    evaluation_fields = None
    for entry in fresh:
        result = evaluate_person(entry.record, policy, as_of, record=entry.record_json)
        head = (office.pk, entry.person_id, entry.snapshot_id)
        count_ids = entry.count_ids if entry.count_ids is not None else queried.get(entry.snapshot_id, {})
        for det in result.determinations:
            key = det.key
            determinations.append((*head, count_ids.get((key.cycle, key.event, key.count)), batch_id,
                                   *determination_row(det, result, _json), True, now))
        values = evaluation_values(entry.record, result)
        evaluation_fields = evaluation_fields or list(values)
        evaluations.append((*head, *(_copyable(v) for v in values.values()), True, now))
    base = ["office_id", "person_id", "snapshot_id"]
    _insert(Determination, [*base, "count_id", "batch_id", *DETERMINATION_FIELDS, "current", "created_at"],
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
