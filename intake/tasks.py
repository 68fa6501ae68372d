"""Celery tasks of intake: small, named after what they do, take ids, safe to run twice."""

import logging

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from audit import service as audit

from .models import Batch, SourceFile, SourceKind
from .services import batches

log = logging.getLogger(__name__)
FINISHED = {SourceFile.Status.DONE, SourceFile.Status.NEEDS_REVIEW, SourceFile.Status.FAILED,
            SourceFile.Status.DUPLICATE}


@shared_task(name="intake.process_source_file", acks_late=True)
def process_source_file(file_id: int) -> None:
    source = SourceFile.objects.select_related("office", "batch").get(pk=file_id)
    if source.status in FINISHED:
        return  # a redelivered message for work already done
    SourceFile.objects.filter(pk=file_id).update(status=SourceFile.Status.PROCESSING)
    Batch.objects.filter(pk=source.batch_id, status__in=[Batch.Status.QUEUED, Batch.Status.RECEIVING]).update(
        status=Batch.Status.PROCESSING)
    if source.kind == SourceKind.DOJ:
        from .services.doj import plan_file

        for number in range(plan_file(source)):
            process_doj_part.delay(file_id, number)
        return
    from .services.rap_sheets import SheetRejected, process_rap_sheet

    try:
        person_ids, cycles = process_rap_sheet(source)
    except SheetRejected as rejected:
        _fail(source, str(rejected))
        return
    except Exception as error:  # noqa: BLE001 - any crash is reported on the file, the batch goes on
        log.exception("RAP sheet %s failed", file_id)
        _fail(source, f"could not be processed: {type(error).__name__}: {error}")
        return
    # Evaluated in the same transaction as it was stored (see process_rap_sheet).
    batches.add(source.batch_id, persons_built=len(person_ids), cycles_built=cycles, persons_evaluated=len(person_ids))
    batches.file_finished(source, failed=False)


@shared_task(name="intake.process_doj_part", acks_late=True)
def process_doj_part(file_id: int, number: int) -> None:
    from .services.doj import process_part

    source = SourceFile.objects.select_related("office", "batch").get(pk=file_id)
    if source.status in FINISHED:
        return
    try:
        process_part(source, number)
    except Exception as error:  # noqa: BLE001 - a crashed part fails its file loudly; the batch goes on
        log.exception("DOJ file %s part %s failed", file_id, number)
        _fail(source, f"part {number + 1} could not be read: {type(error).__name__}: {error}")


def _fail(source: SourceFile, message: str) -> None:
    SourceFile.objects.filter(pk=source.pk).update(status=SourceFile.Status.FAILED, message=message[:2000],
                                                   processed_at=timezone.now())
    audit.record("file.failed", office=source.office, obj=source, actor_label="worker",
                 after={"name": source.original_name, "message": message[:500]})
    batches.file_finished(source, failed=True)


@shared_task(name="intake.evaluate_persons", acks_late=True)
def evaluate_persons(person_ids: list[int], batch_id: int | None = None) -> int:
    from eligibility.services import evaluate_people

    done = evaluate_people(person_ids, batch_id=batch_id)
    if batch_id:
        Batch.objects.filter(pk=batch_id).update(persons_evaluated=F("persons_evaluated") + done)
    return done


@shared_task(name="intake.build_results_export", acks_late=True)
def build_results_export(export_id: int) -> None:
    from .models import ResultsExport
    from .services.exports import build_results_export as build

    export = ResultsExport.objects.select_related("office", "batch", "created_by").get(pk=export_id)
    if export.status == ResultsExport.Status.DONE:
        return
    ResultsExport.objects.filter(pk=export_id).update(status=ResultsExport.Status.RUNNING)
    try:
        build(export)
    except Exception as error:  # noqa: BLE001 - reported on the export, never lost silently
        log.exception("results export %s failed", export_id)
        ResultsExport.objects.filter(pk=export_id).update(status=ResultsExport.Status.FAILED,
                                                          message=f"{type(error).__name__}: {error}")


@shared_task(name="intake.refresh_statistics", acks_late=True)
def refresh_statistics() -> None:
    """ANALYZE the tables a large file has just filled, so that queries (the review queue's above
    all) are planned on the new sizes at once, not when autovacuum next passes, or never where it
    is off. Idempotent; a few seconds at a county's scale."""
    from django.db import connection

    from eligibility.models import Determination, PersonEvaluation

    from .models import Case, Count, Person, RecordSnapshot

    if connection.vendor != "postgresql":
        return
    tables = ", ".join(model._meta.db_table for model in (Person, RecordSnapshot, Case, Count, Determination,
                                                             PersonEvaluation))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
