"""Uploads through the views, processed by the tasks (inline here), stored and evaluated."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eligibility.models import Determination
from intake.doj.generator import generate_doj_file
from intake.models import Batch, Count, Person, RowError, SourceFile
from intake.rap_sheet.generator import generate_sheet, render_pdf

SAMPLES = "/work/shared/reference/doj-samples"


def _batch(client, kind):
    response = client.post(reverse("intake:batch_create"), {"kind": kind, "name": f"{kind} test"})
    assert response.status_code == 302
    return Batch.objects.latest("id")


def _upload(client, batch, name, content):
    with_callbacks = client.post(reverse("intake:upload_file", args=[batch.pk]),
                                 {"file": SimpleUploadedFile(name, content)})
    return with_callbacks


@pytest.fixture
def paralegal(client_for, users):
    return client_for(users["paralegal"])


def test_rap_sheets_upload_parse_store_and_evaluate(paralegal, tmp_path, django_capture_on_commit_callbacks):
    batch = _batch(paralegal, "rap_sheet")
    sheets = [generate_sheet(seed) for seed in range(3)]
    sheets = [s for s in sheets if s.expected is not None]
    with django_capture_on_commit_callbacks(execute=True):
        for n, sheet in enumerate(sheets):
            pdf = render_pdf(sheet.pdf_text, tmp_path / f"sheet{n}.pdf")
            response = _upload(paralegal, batch, f"sheet{n}.pdf", pdf.read_bytes())
            assert response.status_code == 200, response.content
        response = _upload(paralegal, batch, "broken.pdf", b"%PDF-1.4 this is not really a pdf")
        assert response.json()["status"] == "queued"
        paralegal.post(reverse("intake:batch_close", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == Batch.Status.DONE_WITH_ERRORS
    assert batch.files_total == len(sheets) + 1
    broken = SourceFile.objects.get(original_name="broken.pdf")
    assert broken.status == SourceFile.Status.FAILED and broken.message
    assert Person.objects.count() == len(sheets)
    expected_convictions = sum(sum(1 for _ in s.expected.convictions()) for s in sheets)
    assert Count.objects.filter(convicted=True).count() == expected_convictions
    assert Determination.objects.filter(current=True).exists()
    page = paralegal.get(reverse("intake:batch_detail", args=[batch.pk]))
    assert page.status_code == 200
    assert b"broken.pdf" in page.content


def test_the_same_file_uploaded_again_is_recognised_not_processed_twice(paralegal, django_capture_on_commit_callbacks):
    sheet = generate_sheet(11)
    content = sheet.text.encode()
    first, second = _batch(paralegal, "rap_sheet"), _batch(paralegal, "rap_sheet")
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(paralegal, first, "a.txt", content).json()["status"] == "queued"
        again = _upload(paralegal, second, "a-copy.txt", content).json()
    assert again["status"] == "duplicate"
    assert again["sha256"] == hashlib.sha256(content).hexdigest()
    assert SourceFile.objects.filter(status=SourceFile.Status.DUPLICATE).count() == 1
    assert Person.objects.count() == (1 if sheet.expected else 0)


def test_doj_sample_files_import_with_every_row_accounted_for(paralegal, django_capture_on_commit_callbacks):
    batch = _batch(paralegal, "doj")
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("no_headers.csv", "extra_comma.csv", "bad.csv"):
            with open(f"{SAMPLES}/{name}", "rb") as handle:
                assert _upload(paralegal, batch, name, handle.read()).status_code == 200
        paralegal.post(reverse("intake:batch_close", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.rows_read == batch.rows_accepted + batch.rows_rejected
    for source in batch.files.all():
        assert source.rows_read == source.rows_accepted + source.rows_rejected, source.original_name
        assert source.rows_rejected == RowError.objects.filter(source_file=source).count(), source.original_name
    report = paralegal.get(reverse("intake:error_report", args=[batch.pk]))
    lines = b"".join(report.streaming_content).decode().splitlines()
    assert lines[0] == "file,line,column,problem,raw_line"
    assert len(lines) - 1 == batch.rows_rejected
    assert Person.objects.count() > 0
    # Each conviction's determinations point at the stored count they were made for.
    court = Determination.objects.exclude(relief="PC 851.93")
    assert court.exists()
    assert not court.filter(count__isnull=True).exists()
    for determination in court.select_related("count", "count__case"):
        assert determination.count.code_section == determination.code_section
        assert determination.count.number == determination.count_number
        assert determination.count.case.case_number == determination.case_number


def test_chunked_upload_resumes_and_a_retried_chunk_write_leaves_no_duplicates(paralegal, tmp_path,
                                                                               django_capture_on_commit_callbacks):
    generated = generate_doj_file(tmp_path / "county.csv", rows=400, seed=5)
    data = (tmp_path / "county.csv").read_bytes()
    batch = _batch(paralegal, "doj")
    start = paralegal.post(reverse("intake:chunked_start", args=[batch.pk]), {"name": "county.csv", "size": len(data)})
    upload_id = start.json()["upload"]
    put = reverse("intake:chunked_put", args=[upload_id])
    half = len(data) // 2
    assert paralegal.post(put, data[:half], content_type="application/octet-stream",
                          headers={"X-Upload-Offset": "0"}).json()["received"] == half
    # The browser lost its place: the server says where to resume.
    wrong = paralegal.post(put, data[half:], content_type="application/octet-stream", headers={"X-Upload-Offset": "0"})
    assert wrong.status_code == 409 and wrong.json()["received"] == half
    resumed = paralegal.post(reverse("intake:chunked_start", args=[batch.pk]), {"name": "county.csv", "size": len(data)})
    assert resumed.json()["received"] == half
    with django_capture_on_commit_callbacks(execute=True):
        done = paralegal.post(put, data[half:], content_type="application/octet-stream",
                              headers={"X-Upload-Offset": str(half)}).json()
    assert done["received"] == len(data)
    source = SourceFile.objects.get(pk=done["file"])
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    source.refresh_from_db()
    assert source.status == SourceFile.Status.DONE, source.message
    assert Person.objects.count() == generated.persons
    counts_before = Count.objects.count()
    # A retried task re-reads the file: everything already stored is found, nothing doubles.
    from intake.services.doj import process_doj_file

    SourceFile.objects.filter(pk=source.pk).update(status=SourceFile.Status.PROCESSING)
    source.refresh_from_db()
    process_doj_file(source, evaluate=False)
    assert Count.objects.count() == counts_before
    assert Person.objects.count() == generated.persons
