from celery import shared_task

from . import outcomes


@shared_task(name="dashboard.refresh_outcomes", acks_late=True)
def refresh_outcomes(person_ids: list[int]) -> None:
    """The dashboard rows of people a large change touched (idempotent: recomputed from the facts)."""
    outcomes._refresh_now(set(person_ids))
