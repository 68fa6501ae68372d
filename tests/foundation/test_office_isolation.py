"""A user of office A gets 404 for office B's objects on every detail URL that exists.

The test walks the URL resolver: a new URL whose kwargs name an object is covered as soon as it
exists, and a kwarg this registry cannot build fails the test until a factory is added here.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest

from tests import factories
from tests.urlwalk import fill, iter_patterns, route_kwargs


def _builders(office) -> dict:
    """Core builders here; each app's tests add theirs in ``tests/<app>/isolation.py`` (BUILDERS)."""
    builders = {
        "batch_id": lambda o: factories.make_batch(o).pk,
        "file_id": lambda o: factories.make_source_file(o).pk,
        "person_id": lambda o: factories.make_person(o).pk,
        "count_id": lambda o: factories.make_count(factories.make_person(o)).pk,
        "determination_id": lambda o: factories.make_determination(office=o).pk,
    }
    tests_dir = Path(__file__).resolve().parents[1]
    for module_info in pkgutil.iter_modules([str(tests_dir)]):
        if (tests_dir / module_info.name / "isolation.py").exists():
            module = importlib.import_module(f"tests.{module_info.name}.isolation")
            builders.update(getattr(module, "BUILDERS", {}))
    return builders


def _build(kwarg, office, builders):
    if kwarg not in builders:
        pytest.fail(f"URL kwarg {kwarg!r} has no builder: add one to tests/<app>/isolation.py BUILDERS")
    return builders[kwarg](office)


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
        if route.startswith("api/") and not kwargs:
            continue
        if not kwargs:
            continue
        builders = _builders(office_b)
        values = {k: _build(k, office_b, builders) for k in kwargs}
        url = fill(route, values)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        assert response.status_code == 404, f"{url} ({name}) answered {response.status_code} for another office's object"
        covered.append(name)
    print("isolation covered:", covered)
