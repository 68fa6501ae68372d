import uuid

import pytest

from audit.models import AuditEvent
from audit.tasks import record_worker_ping
from tests.conftest import requires_redis


@requires_redis
@pytest.mark.redis
def test_a_task_sent_through_redis_is_run_by_a_real_worker_and_stored(celery_worker):
    token = uuid.uuid4().hex
    result = record_worker_ping.delay(token)
    # ignore_result is on: wait on the database, which is where the work lands.
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not AuditEvent.objects.filter(action="worker.ping", object_id=token).exists():
        time.sleep(0.1)
    assert AuditEvent.objects.filter(action="worker.ping", object_id=token).exists(), f"task {result.id} never ran"
