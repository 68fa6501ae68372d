"""The garbage collector while a DOJ file is read: one pass per chunk of persons.

A part of a county's file allocates millions of short-lived objects, which reference counting frees
as soon as a person is written. The cyclic collector's automatic passes, every few hundred
allocations, kept walking the chunk being built and everything the process already held (Django,
the offense lists): on the 1M-row benchmark they were half of reading and grouping. Inside
:func:`collect_per_chunk` what exists beforehand is left out of the passes (``gc.freeze``) and the
caller runs ``gc.collect()`` itself, between chunks, when little is alive.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Persons between two of the caller's passes.
PERSONS_PER_PASS = 2000


@contextmanager
def collect_per_chunk() -> Iterator[None]:
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()
