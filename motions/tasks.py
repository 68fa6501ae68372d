"""Celery tasks of motions: small, named after what they do, take ids, safe to run twice."""

from celery import shared_task

from offices.models import Office
from review.models import SignOff

from . import services


@shared_task(name="motions.render_motion_document", acks_late=True)
def render_motion_document(motion_id: int, version: int, actor_id: int | None = None) -> int | None:
    """Render one version of one motion. A redelivery finds the version already stored."""
    document = services.render_document(motion_id, version, actor_id=actor_id)
    return document.pk if document else None


@shared_task(name="motions.render_motion_documents", acks_late=True)
def render_motion_documents(motion_ids: list[int], version: int, actor_id: int | None = None) -> list[int]:
    """Render one version of a chunk of motions, sharing their context and one audit event."""
    documents = services.render_documents([(i, version) for i in motion_ids], actor_id=actor_id)
    return [d.pk for d in documents.values()]


@shared_task(name="motions.generate_motions_for_sign_off", acks_late=True)
def generate_motions_for_sign_off(sign_off_id: int, actor_id: int | None = None) -> list[int]:
    """For the review app to enqueue on commit of a sign-off: create its motions and queue renders."""
    sign_off = SignOff.objects.select_related("office").get(pk=sign_off_id)
    actor = services.user_by_id(actor_id)
    report = services.generate(sign_off.office, actor=actor, sign_off=sign_off)
    return report.created


@shared_task(name="motions.generate_motions_for_batch", acks_late=True)
def generate_motions_for_batch(office_id: int, batch_id: int, actor_id: int | None = None) -> list[int]:
    from intake.models import Batch

    office = Office.objects.get(pk=office_id)
    batch = Batch.objects.for_office(office).get(pk=batch_id)
    report = services.generate(office, actor=services.user_by_id(actor_id), batch=batch)
    return report.created
