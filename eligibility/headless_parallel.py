"""``evaluate`` of a large DOJ file on every core: one process per part of the file.

Each process indexes and reads its part (cut at subject boundaries), evaluates its persons and
writes its share of every output to its own files; the parent appends the shares in file order
(in the kernel: they add up to gigabytes), so the output is the same as one process would write.
In the rare file where a subject's rows are split across parts, the determination columns of its
lines are routed through the parent to the process that owns those lines, before each process
writes the joined rows of its byte range (see :class:`intake.doj.results.ResultsPass`).
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path
from typing import TextIO

from intake.doj.collector import collect_per_chunk
from intake.doj.group import merge_indexes, plan_chunks, scan_subjects
from intake.doj.results import JOINED_FILES, ResultsPass, write_summary

from .engine.output import determination_rows, person_summary_row
from .impact import ImpactSummary

# Persons between two garbage-collector passes in a part process.
GC_EVERY = 2000


def _owner(line: int, starts: list[int]) -> int:
    owner = 0
    for number, first in enumerate(starts):
        if line >= first:
            owner = number
    return owner


def _part(*args):
    with collect_per_chunk():  # gc.collect() every GC_EVERY persons below
        _evaluate_part(*args)


def _evaluate_part(conn, path, chunk, starts, policy, as_of, fmt, person_summary, export, work):
    from .headless import CONTRACT_KEYS, SUMMARY_KEYS, RowWriter

    # Each process indexes its own part; the parent merges the parts to find split subjects.
    conn.send(scan_subjects(path, chunk=chunk))
    index = conn.recv()
    run = ResultsPass(path, export, policy, as_of, chunk=chunk, index=index, suffix=f".part{chunk.number}",
                      hashed=person_summary)
    keys = SUMMARY_KEYS if person_summary else CONTRACT_KEYS
    # Subjects split across the file come last from a single process: keep that order here.
    # Only part 0 rebuilds split subjects; other parts write everything in file order.
    late_name = "rows-split" if chunk.number == 0 else f"rows-split-unused-{chunk.number}"
    with open(work / f"rows-{chunk.number}", "w", newline="", buffering=1 << 20) as handle, \
            open(work / late_name, "w", newline="") as late:
        writer, late_writer = RowWriter(handle, fmt, keys), RowWriter(late, fmt, keys)
        for number, (item, result) in enumerate(run, 1):
            if number % GC_EVERY == 0:
                gc.collect()
            person = item.person
            target = late_writer if item.regrouped else writer
            if person_summary:
                target.write(person_summary_row(person, result, path.name))
            else:
                for row in determination_rows(person, result, path.name):
                    target.write(row)
    by_line = run.by_line
    foreign = {}
    for line in [line for line in by_line if _owner(line, starts) != chunk.number]:
        foreign[line] = by_line.pop(line)
    stats = run.stats
    tallies = {"rows_read": stats.rows_read, "rows_rejected": stats.rows_rejected, "persons": stats.persons,
               "file_problem": stats.file_problem}
    conn.send((run.summary, tallies, foreign))
    run.finish(conn.recv())
    conn.send("done")
    conn.close()


def evaluate_doj_parallel(path: Path, policy, as_of, *, fmt: str, out: TextIO, person_summary: bool,
                          export_dir: Path | None, workers: int = 2) -> dict:
    """Evaluate one DOJ file with ``workers`` processes; returns the file's tallies (and impact)."""
    chunks = plan_chunks(path, workers)
    starts = [chunk.first_line for chunk in chunks]
    work = Path(tempfile.mkdtemp(prefix="cmr-evaluate-"))
    if export_dir is not None:
        export_dir.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("fork")
    try:
        pipes, processes = [], []
        for chunk in chunks:
            parent, child = context.Pipe()
            process = context.Process(target=_part, args=(child, path, chunk, starts, policy, as_of, fmt,
                                                           person_summary, export_dir, work))
            process.start()
            pipes.append(parent)
            processes.append(process)
        index = merge_indexes([pipe.recv() for pipe in pipes])
        for pipe in pipes:
            pipe.send(index)
        summary = ImpactSummary(as_of=as_of.isoformat(), county=policy.county)
        tallies = {"rows_read": 0, "rows_rejected": 0, "persons": 0, "file_problem": None}
        routed: list[dict] = [{} for _ in chunks]
        for pipe in pipes:
            part_summary, part_tallies, foreign = pipe.recv()
            summary.merge(part_summary)
            for key in ("rows_read", "rows_rejected", "persons"):
                tallies[key] += part_tallies[key]
            tallies["file_problem"] = tallies["file_problem"] or part_tallies["file_problem"]
            for line, columns in foreign.items():
                routed[_owner(line, starts)].setdefault(line, []).extend(columns)
        for pipe, extra in zip(pipes, routed, strict=True):
            pipe.send(extra)
        for pipe, process in zip(pipes, processes, strict=True):
            if pipe.recv() != "done":
                raise RuntimeError("a part of the file was not written")
            process.join()
            if process.exitcode:
                raise RuntimeError(f"a worker process ended with status {process.exitcode}")
        _append_files([*(work / f"rows-{chunk.number}" for chunk in chunks), work / "rows-split"], out,
                      skip_header=fmt == "csv")
        if export_dir is not None:
            for name in JOINED_FILES:
                # Part 0 wrote the header and becomes the file; the others are appended to it.
                final = export_dir / name
                os.replace(export_dir / f"{name}.part0", final)
                with open(final, "ab") as target:
                    _append_files([export_dir / f"{name}.part{chunk.number}" for chunk in chunks[1:]], target)
            impact = summary.as_dict()
            impact["rows_read"] = tallies["rows_read"]
            impact["rows_rejected"] = tallies["rows_rejected"]
            write_summary(export_dir, impact)
            tallies["impact"] = impact
        return tallies
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if export_dir is not None:
            for leftover in export_dir.glob("*.part[0-9]*"):
                leftover.unlink(missing_ok=True)


def _append_files(parts: list[Path], target, *, skip_header: bool = False) -> None:
    """Append files to ``target`` (a text or binary file object) byte for byte, in the kernel where it
    can: the shares of a county's file add up to several GB, too much to pass through Python."""
    target.flush()
    fd = _fileno(target)
    header_seen = False
    for part in parts:
        with open(part, "rb") as handle:
            offset = 0
            if skip_header:
                first = handle.readline()
                offset = len(first)
                if first and not header_seen:
                    _write_bytes(target, fd, first)
                    header_seen = True
            size = os.fstat(handle.fileno()).st_size
            if fd is not None:
                try:
                    while offset < size:
                        sent = os.sendfile(fd, handle.fileno(), offset, size - offset)
                        if not sent:
                            break
                        offset += sent
                    continue
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
