"""The filing package an office hands one court: a ZIP a clerk can check without our software.

Inside the ZIP:
    cover_sheet.pdf                   what is in the package, per relief type, with an index
    all_motions.pdf                   every motion in order, bookmarked, for bulk e-filing or printing
    motions/<file_name>               each motion on its own
    manifest.csv                      one row per motion with the SHA-256 of its file
    hs_11361_9_not_challenged.csv     only when Prop 64 cases are present: the list HS 11361.9
                                      requires the DA to give the court of cases it does not challenge

The same input gives the same ZIP bytes (fixed timestamps and order), so a package can be rebuilt
later and proven identical to what was filed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from .data import Office, format_date
from .pleading import grid_table
from .templates import esc

COVER_SHEET = "cover_sheet.pdf"
MERGED = "all_motions.pdf"
MANIFEST = "manifest.csv"
NOT_CHALLENGED = "hs_11361_9_not_challenged.csv"
MOTIONS_DIR = "motions/"
MANIFEST_HEADER = [
    "person",
    "cii",
    "case_number",
    "court",
    "counts",
    "relief",
    "relief_law",
    "file_name",
    "pages",
    "sha256",
]


@dataclass(frozen=True)
class PackageDocument:
    file_name: str
    pdf_bytes: bytes
    person_name: str
    cii: str
    case_number: str
    court: str
    counts: str
    relief: str
    relief_law: str
    # None: decide from relief_law. Every Prop 64 case the DA files on its own is one it chose
    # not to challenge under HS 11361.9, so those go on the court's list.
    hs_11361_9: bool | None = None

    @property
    def on_not_challenged_list(self) -> bool:
        if self.hs_11361_9 is not None:
            return self.hs_11361_9
        return "11361" in self.relief_law


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_file_name(name: str) -> str:
    # The ZIP is unpacked on court Windows machines: no folders, no reserved characters.
    base = name.replace("\\", "/").split("/")[-1]
    # Keep names readable: "Núñez" becomes "Nunez" rather than "N_ez".
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("_", ascii_name).strip("._")
    if not cleaned:
        raise ValueError(f"file name {name!r} has no usable characters")
    return cleaned if cleaned.lower().endswith(".pdf") else cleaned + ".pdf"


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    # The BOM makes Excel, which most clerks open CSVs in, read accented names correctly.
    return out.getvalue().encode("utf-8-sig")


def _merge(readers: list[tuple[PackageDocument, PdfReader]]) -> bytes:
    writer = PdfWriter()
    for doc, reader in readers:
        writer.append(reader, outline_item=f"{doc.case_number} - {doc.person_name}")
    writer.add_metadata({"/Producer": "Clear My Record", "/Title": "Motions"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cover_sheet(
    documents: list[PackageDocument],
    page_counts: list[int],
    court_name: str,
    office: Office,
    generated_on: date,
) -> bytes:
    title = ParagraphStyle("t", fontName="Times-Bold", fontSize=16, leading=20, spaceAfter=6)
    body = ParagraphStyle("b", fontName="Times-Roman", fontSize=11, leading=14)
    cell = ParagraphStyle("c", fontName="Times-Roman", fontSize=9, leading=11)
    head = ParagraphStyle("h", parent=cell, fontName="Times-Bold")
    per_type = Counter((d.relief_law, d.relief) for d in documents)
    summary = [[law, relief, str(n)] for (law, relief), n in sorted(per_type.items())]
    summary.append(["Total", "", str(len(documents))])

    index = []
    start = 1
    for n, (doc, pages) in enumerate(zip(documents, page_counts), start=1):
        index.append(
            [
                str(n),
                doc.person_name,
                doc.cii,
                doc.case_number,
                f"{doc.relief_law}: {doc.relief}",
                str(pages),
                str(start),
            ]
        )
        start += pages

    address = "<br/>".join(esc(line) for line in office.address_lines)
    not_challenged = sum(d.on_not_challenged_list for d in documents)
    story = [
        Paragraph("Filing package", title),
        Paragraph(f"<b>Court:</b> {esc(court_name)}", body),
        Paragraph(
            f"<b>Filed by:</b> {esc(office.name)}, {esc(office.elected_da)}, District Attorney, "
            f"County of {esc(office.county)}<br/>{address}<br/>{esc(office.phone)}",
            body,
        ),
        Paragraph(f"<b>Prepared on:</b> {format_date(generated_on)}", body),
        Paragraph(f"<b>Motions:</b> {len(documents)} ({sum(page_counts)} pages in {MERGED})", body),
        Spacer(0, 8),
        grid_table(["Statute", "Relief", "Motions"], summary, [110, 270, 60], cell, head),
        Spacer(0, 8),
    ]
    if not_challenged:
        story.append(
            Paragraph(
                f"{not_challenged} case(s) are listed in {NOT_CHALLENGED}: Proposition 64 convictions the "
                "District Attorney has reviewed and does not challenge (Health & Safety Code § 11361.9).",
                body,
            )
        )
        story.append(Spacer(0, 8))
    story += [
        Paragraph(f"Each file's SHA-256 is in {MANIFEST}.", body),
        Spacer(0, 8),
        grid_table(
            ["#", "Person", "CII", "Case number", "Relief", "Pages", "Starts at"],
            index,
            [28, 120, 62, 80, 150, 34, 40],
            cell,
            head,
        ),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=LETTER,
        invariant=1,
        title=f"Filing package - {court_name}",
        author=office.name,
        creator="Clear My Record",
        producer="Clear My Record",
        leftMargin=54,
        rightMargin=54,
        topMargin=54,
        bottomMargin=54,
    )
    doc.build(story)
    return out.getvalue()


def build_filing_package(
    documents: list[PackageDocument],
    court_name: str,
    office: Office,
    generated_on: date,
) -> bytes:
    names = [safe_file_name(d.file_name) for d in documents]
    duplicates = sorted(n for n, k in Counter(names).items() if k > 1)
    if duplicates:
        raise ValueError(f"two motions would share the file name(s) {duplicates}")

    readers = [(d, PdfReader(io.BytesIO(d.pdf_bytes))) for d in documents]
    page_counts = [len(r.pages) for _, r in readers]
    manifest_rows = [
        [
            d.person_name,
            d.cii,
            d.case_number,
            d.court,
            d.counts,
            d.relief,
            d.relief_law,
            MOTIONS_DIR + name,
            str(pages),
            sha256(d.pdf_bytes),
        ]
        for d, name, pages in zip(documents, names, page_counts)
    ]
    entries: list[tuple[str, bytes]] = [
        (COVER_SHEET, cover_sheet(documents, page_counts, court_name, office, generated_on)),
        (MERGED, _merge(readers)),
        (MANIFEST, _csv_bytes(MANIFEST_HEADER, manifest_rows)),
    ]
    not_challenged = [row[:8] for row, d in zip(manifest_rows, documents) if d.on_not_challenged_list]
    if not_challenged:
        entries.append((NOT_CHALLENGED, _csv_bytes(MANIFEST_HEADER[:8], not_challenged)))
    entries += [(MOTIONS_DIR + name, d.pdf_bytes) for d, name in zip(documents, names)]

    # The package date, not the wall clock, stamps every entry, so a rebuild is byte-identical.
    stamp = (max(generated_on.year, 1980), generated_on.month, generated_on.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            # PDFs are already compressed; deflating them again costs time and saves little.
            if name.endswith(".pdf"):
                info.compress_type = zipfile.ZIP_STORED
            zf.writestr(info, data)
    return out.getvalue()
