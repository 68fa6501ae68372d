"""Decisions, overrides, undo, sign-off, reopen, bulk approve and triage, through the services and the pages."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from eligibility.models import Determination
from review import services
from review.models import Decision, SignOff
from tests.review.factories import determination, make_determination, make_person

pytestmark = pytest.mark.django_db


def test_approve_takes_the_engines_outcome_and_is_audited(office, users):
    d = make_determination(office, outcome="reduce", reduce_to="misdemeanor")
    decision = services.decide(d, users["attorney"], "approve")
    assert (decision.final_outcome, decision.final_reduce_to) == ("reduce", "misdemeanor")
    assert AuditEvent.objects.filter(action="decision.made", object_id=str(decision.pk)).exists()
    d.refresh_from_db()
    assert d.outcome == "reduce"  # the engine's row is untouched


@pytest.mark.parametrize("action, final", [
    ("dismiss", ("dismiss", "")), ("reduce_misdemeanor", ("reduce", "misdemeanor")),
    ("reduce_infraction", ("reduce", "infraction")), ("not_eligible", ("not_eligible", "")),
    ("defer", ("deferred", "")),
])
def test_override_records_the_reason_and_never_changes_the_determination(office, users, action, final):
    d = make_determination(office, outcome="not_eligible")
    decision = services.decide(d, users["attorney"], action, "  The plea form shows a straight plea. ")
    assert (decision.final_outcome, decision.final_reduce_to) == final
    assert decision.reason == "The plea form shows a straight plea."
    assert decision.is_override == (action != "defer")
    assert Determination.objects.get(pk=d.pk).outcome == "not_eligible"


def test_override_without_reason_is_rejected_everywhere(office, users, client_for):
    d = make_determination(office)
    with pytest.raises(services.ReviewError):
        services.decide(d, users["attorney"], "dismiss", "   ")
    client = client_for(users["attorney"])
    page = client.post(reverse("review:decide", args=[d.pk]), {"action": "not_eligible", "reason": ""},
                       HTTP_HX_REQUEST="true")
    assert page.status_code == 422
    assert b"needs a written reason" in page.content
    api = client.post(reverse("api-decision-create", args=[d.pk]), {"action": "not_eligible"},
                      content_type="application/json")
    assert api.status_code == 400
    assert not Decision.objects.exists()


def test_needs_review_cannot_be_approved_only_answered(office, users):
    d = make_determination(office, outcome="needs_review", questions=["plea_bargain"])
    with pytest.raises(services.ReviewError, match="needs review"):
        services.decide(d, users["attorney"], "approve")
    decision = services.decide(d, users["attorney"], "dismiss", "Court file: no plea bargain.")
    assert decision.final_outcome == "dismiss"


def test_not_yet_eligible_can_be_approved_as_nothing_filed_now(office, users):
    d = make_determination(office, outcome="not_yet_eligible")
    assert services.decide(d, users["attorney"], "approve").final_outcome == "not_yet_eligible"


def test_a_decided_determination_cannot_be_decided_twice(office, users):
    d = make_determination(office)
    services.decide(d, users["attorney"], "approve")
    with pytest.raises(services.ReviewError, match="already decided"):
        services.decide(d, users["attorney"], "not_eligible", "changed my mind")


def test_htmx_decision_swaps_the_cell_and_announces(office, users, client_for):
    d = make_determination(office)
    response = client_for(users["attorney"]).post(reverse("review:decide", args=[d.pk]), {"action": "approve"},
                                                  HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="decision-{d.pk}"'.encode() in response.content
    assert "Approve" in json.loads(response["HX-Trigger"])["review:announce"]
    assert b"Undo" in response.content


def test_undo_only_own_decision_until_sign_off(office, users, client_for):
    from offices.models import User

    colleague = User.objects.create_user("attorney2", password="x-pass-2", office=office, roles=["attorney"],
                                         bar_number="222222")
    d = make_determination(office)
    decision = services.decide(d, users["attorney"], "approve")
    with pytest.raises(services.ReviewError, match="Only the attorney"):
        services.undo(decision, colleague)
    response = client_for(users["attorney"]).post(reverse("review:undo", args=[decision.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    decision.refresh_from_db()
    assert not decision.active and decision.undone_at is not None
    assert AuditEvent.objects.filter(action="decision.undone").count() == 1
    # The determination is back in the queue and can be decided again.
    again = services.decide(d, users["attorney"], "not_eligible", "second look")
    assert again.active


def test_sign_off_locks_hashes_and_supervisor_reopens(office, users, client_for):
    attorney, supervisor = users["attorney"], users["supervisor"]
    person = make_person(office)
    first = services.decide(determination(person), attorney, "approve")
    second = services.decide(determination(person, outcome="not_eligible"), attorney, "dismiss", "Policy 4.2")
    client = client_for(attorney)
    confirm = client.get(reverse("review:sign_off") + f"?person={person.pk}")
    assert confirm.status_code == 200 and b"Sign off 2 decisions" in confirm.content
    response = client.post(reverse("review:sign_off"), {"person": person.pk, "expected": 2})
    signed = SignOff.objects.get()
    assert response.status_code == 302
    assert (signed.attorney, signed.bar_number, signed.scope) == (attorney, "123456", "person")
    assert [d["id"] for d in signed.content["decisions"]] == [first.pk, second.pk]
    assert signed.content["decisions"][1]["reason"] == "Policy 4.2"
    assert services.verify(signed) and len(signed.content_hash) == 64
    assert AuditEvent.objects.filter(action="signoff.signed", object_id=str(signed.pk)).exists()
    first.refresh_from_db()
    assert first.locked
    # Locked: no undo, no second decision.
    with pytest.raises(services.ReviewError, match="signed off"):
        services.undo(first, attorney)
    assert client.post(reverse("review:undo", args=[first.pk]), HTTP_HX_REQUEST="true").status_code == 422
    # Motions contract: what the motions app consumes.
    fileable = Decision.objects.filter(active=True, sign_off__isnull=False, sign_off__reopened_at__isnull=True,
                                       final_outcome__in=services.FILED_OUTCOMES)
    assert set(fileable) == {first, second}
    # Attorneys cannot reopen; a supervisor can, with a reason only.
    assert client.post(reverse("review:reopen", args=[signed.pk]), {"reason": "x"}).status_code == 403
    supervisor_client = client_for(supervisor)
    supervisor_client.post(reverse("review:reopen", args=[signed.pk]), {"reason": ""})
    signed.refresh_from_db()
    assert signed.reopened_at is None
    supervisor_client.post(reverse("review:reopen", args=[signed.pk]), {"reason": "Wrong person merged"})
    signed.refresh_from_db()
    assert signed.reopened_by == supervisor and signed.reopen_reason == "Wrong person merged"
    assert not fileable.all().exists()
    first.refresh_from_db()
    assert not first.locked
    services.undo(first, attorney)
    # Signing again covers what is still decided.
    again = services.sign_off(attorney, person=person)
    assert [d["id"] for d in again.content["decisions"]] == [second.pk]


def test_sign_off_needs_a_bar_number_and_something_to_sign(office, users):
    person = make_person(office)
    with pytest.raises(services.ReviewError, match="Nothing to sign"):
        services.sign_off(users["attorney"], person=person)
    services.decide(determination(person), users["attorney"], "approve")
    users["attorney"].bar_number = ""
    with pytest.raises(services.ReviewError, match="Bar number"):
        services.sign_off(users["attorney"], person=person)


def test_batch_sign_off_covers_the_batch_only(office, users):
    from tests.factories import make_batch

    batch, other = make_batch(office), make_batch(office)
    inside = services.decide(make_determination(office, batch=batch), users["attorney"], "approve")
    outside = services.decide(make_determination(office, batch=other), users["attorney"], "approve")
    signed = services.sign_off(users["attorney"], batch=batch)
    assert [d["id"] for d in signed.content["decisions"]] == [inside.pk]
    outside.refresh_from_db()
    assert outside.sign_off_id is None


def test_bulk_approve_touches_exactly_the_filtered_set_and_skips_needs_review(office, users, client_for):
    from tests.factories import make_batch

    batch12, other_batch = make_batch(office, name="batch 12"), make_batch(office)
    wanted = [make_determination(office, batch=batch12, code_section="HS 11357(b)") for _ in range(3)]
    needs_review = make_determination(office, batch=batch12, code_section="HS 11357(b)", outcome="needs_review",
                                      questions=["quantity_unknown"])
    flagged = make_determination(office, batch=batch12, code_section="HS 11357(b)", questions=["parse_warning"])
    felony = make_determination(office, batch=batch12, code_section="HS 11357(a)", level="felony")
    elsewhere = make_determination(office, batch=other_batch, code_section="HS 11357(b)")
    reduce = make_determination(office, batch=batch12, code_section="HS 11357(b)", outcome="reduce",
                                reduce_to="infraction")
    query = {"batch": batch12.pk, "code_section": "11357", "level": "misdemeanor", "outcome": "dismiss"}
    client = client_for(users["attorney"])
    confirm = client.get(reverse("review:bulk_approve"), query)
    assert confirm.status_code == 200
    preview = confirm.context["preview"]
    assert (preview.determinations, preview.counts, preview.people, preview.excluded_needs_review) == (3, 3, 3, 1)
    assert b"3</strong> counts of <strong>3</strong> people" in confirm.content
    # A stale confirmation approves nothing.
    client.post(reverse("review:bulk_approve"), {**query, "expected": 4})
    assert not Decision.objects.exists()
    client.post(reverse("review:bulk_approve"), {**query, "expected": 3})
    decided = set(Decision.objects.values_list("determination_id", flat=True))
    assert decided == {d.pk for d in wanted}
    for untouched in (needs_review, flagged, felony, elsewhere, reduce):
        assert untouched.pk not in decided
    event = AuditEvent.objects.get(action="decision.bulk_approved")
    assert sorted(event.after["determinations"]) == sorted(d.pk for d in wanted)
    assert all(d.final_outcome == "dismiss" and d.action == "approve" for d in Decision.objects.all())


def test_triage_groups_questions_and_answers_a_selection(office, users, client_for):
    plea = [make_determination(office, outcome="needs_review", questions=["plea_bargain"]) for _ in range(3)]
    make_determination(office, outcome="needs_review", questions=["quantity_unknown", "plea_bargain"])
    make_determination(office, outcome="needs_review", questions=["court_not_in_county"])
    client = client_for(users["attorney"])
    groups = {code: total for code, _label, total in client.get(reverse("review:triage")).context["groups"]}
    assert groups == {"plea_bargain": 4, "quantity_unknown": 1, "court_not_in_county": 1}
    page = client.get(reverse("review:triage_question", args=["plea_bargain"]))
    assert len(page.context["rows"]) == 4
    refused = client.post(reverse("review:triage_question", args=["plea_bargain"]),
                          {"determinations": [plea[0].pk], "action": "dismiss", "reason": ""})
    assert refused.status_code == 200 and not Decision.objects.exists()
    client.post(reverse("review:triage_question", args=["plea_bargain"]),
                {"determinations": [plea[0].pk, plea[1].pk], "action": "dismiss",
                 "reason": "Office policy: treat as no plea bargain when the record is silent."})
    made = Decision.objects.all()
    assert {d.determination_id for d in made} == {plea[0].pk, plea[1].pk}
    assert all(d.triage_question == "plea_bargain" and d.reason.startswith("Office policy") for d in made)
    assert AuditEvent.objects.filter(action="decision.made").count() == 2


def test_engine_disagreement_is_shown_and_the_new_determination_can_be_decided(office, users, client_for):
    person = make_person(office)
    old = determination(person, outcome="dismiss")
    decision = services.decide(old, users["attorney"], "approve")
    # What eligibility.services.store_evaluation does when the engine now proposes something else.
    Decision.objects.filter(pk=decision.pk).update(engine_disagrees=True)
    Determination.objects.filter(pk=old.pk).update(current=False)
    new = determination(person, outcome="not_eligible", count=old.count)
    client = client_for(users["attorney"])
    rows = client.get(reverse("review:queue")).context["rows"]
    assert [(r.pk, r.disagrees) for r in rows] == [(new.pk, True)]
    assert b"Engine now disagrees" in client.get(reverse("review:person", args=[person.pk])).content
    assert client.get(reverse("review:queue"), {"disagrees": "true"}).context["facets"]["total"] == 1
    with pytest.raises(services.ReviewError, match="re-evaluation"):
        services.decide(old, users["attorney"], "approve")
    # Bulk approve leaves disagreements to a person.
    assert services.bulk_preview(Determination.objects.for_office(office)).determinations == 0
    services.decide(new, users["attorney"], "approve")
    decision.refresh_from_db()
    assert not decision.active
    assert AuditEvent.objects.filter(action="decision.superseded", object_id=str(decision.pk)).exists()


def test_a_signed_decision_the_engine_disagrees_with_needs_a_reopen_first(office, users):
    person = make_person(office)
    old = determination(person)
    decision = services.decide(old, users["attorney"], "approve")
    services.sign_off(users["attorney"], person=person)
    Decision.objects.filter(pk=decision.pk).update(engine_disagrees=True)
    Determination.objects.filter(pk=old.pk).update(current=False)
    new = determination(person, outcome="not_eligible", count=old.count)
    with pytest.raises(services.ReviewError, match="reopen"):
        services.decide(new, users["attorney"], "approve")
