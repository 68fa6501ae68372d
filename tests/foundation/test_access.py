"""Every page needs a login; each role sees its own menu and gets 403 elsewhere."""

import pytest
from django.urls import reverse

from tests.urlwalk import PUBLIC_URL_NAMES, fill, iter_patterns


@pytest.mark.django_db
def test_every_non_public_url_requires_login(client):
    checked = 0
    for route, _pattern, name in iter_patterns():
        if name in PUBLIC_URL_NAMES or route.startswith("static/"):
            continue
        url = fill(route, {})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (302, 401, 403), f"{method.upper()} {url} ({name}) answered {response.status_code}"
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), f"{url} redirects to {response['Location']}"
        checked += 1
    assert checked >= 5


@pytest.mark.django_db
def test_login_and_health_are_public(client):
    assert client.get(reverse("login")).status_code == 200
    health = client.get(reverse("api-health"))
    assert health.status_code in (200, 503)
    assert health.json()["database"] == "ok"


MENUS = {
    "paralegal": {"Uploads", "Motions"},
    "attorney": {"Review", "Motions", "Policy"},
    "supervisor": {"Dashboard", "Motions", "Policy"},
    # Motion templates ("Forms") and dashboard access are the office admin's alone.
    "officeadmin": {"Uploads", "Policy", "Forms", "Dashboard access"},
}
HOMES = {
    "paralegal": "intake:batch_list",
    "attorney": "review:queue",
    "supervisor": "dashboard:home",
    "officeadmin": "eligibility:policy",
}
FORBIDDEN = {
    "paralegal": ["review:queue", "dashboard:home"],
    "attorney": ["dashboard:home", "intake:batch_list"],
    "supervisor": ["review:queue", "intake:batch_list"],
    "officeadmin": ["review:queue", "dashboard:home"],
}


@pytest.mark.parametrize("username", list(MENUS))
def test_each_role_lands_on_its_home_and_sees_its_menu(client_for, users, username):
    client = client_for(users[username])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(HOMES[username])
    page = client.get(response["Location"])
    assert page.status_code == 200
    labels = {item["label"] for item in page.context["menu"]}
    assert labels == MENUS[username]


@pytest.mark.parametrize("username", list(FORBIDDEN))
def test_roles_get_403_on_other_roles_pages(client_for, users, username):
    client = client_for(users[username])
    for name in FORBIDDEN[username]:
        assert client.get(reverse(name)).status_code == 403, f"{username} reached {name}"


def test_login_logout_and_failed_login_are_audited(client, users):
    from audit.models import AuditEvent

    client.post(reverse("login"), {"username": "attorney", "password": "wrong"})
    client.post(reverse("login"), {"username": "attorney", "password": "demo-attorney-pass"})
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.filter(action__startswith="auth.").values_list("action", flat=True))
    assert actions == ["auth.login_failed", "auth.login", "auth.logout"]
