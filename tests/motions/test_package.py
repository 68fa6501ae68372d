import csv
import hashlib
import io
import zipfile
from datetime import date

import pdfplumber
import pytest
from pypdf import PdfReader

from motions.documents.data import PC17B, PC1203_4, PROP47, PROP64_FELONY, PROP64_MISDEMEANOR
from motions.documents.package import (
    COVER_SHEET,
    MANIFEST,
    MERGED,
    NOT_CHALLENGED,
    build_filing_package,
    safe_file_name,
)
from motions.documents.pleading import render_motion
from tests.motions import factories

OFFICE = factories.office()
ATTORNEY = factories.attorney()
COURT = "Superior Court of California, County of Alameda"
GENERATED_ON = date(2026, 1, 20)


@pytest.fixture(scope="module")
def documents():
    plan = [(PROP64_FELONY, 3), (PROP64_MISDEMEANOR, 2), (PC1203_4, 1), (PC17B, 2), (PROP47, 4), (PROP64_FELONY, 62)]
    cases = [factories.make_case(relief, n, index=i) for i, (relief, n) in enumerate(plan)]
    return [factories.package_document(c, render_motion(c, OFFICE, ATTORNEY)) for c in cases]


@pytest.fixture(scope="module")
def package(documents):
    return build_filing_package(documents, COURT, OFFICE, GENERATED_ON)


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_manifest_lists_every_motion_with_its_sha256(package, documents):
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        rows = read_csv(zf.read(MANIFEST))
        motion_files = sorted(n for n in zf.namelist() if n.startswith("motions/"))
        assert sorted(r["file_name"] for r in rows) == motion_files
        for row, doc in zip(rows, documents):
            data = zf.read(row["file_name"])
            assert hashlib.sha256(data).hexdigest() == row["sha256"]
            assert data == doc.pdf_bytes
            assert row["person"] == doc.person_name
            assert row["cii"] == doc.cii
            assert row["case_number"] == doc.case_number
            assert row["relief_law"] == doc.relief_law
            assert int(row["pages"]) == len(PdfReader(io.BytesIO(data)).pages)


def test_the_merged_pdf_holds_every_page_in_order(package, documents):
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        merged = PdfReader(io.BytesIO(zf.read(MERGED)))
    page_counts = [len(PdfReader(io.BytesIO(d.pdf_bytes)).pages) for d in documents]
    assert len(merged.pages) == sum(page_counts)
    # Each motion starts where the previous one ended, with its own case number on its first page.
    start = 0
    for doc, pages in zip(documents, page_counts):
        assert doc.case_number in merged.pages[start].extract_text()
        start += pages
    assert [item.title for item in merged.outline] == [f"{d.case_number} - {d.person_name}" for d in documents]


def test_only_prop_64_cases_go_on_the_11361_9_not_challenged_list(package, documents):
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        rows = read_csv(zf.read(NOT_CHALLENGED))
    expected = [d.case_number for d in documents if d.relief_law == "HS 11361.8"]
    assert [r["case_number"] for r in rows] == expected
    assert len(expected) == 3


def test_a_package_without_prop_64_cases_has_no_11361_9_list(documents):
    others = [d for d in documents if d.relief_law != "HS 11361.8"]
    with zipfile.ZipFile(io.BytesIO(build_filing_package(others, COURT, OFFICE, GENERATED_ON))) as zf:
        assert NOT_CHALLENGED not in zf.namelist()


def test_the_cover_sheet_summarises_the_package(package):
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        cover = zf.read(COVER_SHEET)
    with pdfplumber.open(io.BytesIO(cover)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert COURT in text
    assert "Office of the District Attorney, PAT EXAMPLE" in text
    assert "January 20, 2026" in text
    assert "Motions: 6" in text
    assert "HS 11361.8" in text and "PC 17(b)" in text and "PC 1170.18" in text and "PC 1203.4" in text
    assert "Total 6" in text


def test_the_same_input_builds_the_same_zip(documents, package):
    again = build_filing_package(documents, COURT, OFFICE, GENERATED_ON)
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(package).hexdigest()
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        assert {info.date_time for info in zf.infolist()} == {(2026, 1, 20, 0, 0, 0)}


def test_two_motions_cannot_share_a_file_name(documents):
    with pytest.raises(ValueError, match="share the file name"):
        build_filing_package([documents[0], documents[0]], COURT, OFFICE, GENERATED_ON)


def test_file_names_cannot_escape_the_motions_folder():
    assert safe_file_name("../../etc/passwd") == "passwd.pdf"
    assert safe_file_name("24-CR-1 Núñez.pdf") == "24-CR-1_Nunez.pdf"
