"""Reading the California DOJ bulk criminal-history extract ("research file") into records.

``reader`` streams rows and row errors, ``normalize`` turns field text into record facts,
``group`` assembles :class:`~eligibility.engine.record.Person` records one subject at a time,
``generator`` writes synthetic files for tests and benchmarks. No Django here: the same code
runs in a Celery task, a management command and the benchmark.

Typical use::

    stats = FileStats("doj.csv")
    for item in iter_persons(path, stats=stats, on_error=errors.append):
        evaluate(item.person)
    assert stats.balanced  # rows read == accepted + rejected
"""

from .group import (
    Chunk,
    FileStats,
    PersonBatchItem,
    SubjectIndex,
    iter_persons,
    merge_indexes,
    plan_chunks,
    read_file,
    scan_subjects,
)
from .reader import DojReader, ReadCounts, Row, RowError, RowResult, read_rows

__all__ = [
    "Chunk",
    "DojReader",
    "FileStats",
    "PersonBatchItem",
    "ReadCounts",
    "Row",
    "RowError",
    "RowResult",
    "SubjectIndex",
    "iter_persons",
    "merge_indexes",
    "plan_chunks",
    "read_file",
    "read_rows",
    "scan_subjects",
]
