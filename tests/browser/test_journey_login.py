import pytest

from tests.browser.conftest import shot

LANDING = {
    "paralegal": ("/uploads/", "Uploads"),
    "attorney": ("/review/", "Review queue"),
    "supervisor": ("/dashboard/", "Outcome dashboard"),
    "officeadmin": ("/policy/", "Relief policy"),
}


@pytest.mark.parametrize("username", list(LANDING))
def test_each_demo_role_logs_in_and_lands_on_its_home(login, live_server, username):
    page = login(username)
    path, heading = LANDING[username]
    assert page.url == live_server.url + path
    assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
    shot(page, f"login-{username}")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
