"""After sign-off, the attorney generates motions, previews one, and downloads the filing package."""

import io
import zipfile
from pathlib import Path

import pytest

from offices.models import User
from tests import factories
from tests.motions_app.factories import make_person, make_signed_case

from .conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_attorney_generates_previews_and_downloads_the_filing_package(login, live_server, demo_office, settings,
                                                                       tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    attorney = User.objects.get(username="attorney")
    batch = factories.make_batch(demo_office, name="January clean slate")
    sign_off = None
    for i, name in enumerate(["GARCIA,MARIA", "NGUYEN,LINH"]):
        sign_off, _ = make_signed_case(demo_office, attorney, person=make_person(demo_office, name=name),
                                       sign_off=sign_off, batch=batch, case_number=f"SJ-2011-00{i}",
                                       counts=[("HS 11359", "felony"), ("HS 11357(a)", "felony")])

    page = login("attorney")
    page.goto(live_server.url + "/motions/generate/")
    page.get_by_role("button", name="Generate for this sign-off").click()
    page.wait_for_load_state("networkidle")
    assert "2 motion(s) created" in page.locator(".messages").inner_text()
    shot(page, "motions-list")

    # Chromium draws the PDF with its built-in viewer (chrome-extension:// files, which the page
    # fixture allows); everything else still has to come from the live server.
    with page.expect_response(lambda r: "/pdf/" in r.url) as pdf_response:
        page.get_by_role("link", name="GARCIA,MARIA").click()
    assert pdf_response.value.headers["content-type"] == "application/pdf"
    pdf_bytes = page.request.get(pdf_response.value.url).body()
    assert pdf_bytes.startswith(b"%PDF") and b"/Type /Page" in pdf_bytes
    assert page.locator("iframe.pdf").get_attribute("title") == "Motion PDF, version 1"
    assert "SJ-2011-000" in page.locator("h1").inner_text()
    page.wait_for_timeout(500)
    shot(page, "motion-detail")

    page.locator("ul.menu").get_by_role("link", name="Motions").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Build package for San Joaquin").click()
    page.wait_for_load_state("networkidle")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download ZIP").first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("filing_package_San_Joaquin")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    names = archive.namelist()
    assert {"cover_sheet.pdf", "all_motions.pdf", "manifest.csv", "hs_11361_9_not_challenged.csv"} <= set(names)
    assert len([n for n in names if n.startswith("motions/")]) == 2
    shot(page, "motions-package")
