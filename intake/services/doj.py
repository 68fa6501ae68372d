"""A DOJ research file, streamed: persons written and evaluated in chunks, by parallel parts.

The file is cut into parts at subject boundaries (one task per part, so both worker processes
work); each part reads its persons, and every chunk of persons is written (COPY) and evaluated in
one transaction, so a retried task finds what was done and does the rest. The last part to finish
closes the file. Every row ends up in exactly one place: a person's count in the database, or a
``RowError`` with its line number, column, problem and raw line; the tallies must balance
(read = accepted + rejected) or the file is failed loudly.
"""

import dataclasses
import gc
import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count as Total
from django.db.models import F
from django.utils import timezone

from audit import service as audit
from eligibility.bulk import ChunkEntry, evaluate_chunk
from eligibility.services import current_policy, office_today
from intake.doj.collector import collect_per_chunk
from intake.doj.group import Chunk, FileStats, SubjectIndex, iter_persons, plan_chunks, scan_subjects

from ..models import Batch, RecordSnapshot, RowError, SourceFile
from . import batches
from .bulk import ChunkItem, write_chunk
from .files import source_path

log = logging.getLogger(__name__)
ERROR_FLUSH = 2000
SPLIT_KEPT = 10_000  # split subjects remembered with a file's parts (see plan_file)
TALLIES = ("rows_read", "rows_accepted", "rows_rejected", "rows_repaired", "persons", "cycles", "counts",
           "convictions")


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


def named_link(source: SourceFile) -> tuple[Path, tempfile.TemporaryDirectory]:
    # The reader names rows' sources after the file it opens: show staff the name they uploaded.
    folder = tempfile.TemporaryDirectory(prefix="doj-")
    link = Path(folder.name) / Path(source.original_name).name
    os.symlink(source_path(source), link)
    return link, folder


