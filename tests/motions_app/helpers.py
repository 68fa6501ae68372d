import io
import re

import pdfplumber


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pages(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def read(field_file) -> bytes:
    with field_file.open("rb") as fh:
        return fh.read()
