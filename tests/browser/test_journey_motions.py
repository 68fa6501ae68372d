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
                                                                       tmp_path, chromium):
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

    detail_url = page.get_by_role("link", name="GARCIA,MARIA").get_attribute("href")
    # Chromium draws the PDF with its built-in viewer, which loads chrome-extension:// files; the
    # shared `page` fixture counts those as leaving the machine, so the preview opens in a second
    # page of the same browser, logged in with the same session, that checks real network only.
    viewer_context = chromium.new_context(viewport={"width": 1366, "height": 900})
    viewer_context.add_cookies(page.context.cookies())
    viewer = viewer_context.new_page()
    outside = []
    viewer.on("request", lambda r: outside.append(r.url) if r.url.startswith(("http:", "https:"))
              and not r.url.startswith(live_server.url) else None)
    with viewer.expect_response(lambda r: "/pdf/" in r.url) as pdf_response:
        viewer.goto(live_server.url + detail_url)
    assert pdf_response.value.headers["content-type"] == "application/pdf"
    pdf_bytes = viewer.request.get(pdf_response.value.url).body()
    assert pdf_bytes.startswith(b"%PDF") and b"/Type /Page" in pdf_bytes
    assert viewer.locator("iframe.pdf").get_attribute("title") == "Motion PDF, version 1"
    assert "SJ-2011-000" in viewer.locator("h1").inner_text()
    viewer.wait_for_timeout(500)
    shot(viewer, "motion-detail")
    viewer_context.close()
    assert not outside, outside

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
