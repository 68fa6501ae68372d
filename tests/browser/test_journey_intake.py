"""Paralegal journeys: RAP sheets and a DOJ file uploaded in the browser, read by a real worker."""

import re

import pytest
from playwright.sync_api import expect

from intake.doj.generator import generate_doj_file
from intake.models import Batch, Person
from intake.rap_sheet.generator import generate_sheet, render_pdf
from tests.browser.conftest import shot


def _start_batch(page, kind_label: str, name: str):
    page.get_by_label("What are you uploading?").select_option(label=kind_label)
    page.get_by_label("Batch name").fill(name)
    page.get_by_role("button", name="Start batch").click()
    page.wait_for_url(re.compile(r"/uploads/batches/\d+/$"))


@pytest.mark.timeout(240)
def test_paralegal_drops_twenty_rap_sheets_and_a_broken_file(login, live_server, celery_worker, tmp_path):
    files = []
    seed = 0
    while len(files) < 20:
        sheet = generate_sheet(seed, pages=(1, 3))
        seed += 1
        if sheet.expected is None:
            continue
        files.append(str(render_pdf(sheet.pdf_text, tmp_path / f"rap-{seed:03d}.pdf")))
    broken = tmp_path / "broken-scan.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
    page = login("paralegal")
    _start_batch(page, "RAP sheets", "Journey RAP batch")
    page.set_input_files("#file-input", [*files, str(broken)])
    expect(page.locator(".upload-row .state", has_text=re.compile("received|failed"))).to_have_count(21, timeout=60_000)
    shot(page, "intake-rap-uploading")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="All files added: finish the batch").click()
    expect(page.locator("#batch-status")).to_have_text(re.compile("Done"), timeout=120_000)
    broken_row = page.locator('tr[data-file="broken-scan.pdf"]')
    expect(broken_row.locator(".badge")).to_have_text("Failed")
    expect(broken_row).to_contain_text(re.compile(r"\S{10,}"))
    expect(page.locator("#batch-progress")).to_have_attribute("value", "100")
    shot(page, "intake-rap-done")
    batch = Batch.objects.get(name="Journey RAP batch")
    assert batch.files_done == 20 and batch.files_failed == 1
    assert Person.objects.count() == 20
    page.locator("a.person-link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("body")).to_contain_text(re.compile(r"CII|DOB"))
    shot(page, "intake-rap-person")


@pytest.mark.timeout(240)
def test_paralegal_uploads_a_doj_file_and_reads_the_summary_and_error_report(login, live_server, celery_worker,
                                                                          tmp_path):
    generated = generate_doj_file(tmp_path / "county-extract.csv", rows=3000, seed=7, irregular_rate=0.01)
    page = login("paralegal")
    _start_batch(page, "DOJ research file", "Journey DOJ batch")
    page.set_input_files("#file-input", str(tmp_path / "county-extract.csv"))
    expect(page.locator(".upload-row .state")).to_have_text("received", timeout=60_000)
    page.get_by_role("button", name="All files added: finish the batch").click()
    expect(page.locator("#batch-status")).to_have_text(re.compile("Done"), timeout=120_000)
    shot(page, "intake-doj-done")
    batch = Batch.objects.get(name="Journey DOJ batch")
    assert batch.rows_read == batch.rows_accepted + batch.rows_rejected
    assert batch.rows_rejected == generated.expected_rejected
    page.reload()
    # Inside one file SUBJECT_ID is the person; subjects sharing a CII are reported, not merged.
    expect(page.locator("#sum-records")).to_have_text(str(generated.persons))
    expect(page.locator("#sum-persons")).to_have_text(str(generated.persons))
    expect(page.locator("body")).to_contain_text("appear under several SUBJECT_IDs")
    expect(page.locator("#sum-errors")).to_have_text(str(generated.expected_rejected))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the error report (CSV)").click()
    report = download_info.value.path().read_text().splitlines()
    assert report[0] == "file,line,column,problem,raw_line"
    assert len(report) - 1 == generated.expected_rejected
