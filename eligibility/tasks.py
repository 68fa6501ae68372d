"""Celery tasks of eligibility: policy previews and re-evaluation, chunked by person."""

from celery import shared_task
from django.conf import settings
from django.db import transaction

from intake.models import Person
from offices.models import Office

from .engine.policy import Policy
from .models import Determination, PersonEvaluation, PolicyPreview
from .services import current_policy, office_today


@shared_task(name="eligibility.preview_policy", acks_late=True)
def preview_policy(preview_id: int) -> None:
    from .policy_preview import compare_policies

    preview = PolicyPreview.objects.select_related("office").get(pk=preview_id)
    if preview.status == PolicyPreview.Status.DONE:
        return
    PolicyPreview.objects.filter(pk=preview_id).update(status=PolicyPreview.Status.RUNNING)
    office = preview.office
    try:
        current, _label = current_policy(office)
        draft = Policy.from_dict({**preview.draft, "county": office.county_key, "version": "draft"})
        result = compare_policies(office, current, draft, office_today(office))
    except (ValueError, TypeError) as error:
        PolicyPreview.objects.filter(pk=preview_id).update(status=PolicyPreview.Status.FAILED, message=str(error))
        return
    PolicyPreview.objects.filter(pk=preview_id).update(status=PolicyPreview.Status.DONE, result=result)


def enqueue_reevaluation(person_ids: list[int], batch_id=None) -> int:
    from intake.tasks import evaluate_persons

    chunk = settings.CMR_EVALUATION_CHUNK
    chunks = [person_ids[i:i + chunk] for i in range(0, len(person_ids), chunk)]
    for ids in chunks:
        transaction.on_commit(lambda ids=ids: evaluate_persons.delay(ids, batch_id))
    return len(chunks)


@shared_task(name="eligibility.reevaluate_office", acks_late=True)
def reevaluate_office(office_id: int) -> int:
    """After a policy or rule change: every person of the office, again (decided ones are flagged)."""
    office = Office.objects.get(pk=office_id)
    ids = list(Person.objects.for_office(office).filter(current_snapshot__isnull=False).values_list("pk", flat=True))
    return enqueue_reevaluation(ids)


@shared_task(name="eligibility.reevaluate_due")
def reevaluate_due() -> int:
    """Nightly: people whose waiting period or sentence may have ended since their last evaluation."""
    total = 0
    for office in Office.objects.all():
        today = office_today(office)
        waiting = Determination.objects.for_office(office).filter(
            current=True, outcome=Determination.Outcome.NOT_YET_ELIGIBLE, eligible_on__lte=today
        ).values_list("person_id", flat=True)
        serving = PersonEvaluation.objects.for_office(office).filter(current=True).filter(
            currently_serving=True).values_list("person_id", flat=True)
        ids = sorted(set(waiting) | set(serving))
        total += enqueue_reevaluation(ids)
    return total
