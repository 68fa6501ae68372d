"""Text out of a RAP sheet file: lines with their page numbers, page furniture removed.

RAP sheets reach the office as PDFs printed from the DOJ terminal (a text layer), as scans (no
text layer) or as plain text dumps. Extraction never guesses: a page without a text layer is
reported by number, a file that is not a PDF or is cut short is an :class:`ExtractionError` with
a reason a clerk can act on. pypdfium2 is the engine we use (it reads the same lines as pdfplumber
about a hundred times faster, see ``bench/bench_rap_extract.py``); pdfplumber is kept so that the
measurement can be repeated.
"""

from __future__ import annotations

import io
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path


class ExtractionError(Exception):
    """The file cannot be read as a RAP sheet. ``kind`` is one of ``not_pdf``, ``empty``,
    ``corrupt``, ``not_text``; ``str(error)`` is the message shown to staff."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One line of extracted text. ``line`` counts every extracted line, removed page furniture
    included, so that a reference can be found again in the raw text of the file."""

    text: str
    line: int
    page: int | None = None


@dataclass(slots=True)
class ExtractionResult:
    source: str
    lines: list[SheetLine] = field(default_factory=list)
    pages: int = 0
    image_only_pages: list[int] = field(default_factory=list)
    # Status notes for staff: pages without a text layer, OCR availability, a truncated file.
    messages: list[str] = field(default_factory=list)
    engine: str = ""
    removed: list[SheetLine] = field(default_factory=list)  # page headers/footers taken out
    truncated: bool = False
    ocr_pages: list[int] = field(default_factory=list)  # image-only pages read by OCR

    @property
    def has_text(self) -> bool:
        return any(line.text.strip() for line in self.lines)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# --- page furniture ----------------------------------------------------------------------------

# "PAGE 2 OF 3" can land anywhere, even inside a count, and sometimes shares a line with text.
_PAGE_OF_RE = re.compile(r"\bPAGE\s*:?\s*\d{1,4}\s+OF\s+\d{1,4}\b", re.IGNORECASE)
_FURNITURE_RES = (
    re.compile(r"^\s*-?\s*\d{1,3}\s*-?\s*$"),  # a bare page number
    re.compile(r"(https?://|file:///|\bwww\.)\S+", re.IGNORECASE),  # browser print footers
    re.compile(r"^\s*(PRINT(ED)?\s+)?ROUTE\s*[:/]", re.IGNORECASE),  # printing route line
    re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}"),  # browser print timestamp
)


def is_page_furniture(text: str) -> bool:
    """True for lines a printer or browser added to a page, not part of the record."""
    stripped = _PAGE_OF_RE.sub("", text).strip()
    if not stripped:
        return bool(text.strip())
    return any(pattern.search(text) for pattern in _FURNITURE_RES)


def strip_page_furniture(text: str) -> str:
    """Remove an inline ``PAGE n OF m`` from a line that also carries record text."""
    return _PAGE_OF_RE.sub("", text).rstrip()


def _lines_from_pages(source: str, page_texts: list[str], paged: bool) -> ExtractionResult:
    result = ExtractionResult(source=source, pages=len(page_texts))
    number = 0
    for page_index, page_text in enumerate(page_texts, start=1):
        for raw in page_text.splitlines():
            number += 1
            text = raw.replace("\u00a0", " ").rstrip()
            page = page_index if paged else None
            if is_page_furniture(text):
                result.removed.append(SheetLine(text, number, page))
                continue
            result.lines.append(SheetLine(strip_page_furniture(text), number, page))
    return result


# --- engines -----------------------------------------------------------------------------------


# PDFium is not thread-safe, not even across different documents: two threads inside it at once
# crashed a worker running the thread pool (a segmentation fault, the whole process lost). A
# prefork worker never waits on this lock.
_PDFIUM = threading.Lock()


