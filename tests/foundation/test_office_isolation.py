"""A user of office A gets 404 for office B's objects on every detail URL that exists.

The test walks the URL resolver: a new URL whose kwargs name an object is covered as soon as it
exists, and a kwarg this registry cannot build fails the test until a factory is added here.
"""

import pytest

from tests import factories
from tests.urlwalk import fill, iter_patterns, route_kwargs


def _build(kwarg, office):
    from motions.models import Motion  # noqa: F401  (factories for later URLs go here)

    builders = {
        "batch_id": lambda: factories.make_batch(office).pk,
        "file_id": lambda: factories.make_source_file(office).pk,
        "person_id": lambda: factories.make_person(office).pk,
        "count_id": lambda: factories.make_count(factories.make_person(office)).pk,
        "determination_id": lambda: factories.make_determination(office=office).pk,
    }
    extra = getattr(factories, "ISOLATION_BUILDERS", {})
    builders.update({name: (lambda f=f: f(office)) for name, f in extra.items()})
    if kwarg not in builders:
        pytest.fail(f"URL kwarg {kwarg!r} has no factory in test_office_isolation: add one")
    return builders[kwarg]()


@pytest.mark.django_db
def test_office_a_gets_404_for_office_b_objects_on_every_detail_url(client, demo, other_office):
    office_a_users = demo[1]
    office_b, _ = other_office
    from offices.models import Role

    # One user of office A holding every role, so no 403 hides a missing 404.
    user = office_a_users["attorney"]
    user.roles = [r.value for r in Role]
    user.save()
    client.force_login(user)
    covered = []
    for route, _pattern, name in iter_patterns():
        kwargs = [k for k in route_kwargs(route) if k.endswith("_id")]
        if not kwargs:
            continue
        values = {k: _build(k, office_b) for k in kwargs}
        url = fill(route, values)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        assert response.status_code == 404, f"{url} ({name}) answered {response.status_code} for another office's object"
        covered.append(name)
    print("isolation covered:", covered)
