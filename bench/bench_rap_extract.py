"""Measure RAP sheet text extraction: pypdfium2 (what intake uses) against pdfplumber.

Generates multi-page synthetic RAP sheet PDFs, extracts each with both engines, and reports the
time per engine and whether both give the same lines once whitespace is normalised (pdfplumber
collapses runs of spaces, so raw lines differ by design).

    .venv/bin/python bench/bench_rap_extract.py --sheets 10 --pages 20 30
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake.rap_sheet.extract import extract_pdf  # noqa: E402
from intake.rap_sheet.generator import generate_sheet, render_pdf  # noqa: E402


def _normalised(result) -> list[str]:
    return [" ".join(line.text.split()) for line in result.lines if line.text.strip()]


def run(sheets: int, pages: tuple[int, int], seed: int) -> dict:
    directory = Path(tempfile.mkdtemp(prefix="bench_rap_"))
    files = []
    for index in range(sheets):
        sheet = generate_sheet(seed + index, pages=pages, record_error=False)
        files.append(render_pdf(sheet.pdf_text, directory / f"sheet_{index}.pdf", seed=seed + index))
    timings = {"pdfium": 0.0, "pdfplumber": 0.0}
    total_pages = 0
    equal = 0
    first_difference = None
    for path in files:
        data = path.read_bytes()
        results = {}
        for engine in timings:
            start = time.perf_counter()
            results[engine] = extract_pdf(data, path.name, engine=engine)
            timings[engine] += time.perf_counter() - start
        total_pages += results["pdfium"].pages
        a, b = _normalised(results["pdfium"]), _normalised(results["pdfplumber"])
        if a == b:
            equal += 1
        elif first_difference is None:
            diff = next(((i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y), (min(len(a), len(b)), "", ""))
            first_difference = (path.name, len(a), len(b), diff)
    return {
        "sheets": sheets,
        "pages": total_pages,
        "timings": timings,
        "equal": equal,
        "first_difference": first_difference,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=10)
    parser.add_argument("--pages", type=int, nargs=2, default=(20, 30), metavar=("MIN", "MAX"))
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args(argv)
    report = run(args.sheets, tuple(args.pages), args.seed)
    pages = report["pages"]
    print(f"{report['sheets']} generated RAP sheet PDFs, {pages} pages in all")
    for engine, seconds in report["timings"].items():
        print(f"  {engine:<10} {seconds:8.3f} s total  {1000 * seconds / max(pages, 1):7.2f} ms/page")
    ratio = report["timings"]["pdfplumber"] / max(report["timings"]["pdfium"], 1e-9)
    print(f"  pdfplumber / pdfium time: {ratio:.0f}x")
    print(f"  same lines after whitespace normalisation: {report['equal']} of {report['sheets']} sheets")
    if report["first_difference"]:
        print(f"  first difference: {report['first_difference']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