def page_texts_pdfium(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            failure = error  # explained outside the lock, by pypdf
        else:
            try:
                texts = []
                for index in range(len(document)):
                    page = document[index]
                    textpage = page.get_textpage()
                    texts.append(textpage.get_text_range() if textpage.count_chars() else "")
                    textpage.close()
                    page.close()
                return texts
            finally:
                document.close()
    raise _unopenable(data, failure) from failure


def _unopenable(data: bytes, error: Exception) -> ExtractionError:
    """Why a PDF cannot be opened, in words a clerk can act on."""
    # pdfium refuses a document with no pages; pypdf tells that case apart from real damage.
    try:
        from pypdf import PdfReader

        if len(PdfReader(io.BytesIO(data)).pages) == 0:
            return ExtractionError("empty", "the PDF has no pages")
    except Exception:  # any failure here only confirms that the file is damaged
        pass
    if b"%%EOF" not in data[-2048:]:
        reason = f"the PDF is truncated (no end-of-file marker) and cannot be opened ({error})"
        return ExtractionError("corrupt", reason)
    return ExtractionError("corrupt", f"the PDF is damaged and cannot be opened ({error})")


def page_texts_pdfplumber(data: bytes) -> list[str]:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]
    except Exception as error:  # pdfminer raises many unrelated types for a damaged file
        raise ExtractionError("corrupt", f"the PDF is damaged or truncated and cannot be read ({error})") from error


ENGINES = {"pdfium": page_texts_pdfium, "pdfplumber": page_texts_pdfplumber}


def ocr_available() -> bool:
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return shutil.which("tesseract") is not None


def _ocr_pages(data: bytes, page_numbers: list[int]) -> dict[int, str]:
    import pypdfium2 as pdfium
    import pytesseract

    with _PDFIUM:
        document = pdfium.PdfDocument(data)
    try:
        texts = {}
        for number in page_numbers:
            with _PDFIUM:  # one page at a time inside PDFium; tesseract runs outside the lock
                image = document[number - 1].render(scale=300 / 72).to_pil()
            texts[number] = pytesseract.image_to_string(image)
        return texts
    finally:
        with _PDFIUM:
            document.close()


# --- entry points ------------------------------------------------------------------------------


def extract_pdf(data: bytes, source: str = "", engine: str = "pdfium", ocr: bool = True) -> ExtractionResult:
    if not data:
        raise ExtractionError("empty", "the file is empty (0 bytes)")
    if not data.lstrip()[:5] == b"%PDF-":
        raise ExtractionError("not_pdf", "the file is not a PDF (it does not start with %PDF-)")
    page_texts = ENGINES[engine](data)
    if not page_texts:
        raise ExtractionError("empty", "the PDF has no pages")
    image_only = [number for number, text in enumerate(page_texts, start=1) if not text.strip()]
    messages = []
    ocr_pages: list[int] = []
    if image_only and ocr and ocr_available():
        for number, text in _ocr_pages(data, image_only).items():
            page_texts[number - 1] = text
            messages.append(f"page {number} has no text layer; read with OCR (tesseract) - check it")
        ocr_pages = list(image_only)
    elif image_only:
        messages.extend(f"page {number} has no text layer; OCR (tesseract) is not installed" for number in image_only)
    result = _lines_from_pages(source, page_texts, paged=True)
    result.engine = engine
    result.image_only_pages = image_only
    result.ocr_pages = ocr_pages
    result.messages = messages
    # pdfium quietly repairs a file cut short and returns the pages it could rebuild; staff must
    # know that the end of the record (often the latest cycles) may be missing.
    if b"%%EOF" not in data[-2048:]:
        result.truncated = True
        result.messages.append("the PDF looks truncated (no end-of-file marker); pages may be missing")
    return result


def extract_text(text: str, source: str = "") -> ExtractionResult:
    """A plain-text RAP sheet; form feeds, when present, separate pages."""
    pages = text.split("\f")
    result = _lines_from_pages(source, pages, paged=len(pages) > 1)
    result.engine = "text"
    return result


def extract_file(path: str | Path, engine: str = "pdfium") -> ExtractionResult:
    """Read a ``.pdf`` or ``.txt`` RAP sheet; the content, not the suffix, decides the format."""
    path = Path(path)
    data = path.read_bytes()
    return extract_bytes(data, path.name, engine=engine, pdf_expected=path.suffix.lower() == ".pdf")


def extract_bytes(
    data: bytes, source: str = "", engine: str = "pdfium", pdf_expected: bool = False
) -> ExtractionResult:
    if not data:
        raise ExtractionError("empty", "the file is empty (0 bytes)")
    if data.lstrip()[:5] == b"%PDF-" or pdf_expected:
        return extract_pdf(data, source, engine=engine)
    if b"\x00" in data[:4096]:
        raise ExtractionError("not_text", "the file is neither a PDF nor a text RAP sheet")
    return extract_text(data.decode("utf-8", errors="replace"), source)
