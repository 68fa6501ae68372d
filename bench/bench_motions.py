"""Render 1,000 motions (mixed relief types, 1-8 counts) and build one filing package.

    .venv/bin/python bench/bench_motions.py [--motions 1000] [--workers 2]

Prints the single-process time, the pooled time, and the package time. Target: 1,000 motions
plus the package in 20 s or less on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from motions.documents.package import build_filing_package  # noqa: E402
from motions.documents.pleading import render_motion  # noqa: E402
from tests.motions import factories  # noqa: E402

OFFICE = factories.office()
ATTORNEY = factories.attorney()


def _render(case):
    return render_motion(case, OFFICE, ATTORNEY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--motions", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    cases = factories.mixed_cases(args.motions)

    start = time.perf_counter()
    single = [_render(c) for c in cases]
    single_s = time.perf_counter() - start

    start = time.perf_counter()
    # Chunks keep the per-task pickling overhead small next to a ~20 ms render.
    with Pool(args.workers) as pool:
        pooled = pool.map(_render, cases, chunksize=25)
    pooled_s = time.perf_counter() - start
    assert pooled == single, "rendering is not deterministic across processes"

    start = time.perf_counter()
    documents = [factories.package_document(c, pdf) for c, pdf in zip(cases, pooled)]
    package = build_filing_package(documents, cases[0].court_name, OFFICE, date(2026, 1, 15))
    package_s = time.perf_counter() - start

    pages = sum(pdf.count(b"/Type /Page\n") for pdf in single)
    n = len(cases)
    print(f"motions: {n}, pages: {pages}, package: {len(package) / 1e6:.1f} MB")
    print(f"render, 1 process:        {single_s:6.2f} s  ({n / single_s:6.1f} motions/s)")
    print(f"render, {args.workers} processes:      {pooled_s:6.2f} s  ({n / pooled_s:6.1f} motions/s)")
    print(f"filing package:           {package_s:6.2f} s")
    print(f"total, 1 process:         {single_s + package_s:6.2f} s")
    print(f"total, {args.workers} processes:       {pooled_s + package_s:6.2f} s")


if __name__ == "__main__":
    main()
