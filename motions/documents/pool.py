"""Render many motions, in this process or in a pool of processes over the machine's cores.

A render is pure CPU (reportlab layout, pypdf form filling), so the headless command and the
benchmark spread it over processes. What all documents of a run share - the office's letterhead,
the signers (with their signature images) and the office forms - goes to each worker once, and
every task then names them by key; only the case itself travels with the task.

No Django here: a worker never touches the database, the caller stores what comes back.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass, field

from .acroform import apply_mapping, data_items, fill_with_mapping
from .data import Attorney, MotionCase, Office
from .pleading import render_motion

# Below this many documents a pool costs more to start than it saves.
MIN_POOLED = 16
CHUNK = 8


@dataclass
class Shared:
    offices: dict = field(default_factory=dict)  # key -> Office
    attorneys: dict = field(default_factory=dict)  # key -> Attorney
    forms: dict = field(default_factory=dict)  # key -> (fillable PDF bytes, mapping)


@dataclass(frozen=True)
class RenderTask:
    case: MotionCase
    office: object
    attorney: object
    form: object = None  # None: the built-in pleading


_shared: Shared | None = None


def _init(shared: Shared) -> None:
    global _shared
    _shared = shared


def render_one(task: RenderTask, shared: Shared) -> tuple[bytes, dict | None]:
    """The PDF and, for an office form, the values its fields were filled with."""
    office: Office = shared.offices[task.office]
    attorney: Attorney = shared.attorneys[task.attorney]
    if task.form is None:
        return render_motion(task.case, office, attorney), None
    form, mapping = shared.forms[task.form]
    values = apply_mapping(mapping, data_items(task.case, office, attorney))
    return fill_with_mapping(form, mapping, task.case, office, attorney), values


def _render_in_worker(task: RenderTask):
    return render_one(task, _shared)


def render_many(tasks: list[RenderTask], shared: Shared, *, workers: int = 1) -> Iterator[tuple[bytes, dict | None]]:
    """Results in the order of ``tasks``, yielded as they are ready, so the caller can store
    one while the workers render the next."""
    if workers <= 1 or len(tasks) < MIN_POOLED:
        for task in tasks:
            yield render_one(task, shared)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(min(workers, len(tasks)), initializer=_init, initargs=(shared,)) as pool:
        yield from pool.imap(_render_in_worker, tasks, chunksize=CHUNK)
