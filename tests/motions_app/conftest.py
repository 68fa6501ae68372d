import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Generated PDFs and ZIPs land in a per-test folder, never in the developer's var/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def attorney(users):
    return users["attorney"]


@pytest.fixture
def paralegal(users):
    return users["paralegal"]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block queued with on_commit, as the commit of a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
