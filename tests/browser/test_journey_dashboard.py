"""A supervisor opens the outcome dashboard, narrows the period, reads the figures and downloads the CSV."""

import csv
import io
from pathlib import Path

from offices.models import User
from tests.browser.conftest import shot
from tests.dashboard.factories import build_known_office


def test_supervisor_changes_the_period_and_downloads_the_csv(login, live_server, demo_office):
    build_known_office(demo_office, User.objects.get(username="attorney"))
    page = login("supervisor")
    assert page.url == live_server.url + "/dashboard/"
    assert page.get_by_role("heading", level=1).inner_text() == "Outcome dashboard"
    assert page.locator('[data-figure="people"]').inner_text() == "20"
    assert page.locator('[data-figure="no_felony_if_granted"]').inner_text() == "3"
    # Each chart is an image with a name, and its figures are in a table too.
    assert page.get_by_role("img", name="People with an eligible conviction, by race/ethnicity").count() == 1
    race_table = page.get_by_role("table", name="People with an eligible conviction, by race/ethnicity (table view)")
    assert "<10" in race_table.inner_text()
    shot(page, "dashboard-all-time")

    page.get_by_label("Uploaded from").fill("2026-03-01")
    page.get_by_label("Uploaded to").fill("2026-03-31")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/dashboard/?start=2026-03-01&end=2026-03-31*")
    assert page.locator('[data-figure="people"]').inner_text() == "1"
    assert page.locator('[data-figure="motions_granted"]').inner_text() == "1"
    shot(page, "dashboard-march")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("outcomes-demo-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert ["Batches uploaded 2026-03-01 to 2026-03-31"] in rows
    assert ["People identified", "1"] in rows
    assert ["No felony left", "1", "1", "0", "1"] in rows
