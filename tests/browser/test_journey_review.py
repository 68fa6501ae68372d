"""An attorney's day: filter the queue, approve with the keyboard, override with a reason, bulk approve, sign off."""

import re

from playwright.sync_api import expect

from eligibility.models import Determination
from offices.models import Office
from review.models import Decision, SignOff
from tests.browser.conftest import shot
from tests.factories import make_batch
from tests.review.factories import make_determination, make_person


def _seed():
    office = Office.objects.get(slug="demo")
    batch = make_batch(office, name="batch 12")
    other = make_batch(office, name="batch 13")
    refs = [["sheet.pdf", 41, 2, "CNT:01 #12345 11357(b) HS-POSSESS MARIJUANA"]]
    for name in ("ADAMS,ANN", "BAKER,BOB", "CRUZ,CARLA", "DIAZ,DAN"):
        make_determination(office, person=make_person(office, name=name), batch=batch, source_refs=refs)
    make_determination(office, person=make_person(office, name="EVANS,EVE"), batch=batch, outcome="needs_review",
                       questions=["quantity_unknown"])
    make_determination(office, person=make_person(office, name="FOX,FAY"), batch=other)
    return batch


def test_attorney_filters_approves_overrides_bulk_approves_and_signs_off(login, live_server):
    batch = _seed()
    page = login("attorney")
    assert page.url == live_server.url + "/review/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")

    # Filter to batch 12: five waiting, batch 13 is gone.
    page.get_by_label("Batch", exact=True).select_option(str(batch.pk))
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("tr.det")
    expect(rows).to_have_count(5)
    expect(page.locator("table.queue")).not_to_contain_text("FOX,FAY")
    shot(page, "review-queue-filtered")

    # Keyboard: j lands on the first row, a approves it in place (no reload), focus stays on the row.
    page.keyboard.press("j")
    first = rows.nth(0)
    expect(first).to_be_focused()
    expect(first).to_contain_text("ADAMS,ANN")
    page.keyboard.press("a")
    expect(first.locator(".decision")).to_contain_text("Approve")
    expect(first).to_be_focused()
    expect(page.locator("#review-announce")).to_contain_text("ADAMS,ANN")

    # j to the next row, o opens the override with focus on the decision; a reason is required.
    page.keyboard.press("j")
    second = rows.nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("o")
    decision_select = second.get_by_label("Decision")
    expect(decision_select).to_be_focused()
    decision_select.select_option("not_eligible")
    second.get_by_label("Reason (required)").fill("Prior conviction for PC 667(e)(2)(C)(iv) on the full record.")
    second.get_by_role("button", name="Save decision").click()
    expect(second.locator(".decision")).to_contain_text("Override: not eligible")
    expect(second.locator(".decision")).to_contain_text("Prior conviction")
    shot(page, "review-queue-decided")
    assert Decision.objects.filter(action="approve").count() == 1
    assert Decision.objects.get(action="not_eligible").reason.startswith("Prior conviction")

    # The help dialog opens with ?.
    page.locator("body").press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")

    # Bulk approve what is left of batch 12: two people; the needs-review one is excluded.
    page.reload()
    page.get_by_role("link", name="Approve all in this selection…").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("2 determinations: 2 counts of 2 people")
    expect(page.locator("main")).to_contain_text("1 in this selection is excluded")
    shot(page, "review-bulk-confirm")
    page.get_by_role("button", name=re.compile(r"Approve 2 determinations of 2 people")).click()
    expect(page.locator(".messages")).to_contain_text("Approved 2 determinations")
    approved = set(Decision.objects.filter(action="approve").values_list("person__name", flat=True))
    assert approved == {"ADAMS,ANN", "CRUZ,CARLA", "DIAZ,DAN"}
    assert not Decision.objects.filter(determination__outcome="needs_review").exists()

    # Sign off the batch: four decisions, hashed, locked.
    page.get_by_role("link", name="Sign off this batch…").click()
    expect(page.locator("main")).to_contain_text("You are signing 4 decisions")
    page.get_by_role("button", name="Sign off 4 decisions").click()
    expect(page.locator("main")).to_contain_text("matches the stored content")
    shot(page, "review-signed-off")
    signed = SignOff.objects.get()
    assert signed.batch_id == batch.pk and signed.bar_number == "123456" and len(signed.content_hash) == 64
    assert Decision.objects.filter(sign_off=signed).count() == 4
    assert Determination.objects.filter(outcome="dismiss", current=True).count() == 5  # engine rows untouched
