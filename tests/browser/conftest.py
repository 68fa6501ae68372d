"""Browser journeys: real headless Chromium (Debian's), driven by Playwright, against the live server.

No browser is downloaded: Playwright launches /usr/bin/chromium. Screenshots land in
test-artifacts/ so a failing journey can be looked at.
"""

import os
import re
from pathlib import Path

import pytest

from offices.demo import DEMO_USERS, seed_demo

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORDS = {spec.username: spec.password for spec in DEMO_USERS}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium (done by .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    failed_requests = []
    # Nothing may load from outside this machine: every request must go to the live server.
    # chrome:// and chrome-extension:// are the browser's own files (its PDF viewer): they never leave it.
    page.on("request", lambda r: failed_requests.append(r.url) if not re.match(r"^(http://(localhost|127\.0\.0\.1)|data:|blob:|about:|chrome://|chrome-extension://)", r.url) else None)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()
    assert not failed_requests, f"requests left this machine: {failed_requests}"


@pytest.fixture
def demo_office(transactional_db):
    office, users = seed_demo()
    return office


@pytest.fixture
def login(page, live_server, demo_office):
    def do(username: str):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORDS[username])
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        return page

    return do


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
