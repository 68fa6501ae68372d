"""Writing many persons' records at once: COPY on PostgreSQL, batched inserts elsewhere.

A chunk is written in one transaction: persons, snapshots, cases and counts appear together or
not at all. A subject already stored for this file is skipped, so a retried chunk (or a re-run of
the whole file) merges into what is there instead of duplicating it. Ids are taken from the
sequences first, so that rows can reference each other inside one COPY stream.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import orjson
from django.db import connection, transaction

from eligibility.engine.evaluate import record_json
from eligibility.engine.record import EventKind
from eligibility.engine.record import Person as PersonRecord
from eligibility.engine.serialize import person_to_dict

from ..models import Case, Count, Person, PersonMerge, RecordSnapshot, SourceFile
from .records import COUNT_VALUE_FIELDS, NAME_DOB_CONFIDENCE, count_row, count_values, normalized_name


@dataclass
class ChunkItem:
    subject_key: str
    record: PersonRecord
    needs_review: bool = False


def _json(value) -> str:
    # orjson: the bulk path encodes a few JSON values per count; the stdlib encoder dominated.
    return orjson.dumps(value).decode()


def _allocate_ids(model, n: int) -> list[int]:
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [n]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model, columns: list[str], rows: Iterable[tuple]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _match_existing(office, source, items: list[ChunkItem]) -> dict[int, tuple[int, str]]:
    """index in items -> (existing person id, method) for records that are people we already know.

    Only people known from *other* files count: inside one DOJ file SUBJECT_ID is the person key,
    and two subjects sharing a CII are a conflict the file reports, not one person.
    """
    from django.db.models import Exists, OuterRef

    elsewhere = RecordSnapshot.objects.filter(person=OuterRef("pk")).exclude(source_file=source)
    people = Person.objects.for_office(office).filter(Exists(elsewhere))
    ciis = {item.record.cii for item in items if item.record.cii}
    by_cii = {}
    for person_id, cii in people.filter(cii__in=ciis).order_by("-id").values_list("id", "cii"):
        by_cii[cii] = person_id  # ordered newest first so the oldest wins
    dobs = {item.record.dob for item in items if not item.record.cii and item.record.dob}
    by_name_dob = {}
    if dobs:
        for person_id, name, dob in people.filter(dob__in=dobs).order_by("-id").values_list("id", "name", "dob"):
            by_name_dob[(normalized_name(name), dob)] = person_id
    matches = {}
    for index, item in enumerate(items):
        record = item.record
        if record.cii and record.cii in by_cii:
            matches[index] = (by_cii[record.cii], PersonMerge.Method.CII)
        elif not record.cii and record.dob and (normalized_name(record.name), record.dob) in by_name_dob:
            matches[index] = (by_name_dob[(normalized_name(record.name), record.dob)], PersonMerge.Method.NAME_DOB)
    return matches


@dataclass
class Written:
    person_id: int
    snapshot_id: int
    record: PersonRecord
    # (cycle, event, count index) -> Count id, when the writer knows them (saves a lookup).
    count_ids: dict | None = None
    new_person: bool = False  # created by this chunk, not matched to a person already stored
    record_json: bytes | None = None  # the snapshot as stored, when the writer serialised it (the input hash)


@transaction.atomic
def write_chunk(source: SourceFile, items: list[ChunkItem], *, check_stored: bool = True) -> list[Written]:
    """Store a chunk of persons read from ``source``; returns what was written, for evaluation.

    ``check_stored=False``: the caller knows none of these subjects is stored yet (see ``process_part``),
    so they are not looked up."""
    office = source.office
    if check_stored:
        keys = [item.subject_key for item in items]
        already = set(RecordSnapshot.objects.filter(source_file=source, subject_key__in=keys).values_list(
            "subject_key", flat=True))
        items = [item for item in items if item.subject_key not in already]
    if not items:
        return []
    matches = _match_existing(office, source, items)
    postgres = connection.vendor == "postgresql"
    new_indexes = [i for i in range(len(items)) if i not in matches]
    if postgres:
        writer = _PostgresChunk(office, source)
    else:
        writer = _OrmChunk(office, source)
    person_ids = writer.persons(items, new_indexes)
    for index, (person_id, _method) in matches.items():
        person_ids[index] = person_id
    snapshot_ids = writer.snapshots(items, person_ids)
    count_ids = writer.cases_and_counts(items, person_ids, snapshot_ids)
    merges = [
        PersonMerge(office=office, kept_id=person_ids[index], snapshot_id=snapshot_ids[index], method=method,
                    confidence=NAME_DOB_CONFIDENCE if method == PersonMerge.Method.NAME_DOB else 1)
        for index, (_pid, method) in matches.items()
    ]
    PersonMerge.objects.bulk_create(merges, batch_size=1000)
    # The newest snapshot is what the engine evaluates.
    latest = {}
    for index in range(len(items)):
        latest[person_ids[index]] = snapshot_ids[index]
    matched_people = {person_ids[i] for i in matches}
    for person_id in matched_people:
        Person.objects.filter(pk=person_id).update(current_snapshot_id=latest[person_id])
    return [Written(person_ids[i], snapshot_ids[i], item.record, count_ids[i] if count_ids is not None else None,
                    new_person=i not in matches, record_json=writer.record_json.get(i))
            for i, item in enumerate(items)]


def _court_counts(record: PersonRecord):
    for cycle_index, cycle in enumerate(record.cycles):
        for event_index, event in enumerate(cycle.events):
            if event.kind == EventKind.COURT and event.counts:
                yield cycle_index, event_index, event


class _OrmChunk:
    def __init__(self, office, source):
        self.office = office
        self.source = source
        self.record_json: dict[int, bytes] = {}

    def persons(self, items, new_indexes) -> list:
        ids: list = [None] * len(items)
        created = Person.objects.bulk_create([_person(self.office, items[i].record) for i in new_indexes],
                                             batch_size=500)
        for index, person in zip(new_indexes, created, strict=True):
            ids[index] = person.pk
        return ids

    def snapshots(self, items, person_ids) -> list[int]:
        created = RecordSnapshot.objects.bulk_create([
            RecordSnapshot(office=self.office, person_id=person_ids[i], source_file=self.source,
                           subject_key=item.subject_key, record=person_to_dict(item.record),
                           warnings=[w.message for w in item.record.warnings], needs_review=item.needs_review,
                           source_rows=item.record.source_rows)
            for i, item in enumerate(items)
        ], batch_size=500)
        new_people = {person_ids[i]: s.pk for i, s in enumerate(created)}
        for person_id, snapshot_id in new_people.items():
            Person.objects.filter(pk=person_id, current_snapshot__isnull=True).update(current_snapshot_id=snapshot_id)
        return [s.pk for s in created]

    def cases_and_counts(self, items, person_ids, snapshot_ids) -> None:
        cases, pending = [], []
        for i, item in enumerate(items):
            for cycle_index, event_index, event in _court_counts(item.record):
                case = Case(office=self.office, person_id=person_ids[i], snapshot_id=snapshot_ids[i],
                            case_number=event.case_number[:60], court=event.agency[:120], county=event.county[:60],
                            event_date=event.date, cycle_index=cycle_index, event_index=event_index)
                cases.append(case)
                pending.append((case, person_ids[i], event))
        Case.objects.bulk_create(cases, batch_size=1000)
        counts = []
        for case, person_id, event in pending:
            for count_index, count in enumerate(event.counts):
                row = count_row(self.office, None, case, count_index, count)
                row.person_id = person_id
                counts.append(row)
        Count.objects.bulk_create(counts, batch_size=2000)
        return None


def _person(office, record: PersonRecord) -> Person:
    return Person(office=office, cii=record.cii[:12], name=(record.name or "(no name)")[:200], dob=record.dob,
                  sex=record.sex[:10], race=record.race[:60], deceased=record.deceased, aliases=record.aliases)


class _PostgresChunk:
    PERSON_COLUMNS = ["id", "office_id", "cii", "name", "dob", "sex", "race", "deceased", "aliases", "needs_review",
                      "created_at", "current_snapshot_id"]

    def __init__(self, office, source):
        from django.utils import timezone

        self.office = office
        self.source = source
        self.now = timezone.now()
        self.record_json: dict[int, bytes] = {}

    def persons(self, items, new_indexes) -> list:
        ids: list = [None] * len(items)
        allocated = _allocate_ids(Person, len(new_indexes))
        self.new_people = dict(zip(new_indexes, allocated, strict=True))
        for index, person_id in self.new_people.items():
            ids[index] = person_id
        return ids

    def snapshots(self, items, person_ids) -> list[int]:
        snapshot_ids = _allocate_ids(RecordSnapshot, len(items))
        # Persons first (their current snapshot is known now), with the FK checked at commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        _copy(Person, self.PERSON_COLUMNS, (
            (person_id, self.office.pk, items[i].record.cii[:12], (items[i].record.name or "(no name)")[:200],
             items[i].record.dob, items[i].record.sex[:10], items[i].record.race[:60], items[i].record.deceased,
             _json(items[i].record.aliases), items[i].needs_review, self.now, snapshot_ids[i])
            for i, person_id in self.new_people.items()
        ))
        # Serialised once: the same bytes are stored and hashed into the evaluation's input hash.
        self.record_json = {i: record_json(item.record) for i, item in enumerate(items)}
        _copy(RecordSnapshot, ["id", "office_id", "person_id", "source_file_id", "subject_key", "record", "warnings",
                               "needs_review", "source_rows", "created_at"], (
            (snapshot_ids[i], self.office.pk, person_ids[i], self.source.pk, item.subject_key,
             self.record_json[i].decode(),
             _json([w.message for w in item.record.warnings]), item.needs_review, item.record.source_rows,
             self.now)
            for i, item in enumerate(items)
        ))
        return snapshot_ids

    def cases_and_counts(self, items, person_ids, snapshot_ids) -> dict[int, dict]:
        events = []
        for i, item in enumerate(items):
            for cycle_index, event_index, event in _court_counts(item.record):
                events.append((i, cycle_index, event_index, event))
        case_ids = _allocate_ids(Case, len(events))
        office_id = self.office.pk
        _copy(Case, ["id", "office_id", "person_id", "snapshot_id", "case_number", "court", "county", "event_date",
                     "cycle_index", "event_index"], (
            (case_id, office_id, person_ids[i], snapshot_ids[i], event.case_number[:60], event.agency[:120],
             event.county[:60], event.date, cycle_index, event_index)
            for case_id, (i, cycle_index, event_index, event) in zip(case_ids, events, strict=True)
        ))
        count_ids = iter(_allocate_ids(Count, sum(len(event.counts) for *_rest, event in events)))
        # Every item gets its map, even without counts: the evaluator then knows there is nothing to look up.
        known: dict[int, dict] = {i: {} for i in range(len(items))}
        rows = []
        for case_id, (i, cycle_index, event_index, event) in zip(case_ids, events, strict=True):
            ids = known[i]
            for count_index, count in enumerate(event.counts):
                count_id = ids[(cycle_index, event_index, count_index)] = next(count_ids)
                *values, refs, warnings = count_values(count)
                rows.append((count_id, office_id, person_ids[i], case_id, count_index, *values, _json(refs),
                             _json(warnings)))
        _copy(Count, ["id", "office_id", "person_id", "case_id", "count_index", *COUNT_VALUE_FIELDS], rows)
        return known
