"""Speed and memory of the DOJ research-file reading core, stage by stage.

    .venv/bin/python bench/bench_doj_read.py              # 1,000,000 rows
    .venv/bin/python bench/bench_doj_read.py 200000 --compare

Generates a synthetic file (seeded), then times: the subject index pass, the streaming reader
alone, and reader + grouping into Person records; prints rows/s per stage and the peak RSS
(``resource.getrusage``). ``--compare`` also times the raw parse with the csv module, pyarrow's
streaming CSV reader and polars' batched reader, each with and without turning the values into
Python rows (what the grouping needs); pyarrow/polars are optional and skipped when missing.
Not a unit test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake.doj.columns import (  # noqa: E402 - the repository root is put on the path first
    CNT_ORDER,
    COLUMNS,
    CONV_STAT_DESCR,
    CYC_ORDER,
    DISP_DESCR,
    OFFENSE_DESCR,
    PRI_DOB,
    PRI_NAME,
    SENT_LENGTH,
    SENT_LOC_DESCR,
    STP_EVENT_DATE,
    STP_ORDER,
    STP_TYPE_DESCR,
    SUBJECT_ID,
)
from intake.doj.generator import generate_doj_file  # noqa: E402
from intake.doj.group import (  # noqa: E402
    FileStats,
    SubjectIndex,
    iter_persons,
    merge_indexes,
    plan_chunks,
    scan_subjects,
)
from intake.doj.reader import read_rows  # noqa: E402

# The columns the grouping reads on every row; a columnar reader must hand at least these over.
HOT_COLUMNS = (SUBJECT_ID, PRI_NAME, PRI_DOB, CYC_ORDER, STP_ORDER, STP_EVENT_DATE, STP_TYPE_DESCR, CNT_ORDER,
               OFFENSE_DESCR, DISP_DESCR, CONV_STAT_DESCR, SENT_LOC_DESCR, SENT_LENGTH)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    # Worker processes count too; on a shared machine CPU time says more than wall time.
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def stage(label: str, rows: int, func) -> object:
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = func()
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    print(f"{label:<46} {seconds:6.2f} s {rows / seconds:>10,.0f} rows/s  (CPU {cpu:6.2f} s)  "
          f"peak RSS {peak_rss_mb():6.1f} MB", flush=True)
    return result


def read_only(path: Path) -> int:
    reader = read_rows(path)
    for _ in reader:
        pass
    assert reader.counts.balanced
    return reader.counts.read


def read_and_group(path: Path, stats: FileStats) -> int:
    persons = 0
    for _ in iter_persons(path, stats=stats):
        persons += 1
    return persons


def _scan_worker(job) -> SubjectIndex:
    path, chunk = job
    return scan_subjects(path, chunk=chunk)


def _chunk_worker(job) -> FileStats:
    path, chunk, index = job
    stats = FileStats(path.name)
    for _ in iter_persons(path, stats=stats, index=index, chunk=chunk):
        pass
    return stats


def parallel_read_and_group(path: Path, workers: int) -> FileStats:
    """What a multiprocessing pipeline does: cut the file at subject starts, index the chunks in
    parallel and merge the indexes, group one chunk per worker, merge the tallies."""
    from multiprocessing import get_context

    chunks = plan_chunks(path, workers)
    with get_context("fork").Pool(workers) as pool:
        index = merge_indexes(pool.map(_scan_worker, [(path, chunk) for chunk in chunks]))
        parts = pool.map(_chunk_worker, [(path, chunk, index) for chunk in chunks])
    total = FileStats(path.name)
    for part in parts:
        total.merge(part)
    return total


def csv_module(path: Path) -> int:
    n = 0
    with open(path, newline="", encoding="utf-8") as handle:
        for _ in csv.reader(handle):
            n += 1
    return n


def pyarrow_batches(path: Path, to_python: bool) -> int:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    read = pacsv.ReadOptions(column_names=list(COLUMNS), skip_rows=1, block_size=1 << 22)
    parse = pacsv.ParseOptions(invalid_row_handler=lambda row: "skip")
    convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in COLUMNS}, strings_can_be_null=False)
    n = 0
    for batch in pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert):
        if to_python:
            columns = [batch.column(i).to_pylist() for i in HOT_COLUMNS]
            for _ in zip(*columns, strict=True):
                n += 1
        else:
            n += batch.num_rows
    return n


def polars_batches(path: Path, to_python: bool) -> int:
    import polars as pl

    frame = pl.scan_csv(path, has_header=True, infer_schema=False, truncate_ragged_lines=True)
    if to_python:
        frame = frame.select([COLUMNS[i] for i in HOT_COLUMNS])
    n = 0
    for batch in frame.collect_batches(chunk_size=100_000):
        if to_python:
            for _ in batch.iter_rows():
                n += 1
        else:
            n += batch.height
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", type=Path, help="keep the generated file here (reused if it exists)")
    parser.add_argument("--compare", action="store_true", help="also time csv vs pyarrow vs polars")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel stage (0: skip)")
    args = parser.parse_args()

    directory = tempfile.TemporaryDirectory()
    path = args.file or Path(directory.name) / "doj.csv"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), {args.rows:,} rows, seed {args.seed}")
    if args.file is None or not path.exists():
        generated = stage("generate (streaming write)", args.rows,
                          lambda: generate_doj_file(path, args.rows, seed=args.seed))
        print(f"    {generated.rows:,} rows, {generated.persons:,} persons, "
              f"{generated.irregular_rows:,} irregular rows, {path.stat().st_size / 1e6:,.0f} MB")
    with open(path, "rb") as handle:
        rows = sum(1 for _ in handle) - 1

    stage("subject index pass (scan_subjects)", rows, lambda: scan_subjects(path))
    stage("read_rows (stream, validate)", rows, lambda: read_only(path))
    stats = FileStats(path.name)
    stage("iter_persons (index + read + group)", rows, lambda: read_and_group(path, stats))
    print(f"    read {stats.rows_read:,} = accepted {stats.rows_accepted:,} + rejected {stats.rows_rejected:,}"
          f" (repaired {stats.rows_repaired:,}); {stats.persons:,} persons, {stats.counts:,} counts, "
          f"{stats.convictions:,} convictions, {len(stats.cii_conflicts):,} CII conflicts")

    if args.workers > 1:
        total = stage(f"iter_persons on {args.workers} processes (index + chunks)", rows,
                      lambda: parallel_read_and_group(path, args.workers))
        assert (total.persons, total.convictions, total.rows_read) == (stats.persons, stats.convictions,
                                                                      stats.rows_read)
        print("    same persons, convictions and rows as the single pass (peak RSS is the parent's)")

    if args.compare:
        print("raw parse, whole file:")
        stage("  csv.reader (all 95 fields as lists)", rows, lambda: csv_module(path))
        for label, func in (("pyarrow open_csv", pyarrow_batches), ("polars scan_csv batches", polars_batches)):
            try:
                stage(f"  {label} (columnar, no Python rows)", rows, lambda f=func: f(path, False))
                stage(f"  {label} + {len(HOT_COLUMNS)} cols to Python rows", rows, lambda f=func: f(path, True))
            except ImportError as exc:
                print(f"  {label}: not installed ({exc.name})")
    directory.cleanup()


if __name__ == "__main__":
    main()
