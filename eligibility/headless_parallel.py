"""``evaluate`` of a large DOJ file on every core: a pool of processes working through chunks of it.

The file is cut (at subject boundaries) into many chunks, the first few smaller so that the
processes finish theirs at staggered times (:func:`plan`). Each chunk is indexed, then evaluated,
and writes its share of the results files and of the JSON rows straight into place, once the shares
before it are done (:mod:`.headless_shares`); outputs that cannot be written at an offset (a pipe,
CSV rows with their one header) get share files, which the parent appends in file order as soon as
a chunk and every chunk before it are done. The output is the same as one process would write.

In the rare file where a subject's rows are split across chunks, the joined results files need
every chunk's determination columns first: then the chunks are evaluated, the columns of lines that
another chunk owns are routed to it through the parent, and a second round of tasks writes the
joined rows of each byte range (see :class:`intake.doj.results.ResultsPass`).
"""

from __future__ import annotations

import fcntl
import gc
import io
import multiprocessing
import os
import pickle
import shutil
import stat
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from intake.doj.collector import PERSONS_PER_PASS, collect_per_chunk
from intake.doj.group import Chunk, SubjectIndex, number_chunks, plan_chunks, scan_subjects
from intake.doj.results import JOINED_FILES, ResultsPass, write_joined_rows, write_summary

from .engine.output import person_summary_row
from .headless_shares import SharedOutput
from .impact import ImpactSummary
from .output_files import create_output

# Chunks per process: smaller chunks keep less of a share waiting in memory for its place and even
# out the processes' finishing times; each chunk costs a little setup.
CHUNKS_PER_WORKER = 16
# A chunk smaller than this is not worth a task of its own.
MIN_CHUNK_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class _Job:
    """What every task of one file needs; inherited by the forked processes, never pickled."""

    path: Path
    policy: object
    as_of: object
    fmt: str
    person_summary: bool
    export: Path | None
    work: Path
    # The results files and the contract rows, written in place by each chunk (None: the chunk
    # writes files of its own, appended by the parent).
    joined: list[SharedOutput] | None
    rows: SharedOutput | None


_JOB: _Job | None = None


def _owner(line: int, starts) -> int:
    owner = 0
    for number, first in enumerate(starts):
        if line >= first:
            owner = number
    return owner


def _scan(chunk: Chunk) -> SubjectIndex:
    return scan_subjects(_JOB.path, chunk=chunk)


def _evaluate(chunk: Chunk, index: SubjectIndex, starts: tuple[int, ...]):
    with collect_per_chunk():  # gc.collect() every PERSONS_PER_PASS persons below
        return _evaluate_chunk(_JOB, chunk, index, starts)


def _evaluate_chunk(job: _Job, chunk: Chunk, index: SubjectIndex, starts: tuple[int, ...]):
    from .headless import CONTRACT_KEYS, SUMMARY_KEYS, RowWriter

    joined_files, joined_raw = None, []
    if job.joined is not None and not index.split:  # else the second round writes them
        joined_files, joined_raw = _joined_writers(job, chunk)
    run = ResultsPass(job.path, job.export, job.policy, job.as_of, chunk=chunk, index=index,
                      hashed=job.person_summary, files=joined_files)
    keys = SUMMARY_KEYS if job.person_summary else CONTRACT_KEYS
    rows_raw = None
    if job.rows is not None:  # JSON lines: orjson's bytes go to the share as they are
        rows_raw = job.rows.writer(chunk.number)
        handle = io.BufferedWriter(rows_raw, 1 << 20)
    else:
        handle = open(job.work / f"rows-{chunk.number}", "w", newline="", buffering=1 << 20)  # noqa: SIM115
    # Subjects split across the file are rebuilt by chunk 0 alone, after every other subject: their
    # rows go last in the output, as one process writes them.
    with handle, open(job.work / f"rows-split-{chunk.number}", "w", newline="") as late:
        writer, late_writer = RowWriter(handle, job.fmt, keys), RowWriter(late, job.fmt, keys)
        source = job.path.name
        for number, (item, result) in enumerate(run, 1):
            if number % PERSONS_PER_PASS == 0:
                gc.collect()
            person = item.person
            target = late_writer if item.regrouped else writer
            if job.person_summary:
                target.write(person_summary_row(person, result, source))
            else:
                target.write_determinations(person, result, source)
    stats = run.stats
    tallies = {"rows_read": stats.rows_read, "rows_rejected": stats.rows_rejected, "persons": stats.persons,
               "file_problem": stats.file_problem}
    foreign = {}
    if run.by_line:
        # Two rounds (split subjects): keep this chunk's columns for the second; send the parent
        # the columns of lines that belong to other chunks.
        by_line = run.by_line
        for line in [line for line in by_line if _owner(line, starts) != chunk.number]:
            foreign[line] = by_line.pop(line)
        with open(job.work / f"columns-{chunk.number}", "wb") as columns_file:
            pickle.dump(by_line, columns_file, protocol=pickle.HIGHEST_PROTOCOL)
    left = [raw.left for raw in joined_raw], rows_raw.left if rows_raw is not None else None
    return run.summary, tallies, foreign, left


