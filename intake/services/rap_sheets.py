"""One RAP sheet file in, one person's record out (or a precise reason why not)."""

import time

from django.db import transaction
from django.utils import timezone

from eligibility.bulk import ChunkEntry, evaluate_chunk
from eligibility.services import current_policy, office_today
from intake.rap_sheet.extract import ExtractionError, extract_bytes
from intake.rap_sheet.parser import parse_rap_sheet

from ..models import SourceFile
from .files import source_path
from .records import save_record


class SheetRejected(Exception):
    """The file holds no record we can store; the message is shown to staff as the file's status."""


def read_sheet(source: SourceFile, seconds: dict | None = None):
    seconds = seconds if seconds is not None else {}
    started = time.perf_counter()
    data = source_path(source).read_bytes()
    try:
        extraction = extract_bytes(data, source.original_name,
                                   pdf_expected=source.original_name.lower().endswith(".pdf"))
    except ExtractionError as error:
        raise SheetRejected(error.message) from error
    finally:
        seconds["extract"] = time.perf_counter() - started
    if not extraction.has_text:
        notes = "; ".join(extraction.messages) or "no text could be read from the file"
        raise SheetRejected(f"no readable text: {notes}")
    started = time.perf_counter()
    parsed = parse_rap_sheet(extraction, source.original_name)
    seconds["parse"] = time.perf_counter() - started
    if parsed.person is None:
        raise SheetRejected(parsed.message or f"not a RAP sheet ({parsed.status})")
    return extraction, parsed


@transaction.atomic
def process_rap_sheet(source: SourceFile) -> tuple[list[int], int]:
    """Parse, store and evaluate the sheet in one transaction; returns the person id and cycle count."""
    seconds: dict = {}
    extraction, parsed = read_sheet(source, seconds)
    started = time.perf_counter()
    saved = save_record(source, parsed.person, needs_review=parsed.needs_review)
    seconds["store"] = time.perf_counter() - started
    started = time.perf_counter()
    policy, _label = current_policy(source.office)
    evaluate_chunk(source.office, [ChunkEntry(saved.person.pk, saved.snapshot.pk, parsed.person)], policy,
                   office_today(source.office), batch_id=source.batch_id)
    seconds["evaluate"] = time.perf_counter() - started
    # Kept with the file, like a DOJ file's parts: the benchmark reports the split per stage.
    source.parts = [{"done": True, "stats": {"seconds": {k: round(v, 4) for k, v in seconds.items()}}}]
    source.pages = extraction.pages or None
    source.persons_built = 1
    source.warnings = [
        {"message": w.message, "line": w.ref.line if w.ref else None, "page": w.ref.page if w.ref else None,
         "affects_eligibility": w.affects_eligibility}
        for w in parsed.warnings
    ]
    source.status = SourceFile.Status.NEEDS_REVIEW if parsed.needs_review else SourceFile.Status.DONE
    flagged = sum(1 for w in parsed.warnings if w.affects_eligibility)
    source.message = (f"{flagged} warning(s) that could change a determination: sent to attorney review"
                      if flagged else f"read {extraction.pages or 1} page(s)")
    source.processed_at = timezone.now()
    source.save(update_fields=["pages", "persons_built", "warnings", "status", "message", "processed_at", "parts"])
    return [saved.person.pk], len(parsed.person.cycles)
