"""Batch progress: counters the worker adds to, and the batch's end."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit import service as audit

from ..models import Batch, SourceFile


def add(batch_id: int, **increments) -> None:
    Batch.objects.filter(pk=batch_id).update(**{name: F(name) + value for name, value in increments.items() if value})


def file_finished(source: SourceFile, *, failed: bool) -> None:
    add(source.batch_id, files_done=0 if failed else 1, files_failed=1 if failed else 0)
    close_if_complete(source.batch_id)


def close_if_complete(batch_id: int) -> None:
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch_id)
        if batch.status not in (Batch.Status.QUEUED, Batch.Status.PROCESSING, Batch.Status.RECEIVING):
            return
        if batch.status == Batch.Status.RECEIVING or batch.files_done + batch.files_failed < batch.files_total:
            return
        open_files = batch.files.filter(status__in=[SourceFile.Status.QUEUED, SourceFile.Status.PROCESSING]).exists()
        if open_files:
            return
        failed = batch.files_failed > 0 or batch.rows_rejected > 0
        batch.status = Batch.Status.DONE_WITH_ERRORS if failed else Batch.Status.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "finished_at"])
        audit.record("batch.finished", office=batch.office, obj=batch, actor_label="worker",
                     after={"status": batch.status, "files": batch.files_total, "failed": batch.files_failed,
                            "rows_read": batch.rows_read, "rows_rejected": batch.rows_rejected})
