"""Shared fixtures: demo office and users, a second office for isolation tests, Celery modes."""

import os

import pytest

from cmr.celery import app as celery_app
from offices.demo import seed_demo
from offices.models import Office, Role, User

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REDIS_URL = os.environ.get("REDIS_URL", "")
requires_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: no Redis broker to test against")


def pytest_configure(config):
    # Django's advice for test suites: the production hasher spends about 0.2 s on each password,
    # and every test that seeds the demo office sets four. The others still check older hashes.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _celery_eager_unless_real_worker(request):
    """Unit tests run tasks inline (still JSON-serialised); tests using `celery_worker` get a real one."""
    real = "celery_worker" in request.fixturenames
    celery_app.conf.task_always_eager = not real
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files of a test live and die with the test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def demo(db):
    office, users = seed_demo()
    return office, {u.username: u for u in users}


@pytest.fixture
def office(demo):
    return demo[0]


@pytest.fixture
def users(demo):
    return demo[1]


@pytest.fixture
def other_office(db):
    office = Office.objects.create(slug="other", name="Other County District Attorney", county="Yolo")
    user = User.objects.create_user(
        "other-attorney", password="x-other-pass", office=office,
        roles=[Role.ATTORNEY, Role.PARALEGAL, Role.SUPERVISOR, Role.OFFICE_ADMIN], bar_number="999999",
    )
    return office, user


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming from the real Redis broker."""
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: no Redis broker for a real worker")
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.broker_url = REDIS_URL
    # Messages left by an earlier, interrupted run point at rows that no longer exist.
    celery_app.control.purge()
    with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
