"""The DOJ bulk path (COPY writer, chunk evaluation) stores exactly what the per-person definitions say."""

import pytest

from eligibility.engine.evaluate import evaluate_person
from eligibility.models import Determination, PersonEvaluation
from eligibility.services import (
    DETERMINATION_FIELDS,
    current_policy,
    determination_values,
    evaluation_values,
    office_today,
)
from intake.doj.generator import generate_doj_file
from intake.models import Batch, Case, Person, RecordSnapshot, SourceFile, SourceKind
from intake.models import Count as CountRow
from intake.services import doj, files
from intake.services.doj import plan_file, process_doj_file, process_part
from intake.services.records import record_of


@pytest.fixture
def received(office, users, tmp_path, settings):
    """A generated DOJ file, stored and not yet read: (source file, what the generator wrote)."""
    settings.CMR_DOJ_PART_MIN_BYTES = 1  # two parts, as on the worker
    settings.CMR_INGEST_CHUNK = 7  # several chunks per part
    path = tmp_path / "county.csv"
    generated = generate_doj_file(path, rows=300, seed=11)
    user = users["paralegal"]
    batch = Batch.objects.create(office=office, kind=SourceKind.DOJ, name="county", created_by=user)
    return files.store_path(batch=batch, path=path, original_name="county.csv", user=user), generated


@pytest.fixture
def source(received):
    source, _generated = received
    process_doj_file(source)
    source.refresh_from_db()
    assert source.status == SourceFile.Status.DONE, source.message
    assert len(source.parts) == 2
    return source


def test_bulk_rows_are_the_engine_output_for_the_stored_record(source):
    policy, _label = current_policy(source.office)
    as_of = office_today(source.office)
    people = Person.objects.filter(snapshots__source_file=source).select_related("current_snapshot")
    assert people.count() > 10
    for person in people:
        record = record_of(person.current_snapshot)
        result = evaluate_person(record, policy, as_of)
        stored = Determination.objects.filter(person=person, current=True).order_by("id")
        assert list(stored.values(*DETERMINATION_FIELDS)) == [determination_values(d, result)
                                                              for d in result.determinations]
        for row, det in zip(stored.select_related("count__case"), result.determinations, strict=True):
            assert (row.relief, row.outcome, row.code_section, row.case_number, row.reasons) == (
                det.relief.value, det.outcome.value, det.code_section, det.case_number, [str(r) for r in det.reasons])
            if row.count is None:
                assert det.relief.value == "PC 851.93"  # arrests without a court count
                continue
            assert (row.count.case.cycle_index, row.count.case.event_index, row.count.count_index) == \
                (det.key.cycle, det.key.event, det.key.count)
            assert row.count.case.snapshot_id == person.current_snapshot_id
        expected = evaluation_values(record, result)
        assert PersonEvaluation.objects.filter(person=person, current=True).values(*expected).get() == {
            **expected, "superstrike_priors": list(expected["superstrike_priors"])}


def test_a_retried_part_adds_nothing_and_every_stage_is_timed(source):
    tables = (Person, RecordSnapshot, Case, CountRow, Determination, PersonEvaluation)
    before = {model: model.objects.count() for model in tables}
    for part in source.parts:
        assert set(part["stats"]["seconds"]) == {"read_group", "load", "evaluate", "commit"}
    # The broker redelivers both parts of a file (a worker died after the commit, before the ack).
    parts = [{**part, "done": False} for part in source.parts]
    SourceFile.objects.filter(pk=source.pk).update(parts=parts, status=SourceFile.Status.PROCESSING)
    for number in range(len(parts)):
        process_part(SourceFile.objects.get(pk=source.pk), number)
    assert {model: model.objects.count() for model in tables} == before
    source.refresh_from_db()
    assert source.status == SourceFile.Status.DONE, source.message
    assert source.rows_read == source.rows_accepted + source.rows_rejected


def test_a_part_that_died_midway_is_completed_by_its_retry(received, monkeypatch, settings):
    source, generated = received
    settings.CMR_INGEST_CHUNK = 3
    parts = plan_file(source)
    real = doj.evaluate_chunk
    calls = []

    def worker_lost_on_third_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker lost")
        return real(*args, **kwargs)

    monkeypatch.setattr(doj, "evaluate_chunk", worker_lost_on_third_chunk)
    with pytest.raises(RuntimeError):
        process_part(SourceFile.objects.get(pk=source.pk), 0)
    assert RecordSnapshot.objects.filter(source_file=source).count() == 6  # the first two chunks were committed
    monkeypatch.setattr(doj, "evaluate_chunk", real)
    for number in range(parts):
        process_part(SourceFile.objects.get(pk=source.pk), number)
    source.refresh_from_db()
    assert source.status == SourceFile.Status.DONE, source.message
    assert source.rows_read == source.rows_accepted + source.rows_rejected
    assert RecordSnapshot.objects.filter(source_file=source).count() == generated.persons
    assert Person.objects.count() == PersonEvaluation.objects.filter(current=True).count() == generated.persons
    policy, _label = current_policy(source.office)
    as_of = office_today(source.office)
    assert Determination.objects.count() == sum(
        len(evaluate_person(record_of(person.current_snapshot), policy, as_of).determinations)
        for person in Person.objects.select_related("current_snapshot"))


@pytest.mark.parametrize("kept", [10_000, 0], ids=["index kept with the parts", "each part rescans"])
def test_a_subject_split_across_the_file_is_one_complete_person(office, users, tmp_path, settings, monkeypatch,
                                                               kept):
    settings.CMR_DOJ_PART_MIN_BYTES = 1
    monkeypatch.setattr(doj, "SPLIT_KEPT", kept)
    path = tmp_path / "county.csv"
    generated = generate_doj_file(path, rows=300, seed=11)
    # Move the first subject's first row to the end: its rows are then in two runs, in different parts.
    lines = path.read_bytes().splitlines(keepends=True)
    lines.append(lines.pop(1))
    path.write_bytes(b"".join(lines))
    user = users["paralegal"]
    batch = Batch.objects.create(office=office, kind=SourceKind.DOJ, name="county", created_by=user)
    source = files.store_path(batch=batch, path=path, original_name="county.csv", user=user)
    process_doj_file(source)
    source.refresh_from_db()
    assert source.status == SourceFile.Status.DONE, source.message
    assert len(source.parts) == 2 and all(len(p["split"] or {}) == (1 if kept else 0) for p in source.parts)
    assert source.rows_read == source.rows_accepted + source.rows_rejected
    assert RecordSnapshot.objects.filter(source_file=source).count() == generated.persons
    subject = lines[-1].split(b",")[2].decode()
    rows = sum(1 for line in lines[1:] if line.split(b",")[2].decode() == subject)
    assert RecordSnapshot.objects.get(source_file=source, subject_key=subject).source_rows == rows


def test_a_large_file_refreshes_the_planner_statistics(received, settings, monkeypatch, django_capture_on_commit_callbacks):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    monkeypatch.setattr(doj, "ANALYZE_AFTER_ROWS", 100)
    source, _generated = received
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        process_doj_file(source)
    assert callbacks, "the ANALYZE task is queued once the file is done"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [CountRow._meta.db_table])
        assert cursor.fetchone()[0] > 0
