"""RAP sheet reading: file -> text lines (:mod:`.extract`) -> normalized record (:mod:`.parser`).

No Django here: the Django app, the management command and the benchmarks all call
:func:`read_rap_sheet` (or the two steps) the same way.
"""

from __future__ import annotations

from pathlib import Path

from .extract import ExtractionError, ExtractionResult, SheetLine, extract_bytes, extract_file, extract_text
from .parser import ParsedSheet, parse_rap_sheet

__all__ = [
    "ExtractionError",
    "ExtractionResult",
    "ParsedSheet",
    "SheetLine",
    "extract_bytes",
    "extract_file",
    "extract_text",
    "parse_rap_sheet",
    "read_rap_sheet",
]


def read_rap_sheet(path: str | Path, engine: str = "pdfium") -> ParsedSheet:
    """Extract and parse one file. Raises :class:`ExtractionError` when the file cannot be read
    (not a PDF, empty, damaged); pages without a text layer become review warnings."""
    extraction = extract_file(path, engine=engine)
    return parse_rap_sheet(extraction, extraction.source)
