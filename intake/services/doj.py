"""A DOJ research file, streamed: persons written in chunks, each chunk handed to the engine.

Every row ends up in exactly one place: a person's count in the database, or a ``RowError`` with
its line number, column, problem and raw line. The file's tallies are checked at the end
(read = accepted + rejected) and the file is failed loudly if they do not balance.
"""

import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit import service as audit
from intake.doj.group import FileStats, iter_persons, scan_subjects

from ..models import Batch, RowError, SourceFile
from . import batches
from .bulk import ChunkItem, write_chunk
from .files import source_path

log = logging.getLogger(__name__)
ERROR_FLUSH = 2000


def chunk_size() -> int:
    return getattr(settings, "CMR_EVALUATION_CHUNK", 500)


class _ErrorSink:
    def __init__(self, source: SourceFile):
        self.source = source
        self.buffer: list[RowError] = []
        self.total = 0

    def __call__(self, error) -> None:
        self.total += 1
        self.buffer.append(RowError(office_id=self.source.office_id, source_file=self.source,
                                    line_number=error.line_number, column=(error.column or "")[:60],
                                    problem=error.problem, raw_line=error.raw_line[:10000]))
        if len(self.buffer) >= ERROR_FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            # ignore_conflicts: a re-run of the file reports the same lines once.
            RowError.objects.bulk_create(self.buffer, batch_size=1000, ignore_conflicts=True)
            self.buffer = []


def _named_link(source: SourceFile) -> tuple[Path, tempfile.TemporaryDirectory]:
    # The reader names rows' sources after the file it opens: show staff the name they uploaded.
    folder = tempfile.TemporaryDirectory(prefix="doj-")
    link = Path(folder.name) / Path(source.original_name).name
    os.symlink(source_path(source), link)
    return link, folder


def process_doj_file(source: SourceFile, *, evaluate: bool = True) -> FileStats:
    from intake.tasks import evaluate_persons

    path, folder = _named_link(source)
    stats = FileStats(source.original_name)
    errors = _ErrorSink(source)
    try:
        index = scan_subjects(path)
        SourceFile.objects.filter(pk=source.pk).update(lines_total=index.lines)
        chunk: list[ChunkItem] = []
        rows_seen = 0

        def flush_chunk():
            nonlocal chunk, rows_seen
            person_ids = write_chunk(source, chunk)
            errors.flush()
            SourceFile.objects.filter(pk=source.pk).update(rows_read=rows_seen + errors.total,
                                                           persons_built=F("persons_built") + len(person_ids))
            batches.add(source.batch_id, persons_built=len(person_ids),
                        cycles_built=sum(len(item.record.cycles) for item in chunk))
            if evaluate and person_ids:
                transaction.on_commit(lambda ids=person_ids: evaluate_persons.delay(ids, source.batch_id))
            chunk = []

        for item in iter_persons(path, stats=stats, on_error=errors, index=index):
            rows_seen += item.rows
            needs_review = any(w.affects_eligibility for w in item.person.warnings)
            chunk.append(ChunkItem(item.subject_id[:64], item.person, needs_review))
            if len(chunk) >= chunk_size():
                flush_chunk()
        if chunk:
            flush_chunk()
        errors.flush()
    except Exception as error:
        log.exception("DOJ file %s failed", source.pk)
        errors.flush()
        _finish(source, stats, failed=True, message=f"stopped: {type(error).__name__}: {error}")
        raise
    finally:
        folder.cleanup()
    if not stats.balanced:
        _finish(source, stats, failed=True,
                message=f"row accounting does not balance: read {stats.rows_read}, accepted {stats.rows_accepted}, "
                        f"rejected {stats.rows_rejected}")
        return stats
    nothing = stats.rows_accepted == 0
    message = stats.file_problem or ""
    if not message:
        message = (f"{stats.rows_read} rows read: {stats.rows_accepted} imported"
                   f"{f' ({stats.rows_repaired} repaired)' if stats.rows_repaired else ''}, "
                   f"{stats.rows_rejected} rejected; {stats.persons} persons, {stats.convictions} convictions")
    if stats.cii_conflicts:
        message += f"; {len(stats.cii_conflicts)} CII(s) appear under several SUBJECT_IDs"
    _finish(source, stats, failed=nothing, message=message)
    return stats


def _finish(source: SourceFile, stats: FileStats, *, failed: bool, message: str) -> None:
    status = SourceFile.Status.FAILED if failed else SourceFile.Status.DONE
    SourceFile.objects.filter(pk=source.pk).update(
        status=status, message=message[:2000], rows_read=stats.rows_read, rows_accepted=stats.rows_accepted,
        rows_rejected=stats.rows_rejected, processed_at=timezone.now(),
        warnings=stats.cii_conflict_warnings[:200],
    )
    Batch.objects.filter(pk=source.batch_id).update(
        rows_read=F("rows_read") + stats.rows_read, rows_accepted=F("rows_accepted") + stats.rows_accepted,
        rows_rejected=F("rows_rejected") + stats.rows_rejected,
    )
    audit.record("file.processed" if not failed else "file.failed", office=source.office, obj=source,
                 actor_label="worker", after={"rows_read": stats.rows_read, "accepted": stats.rows_accepted,
                                              "rejected": stats.rows_rejected, "persons": stats.persons,
                                              "message": message[:500]})
    batches.file_finished(source, failed=failed)
