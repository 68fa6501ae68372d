"""Extraction from PDF and text, page furniture, and files that are not readable RAP sheets."""

import io

import pytest
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from intake.rap_sheet.extract import (
    ExtractionError,
    extract_bytes,
    extract_file,
    extract_pdf,
    extract_text,
    is_page_furniture,
)
from intake.rap_sheet.generator import generate_sheet, render_pdf
from intake.rap_sheet.parser import parse_rap_sheet


@pytest.fixture(scope="module")
def three_page_pdf(tmp_path_factory):
    sheet = generate_sheet(11, pages=(3, 3), record_error=False)
    path = render_pdf(sheet.pdf_text, tmp_path_factory.mktemp("pdf") / "sheet.pdf", seed=11)
    return sheet, path


def _image_only_pdf() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(72, 72, 300, 400, fill=1)
    pdf.drawImage(ImageReader(Image.new("RGB", (40, 20), "gray")), 100, 500, 200, 100)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "line",
    [
        "PAGE 2 OF 3",
        "                    Page 12 of 40",
        "ROUTE:CA0019999 PRINTED 20190102 10:11",
        "https://rap.example.invalid/transcript/1",
        "1/2/2019, 10:11 AM",
        "- 2 -",
        "3",
    ],
)
def test_page_furniture_is_recognized(line):
    assert is_page_furniture(line)


@pytest.mark.parametrize("line", ["CNT:01     #A1", "19950601  CASC OAKLAND", "    02 DOE,JANIE", "* * * *", "- - - -"])
def test_record_lines_are_not_furniture(line):
    assert not is_page_furniture(line)


def test_pdf_lines_carry_their_page_and_headers_are_removed(three_page_pdf):
    sheet, path = three_page_pdf
    result = extract_file(path)
    assert result.engine == "pdfium" and result.pages == 3 and result.image_only_pages == []
    assert {line.page for line in result.lines} == {1, 2, 3}
    assert not any("PAGE" in line.text and " OF " in line.text for line in result.lines)
    assert not any("ROUTE:" in line.text or "https://" in line.text for line in result.lines)
    assert len(result.removed) == 9  # route, PAGE n OF m and URL on each page
    expected_lines = [line for page in sheet.pages for line in page.split("\n") if line.strip()]
    assert [" ".join(x.text.split()) for x in result.lines if x.text.strip()] == [
        " ".join(x.split()) for x in expected_lines
    ]


def test_pdfplumber_reads_the_same_lines_after_whitespace_normalisation(three_page_pdf):
    _, path = three_page_pdf
    data = path.read_bytes()
    a = [" ".join(x.text.split()) for x in extract_pdf(data, engine="pdfium").lines if x.text.strip()]
    b = [" ".join(x.text.split()) for x in extract_pdf(data, engine="pdfplumber").lines if x.text.strip()]
    assert a == b


def test_line_numbers_point_into_the_raw_text_including_removed_lines():
    result = extract_text("PAGE 1 OF 1\nCII/A12345678\n\fPAGE 2 OF 2\nNAM/01 DOE,JANE\n")
    assert [(x.text, x.line, x.page) for x in result.lines if x.text] == [
        ("CII/A12345678", 2, 1),
        ("NAM/01 DOE,JANE", 4, 2),
    ]


def test_not_a_pdf_is_refused_with_a_reason():
    with pytest.raises(ExtractionError) as error:
        extract_pdf(b"GIF89a this is an image")
    assert error.value.kind == "not_pdf"


def test_binary_garbage_is_neither_pdf_nor_text():
    with pytest.raises(ExtractionError) as error:
        extract_bytes(bytes(range(256)) * 4)
    assert error.value.kind == "not_text"


def test_a_pdf_suffix_on_text_is_refused(tmp_path):
    path = tmp_path / "sheet.pdf"
    path.write_text("CII/A12345678\n")
    with pytest.raises(ExtractionError) as error:
        extract_file(path)
    assert error.value.kind == "not_pdf"


def test_zero_byte_file_is_empty(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(ExtractionError) as error:
        extract_file(path)
    assert error.value.kind == "empty"


def test_pdf_without_pages_is_empty():
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    with pytest.raises(ExtractionError) as error:
        extract_pdf(buffer.getvalue())
    assert error.value.kind == "empty"


def test_truncated_pdf_is_reported_as_truncated(three_page_pdf):
    _, path = three_page_pdf
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 64):
        with pytest.raises(ExtractionError) as error:
            extract_pdf(data[:cut])
        assert error.value.kind == "corrupt" and "truncated" in error.value.message


def test_image_only_page_is_reported_and_the_sheet_is_not_guessed():
    result = extract_pdf(_image_only_pdf(), "scan.pdf", ocr=False)
    assert result.image_only_pages == [1]
    assert result.messages == ["page 1 has no text layer; OCR (tesseract) is not installed"]
    sheet = parse_rap_sheet(result, "scan.pdf")
    assert sheet.status == "empty" and sheet.person is None
    assert "page 1 has no text layer" in sheet.message


def test_a_missing_page_layer_in_a_text_pdf_is_a_review_warning(tmp_path):
    from pypdf import PdfReader, PdfWriter

    sheet = generate_sheet(5, record_error=False)
    text_pdf = render_pdf(sheet.pdf_text, tmp_path / "text.pdf")
    writer = PdfWriter()
    for page in PdfReader(text_pdf).pages:
        writer.add_page(page)
    writer.add_page(PdfReader(io.BytesIO(_image_only_pdf())).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    result = extract_pdf(buffer.getvalue(), "mixed.pdf", ocr=False)
    parsed = parse_rap_sheet(result, "mixed.pdf")
    assert result.image_only_pages == [result.pages]
    assert parsed.status == "ok" and parsed.needs_review
    assert any("no text layer" in w.message and w.affects_eligibility for w in parsed.warnings)


def test_a_pdf_missing_only_its_end_marker_is_read_but_sent_to_review(three_page_pdf):
    _, path = three_page_pdf
    result = extract_pdf(path.read_bytes()[:-6], "cut.pdf")
    assert result.truncated and result.pages == 3
    parsed = parse_rap_sheet(result, "cut.pdf")
    assert parsed.status == "ok" and parsed.needs_review
    assert any("truncated" in w.message and w.affects_eligibility for w in parsed.warnings)


def test_threads_extracting_at_once_read_what_one_thread_reads(three_page_pdf):
    # PDFium is not thread-safe: a worker on the thread pool once crashed with two sheets in it at
    # once. Extraction now takes turns inside PDFium; every thread still reads the same lines.
    from concurrent.futures import ThreadPoolExecutor

    data = three_page_pdf[1].read_bytes()
    expected = [line.text for line in extract_pdf(data, engine="pdfium").lines]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: [line.text for line in extract_pdf(data, engine="pdfium").lines],
                                range(40)))
    assert all(result == expected for result in results)
