from celery import shared_task

from . import service


@shared_task(name="audit.record_worker_ping")
def record_worker_ping(token: str) -> str:
    """Prove a worker is alive end to end: broker in, database out (health checks and tests)."""
    service.record("worker.ping", actor_label="worker", object_type="worker", object_id=token, after={"token": token})
    return token