def _write_joined(chunk: Chunk, routed: dict[int, list[str]]):
    """Second round: the joined rows of one chunk's byte range, with the columns other chunks routed here."""
    job = _JOB
    columns_file = job.work / f"columns-{chunk.number}"
    by_line: dict[int, list[str]] = {}
    if columns_file.exists():
        with open(columns_file, "rb") as handle:
            by_line = pickle.load(handle)
    for line, columns in routed.items():
        by_line.setdefault(line, []).extend(columns)
    files, raws = _joined_writers(job, chunk)
    write_joined_rows(job.path, None, by_line, chunk=chunk, files=files)
    return [raw.left for raw in raws]


def _joined_writers(job: _Job, chunk: Chunk):
    """The chunk's shares of the three joined files, open as text, and their raw writers."""
    pairs = [shared.text_writer(chunk.number) for shared in job.joined]
    return [text for text, _ in pairs], [raw for _, raw in pairs]


def plan(path: Path, workers: int) -> list[Chunk]:
    """The chunks, the first ``workers - 1`` of them smaller (1/N, 2/N... of the others): the
    processes then finish their chunks at staggered times, so a chunk's start in the outputs is
    known about halfway through it, not at its end (see :mod:`.headless_shares`). The last
    ``workers - 1`` get smaller in turn, so that the processes also finish the file together
    rather than one waiting for the other's last chunk. Their lines are numbered from their scans
    (:func:`number_chunks`)."""
    size = path.stat().st_size
    wanted = max(workers, min(workers * CHUNKS_PER_WORKER, size // MIN_CHUNK_BYTES))
    ramp = [(number + 1) / workers for number in range(workers - 1)]
    middle = wanted - 2 * len(ramp)
    sizes = [*ramp, *[1.0] * middle, *reversed(ramp)] if middle > 0 else [*ramp, *[1.0] * (wanted - len(ramp))]
    return plan_chunks(path, wanted, sizes=sizes, number_lines=False)


def evaluate_doj_parallel(path: Path, policy, as_of, *, fmt: str, out: TextIO, person_summary: bool,
                          export_dir: Path | None, workers: int = 2) -> dict:
    """Evaluate one DOJ file with ``workers`` processes; returns the file's tallies (and impact)."""
    global _JOB
    chunks = plan(path, workers)
    work = Path(tempfile.mkdtemp(prefix="cmr-evaluate-"))
    out.flush()  # or a forked process could flush what this one had buffered a second time
    descriptors: list[int] = []
    joined_shared = rows_shared = None
    if export_dir is not None:
        export_dir.mkdir(parents=True, exist_ok=True)
        descriptors = [create_output(export_dir / name) for name in JOINED_FILES]
        joined_shared = [SharedOutput(fd, 0, len(chunks), work) for fd in descriptors]
    out_fd = _positional(out)
    if out_fd is not None and fmt == "jsonl":  # a CSV has one header, written by whichever chunk has rows first
        rows_shared = SharedOutput(out_fd, os.lseek(out_fd, 0, os.SEEK_CUR), len(chunks), work)
    _JOB = _Job(path, policy, as_of, fmt, person_summary, export_dir, work, joined_shared, rows_shared)
    rows_out = _Appender(out, skip_header=fmt == "csv")
    summary = ImpactSummary(as_of=as_of.isoformat(), county=policy.county)
    tallies = {"rows_read": 0, "rows_rejected": 0, "persons": 0, "file_problem": None}
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        # Split subjects are a property of the whole file: every chunk is indexed before any is
        # evaluated.
        chunks, index = number_chunks(chunks, list(pool.map(_scan, chunks)))
        starts = tuple(chunk.first_line for chunk in chunks)
        two_rounds = export_dir is not None and bool(index.split)
        routed: list[dict[int, list[str]]] = [{} for _ in chunks]
        for chunk, (part_summary, part_tallies, foreign, (joined_left, rows_left)) in zip(
                chunks, pool.map(_evaluate, chunks, [index] * len(chunks), [starts] * len(chunks)), strict=True):
            summary.merge(part_summary)
            for key in ("rows_read", "rows_rejected", "persons"):
                tallies[key] += part_tallies[key]
            tallies["file_problem"] = tallies["file_problem"] or part_tallies["file_problem"]
            for line, columns in foreign.items():
                routed[_owner(line, starts)].setdefault(line, []).extend(columns)
            # Chunks come back in file order: whatever of this chunk's shares is not in place yet
            # can go there now.
            for shared, left in zip(joined_shared or [], joined_left, strict=False):
                shared.settle(chunk.number, left)
            if rows_shared is not None:
                rows_shared.settle(chunk.number, rows_left)
            else:
                rows_out.append(work / f"rows-{chunk.number}")
        if two_rounds:
            for chunk, joined_left in zip(chunks, pool.map(_write_joined, chunks, routed), strict=True):
                for shared, left in zip(joined_shared, joined_left, strict=True):
                    shared.settle(chunk.number, left)
        pool.shutdown()
        if rows_shared is not None:
            out.seek(rows_shared.end)
        rows_out.append(work / "rows-split-0")
        if export_dir is not None:
            impact = summary.as_dict()
            impact["rows_read"] = tallies["rows_read"]
            impact["rows_rejected"] = tallies["rows_rejected"]
            write_summary(export_dir, impact)
            tallies["impact"] = impact
        return tallies
    finally:
        # On an error, chunks not yet started are dropped rather than evaluated for nothing.
        pool.shutdown(cancel_futures=True)
        _JOB = None
        for fd in descriptors:
            os.close(fd)
        shutil.rmtree(work, ignore_errors=True)


def _positional(out) -> int | None:
    """The descriptor of ``out`` when chunks can write into it at an offset: a regular file, not
    opened for appending (there the kernel ignores the offset)."""
    try:
        fd = out.fileno()
        if not out.seekable():
            return None
        return fd if stat.S_ISREG(os.fstat(fd).st_mode) and not fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND \
            else None
    except (AttributeError, OSError, ValueError):
        return None


class _Appender:
    """Appends files to ``target`` (a text or binary file object) byte for byte, in the kernel where
    it can. With ``skip_header`` only the first file's first line (a CSV header) is kept."""

    def __init__(self, target, *, skip_header: bool = False):
        self.target = target
        self.fd = _fileno(target)
        self.skip_header = skip_header
        self.header_seen = False

    def append(self, part: Path) -> None:
        target, fd = self.target, self.fd
        target.flush()
        with open(part, "rb") as handle:
            offset = 0
            if self.skip_header:
                first = handle.readline()
                offset = len(first)
                if first and not self.header_seen:
                    _write_bytes(target, fd, first)
                    self.header_seen = True
            size = os.fstat(handle.fileno()).st_size
            if fd is not None:
                try:
                    while offset < size:
                        sent = os.sendfile(fd, handle.fileno(), offset, size - offset)
                        if not sent:
                            break
                        offset += sent
                    return
                except OSError:
                    pass  # not a file the kernel can send to: copy below
            handle.seek(offset)
            while block := handle.read(1 << 20):
                _write_bytes(target, None, block)


def _fileno(target) -> int | None:
    try:
        return target.fileno()
    except (AttributeError, OSError, ValueError):
        return None  # an in-memory stream (tests)


def _write_bytes(target, fd: int | None, data: bytes) -> None:
    if fd is not None:
        target.flush()
        view = memoryview(data)
        while view:  # a pipe may take less than all of it at once
            view = view[os.write(fd, view):]
    elif isinstance(target, io.TextIOBase):
        target.write(data.decode("utf-8"))
    else:
        target.write(data)