def plan_file(source: SourceFile) -> int:
    """Cut the file into parts for parallel tasks; returns how many parts to run."""
    path, folder = named_link(source)
    try:
        index = scan_subjects(path)
        size = path.stat().st_size
        wanted = max(1, min(settings.CMR_DOJ_PARTS, size // max(1, settings.CMR_DOJ_PART_MIN_BYTES)))
        chunks = plan_chunks(path, wanted) if wanted > 1 else []
    finally:
        folder.cleanup()
    # Every part needs the file's subjects whose rows are not contiguous (usually none): kept with the
    # parts so that each does not scan the whole file again, unless so many that the rescan is cheaper.
    split = index.split if len(index.split) <= SPLIT_KEPT else None
    parts = [{"chunk": dataclasses.asdict(c), "done": False, "stats": None, "split": split} for c in chunks] or \
        [{"chunk": None, "done": False, "stats": None, "split": split}]
    SourceFile.objects.filter(pk=source.pk, parts=[]).update(parts=parts, lines_total=index.lines)
    return len(SourceFile.objects.get(pk=source.pk).parts)


def process_part(source: SourceFile, number: int, *, evaluate: bool = True) -> None:
    source.refresh_from_db()
    part = source.parts[number]
    if part["done"]:
        return  # a redelivered message for a part already read
    chunk = Chunk(**part["chunk"]) if part["chunk"] else None
    path, folder = named_link(source)
    stats = FileStats(source.original_name)
    errors = _ErrorSink(source)
    policy, _label = current_policy(source.office)
    as_of = office_today(source.office)
    size = settings.CMR_INGEST_CHUNK
    # Seconds per stage, kept with the part's tallies: the benchmark reports rows/s per stage.
    seconds = {"read_group": 0.0, "load": 0.0, "evaluate": 0.0, "commit": 0.0}
    with collect_per_chunk():
        try:
            pending: list[ChunkItem] = []
            pending_rows = 0
            # An earlier attempt at this part stored a prefix of its subjects (chunks commit in file order), so
            # once a chunk finds none of its subjects stored, no later chunk can: the lookup stops there.
            resuming = True

            def flush():
                nonlocal pending, pending_rows, resuming
                with transaction.atomic():
                    started = time.perf_counter()
                    written = write_chunk(source, pending, check_stored=resuming)
                    resuming = resuming and len(written) < len(pending)
                    loaded = time.perf_counter()
                    seconds["load"] += loaded - started
                    if evaluate:
                        evaluate_chunk(source.office, [ChunkEntry(w.person_id, w.snapshot_id, w.record, w.count_ids,
                                                                  w.new_person, w.record_json) for w in written],
                                       policy, as_of, batch_id=source.batch_id)
                    evaluated = time.perf_counter()
                    seconds["evaluate"] += evaluated - loaded
                    errors.flush()
                    _check_constraints()
                    SourceFile.objects.filter(pk=source.pk).update(rows_read=F("rows_read") + pending_rows,
                                                                   persons_built=F("persons_built") + len(written))
                    batches.add(source.batch_id, persons_built=len(written), persons_evaluated=len(written) if evaluate
                                else 0, cycles_built=sum(len(w.record.cycles) for w in written))
                # Row errors, foreign-key checks, counters and the commit itself.
                seconds["commit"] += time.perf_counter() - evaluated
                pending, pending_rows = [], 0
                gc.collect()  # see intake.doj.collector

            started = time.perf_counter()
            split = part.get("split")
            index = SubjectIndex(split=split) if split is not None else scan_subjects(path)
            for item in iter_persons(path, stats=stats, on_error=errors, index=index, chunk=chunk):
                pending_rows += item.rows
                needs_review = any(w.affects_eligibility for w in item.person.warnings)
                pending.append(ChunkItem(item.subject_id[:64], item.person, needs_review))
                if len(pending) >= size:
                    seconds["read_group"] += time.perf_counter() - started
                    flush()
                    started = time.perf_counter()
            seconds["read_group"] += time.perf_counter() - started
            if pending:
                flush()
            errors.flush()
        finally:
            folder.cleanup()
    tallies = {name: getattr(stats, name) for name in TALLIES}
    tallies["file_problem"] = stats.file_problem
    tallies["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    _finish_part(source.pk, number, tallies)


def _check_constraints() -> None:
    """Run the chunk's deferred foreign-key checks now (PostgreSQL; they are most of a commit's time).

    Called before the file's and batch's counter rows are updated: both parts update those rows, and the
    row lock is held until commit, so the other part would otherwise wait for this whole check."""
    if connection.vendor == "postgresql":
        connection.check_constraints()  # SET CONSTRAINTS ALL IMMEDIATE, then back to DEFERRED


def _finish_part(file_id: int, number: int, tallies: dict) -> None:
    with transaction.atomic():
        source = SourceFile.objects.select_for_update().select_related("office").get(pk=file_id)
        parts = source.parts
        if parts[number]["done"]:
            return
        parts[number].update(done=True, stats=tallies)
        SourceFile.objects.filter(pk=file_id).update(parts=parts)
        if not all(p["done"] for p in parts):
            return
    close_file(source, parts)


# A file this large changes the tables' sizes enough for the planner's statistics to be refreshed.
ANALYZE_AFTER_ROWS = 50_000


def close_file(source: SourceFile, parts: list[dict]) -> None:
    total = {name: sum((p["stats"] or {}).get(name, 0) for p in parts) for name in TALLIES}
    problem = next((p["stats"]["file_problem"] for p in parts if p["stats"] and p["stats"].get("file_problem")), None)
    rejected_recorded = RowError.objects.filter(source_file=source).count()
    balanced = total["rows_read"] == total["rows_accepted"] + total["rows_rejected"]
    conflicts = _cii_conflicts(source)
    if not balanced or rejected_recorded != total["rows_rejected"]:
        message = (f"row accounting does not balance: read {total['rows_read']}, accepted {total['rows_accepted']}, "
                   f"rejected {total['rows_rejected']}, errors recorded {rejected_recorded}")
        _finish(source, total, failed=True, message=message, warnings=conflicts)
        return
    if problem and not total["rows_accepted"]:
        _finish(source, total, failed=True, message=problem, warnings=conflicts)
        return
    repaired = f" ({total['rows_repaired']} repaired)" if total["rows_repaired"] else ""
    message = (f"{total['rows_read']} rows read: {total['rows_accepted']} imported{repaired}, "
               f"{total['rows_rejected']} rejected; {total['persons']} persons, {total['convictions']} convictions")
    if conflicts:
        message += f"; {len(conflicts)} CII(s) appear under several SUBJECT_IDs (kept as separate persons)"
    _finish(source, total, failed=False, message=message, warnings=conflicts)
    if total["rows_accepted"] >= ANALYZE_AFTER_ROWS:
        from ..tasks import refresh_statistics

        transaction.on_commit(refresh_statistics.delay)


def _cii_conflicts(source: SourceFile) -> list[str]:
    """CIIs that more than one SUBJECT_ID of this file carries (a data problem the DOJ must explain)."""
    rows = (RecordSnapshot.objects.filter(source_file=source).exclude(person__cii="")
            .values("person__cii").annotate(subjects=Total("subject_key", distinct=True)).filter(subjects__gt=1)
            .order_by("person__cii"))
    subjects: dict[str, list[str]] = {row["person__cii"]: [] for row in rows[:200]}
    # One query for all of them (a file's close is its last, single-process step).
    for cii, subject in RecordSnapshot.objects.filter(source_file=source, person__cii__in=list(subjects)).values_list(
            "person__cii", "subject_key"):
        subjects[cii].append(subject)
    return [f"CII {cii} appears under SUBJECT_IDs {', '.join(sorted(keys))}" for cii, keys in subjects.items()]


def _finish(source: SourceFile, total: dict, *, failed: bool, message: str, warnings: list[str]) -> None:
    status = SourceFile.Status.FAILED if failed else SourceFile.Status.DONE
    SourceFile.objects.filter(pk=source.pk).update(
        status=status, message=message[:2000], rows_read=total["rows_read"], rows_accepted=total["rows_accepted"],
        rows_rejected=total["rows_rejected"], processed_at=timezone.now(), warnings=warnings,
    )
    Batch.objects.filter(pk=source.batch_id).update(
        rows_read=F("rows_read") + total["rows_read"], rows_accepted=F("rows_accepted") + total["rows_accepted"],
        rows_rejected=F("rows_rejected") + total["rows_rejected"],
    )
    audit.record("file.failed" if failed else "file.processed", office=source.office, obj=source,
                 actor_label="worker", after={**total, "message": message[:500]})
    batches.file_finished(source, failed=failed)


def process_doj_file(source: SourceFile, *, evaluate: bool = True) -> None:
    """The whole file in this process, part after part (CLI --now, tests)."""
    for number in range(plan_file(source)):
        process_part(source, number, evaluate=evaluate)
