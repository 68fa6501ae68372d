"""What attorneys do to the engine's determinations: decide, undo, bulk approve, answer, sign off, reopen.

Every function here is atomic and writes the audit trail inside its own transaction. A decision is
a separate row pointing at the determination: the engine's stored output is never edited. Motions
are generated from decisions that are active, signed off, not reopened and dismiss/reduce.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from audit import service as audit
from dashboard import outcomes
from eligibility.models import Determination

from .models import Decision, DecisionAction, SignOff

Outcome = Determination.Outcome

# What each override means for the office; approve takes the engine's own proposal instead.
OVERRIDE_RESULT = {
    DecisionAction.DISMISS: ("dismiss", ""),
    DecisionAction.REDUCE_MISDEMEANOR: ("reduce", "misdemeanor"),
    DecisionAction.REDUCE_INFRACTION: ("reduce", "infraction"),
    DecisionAction.NOT_ELIGIBLE: ("not_eligible", ""),
    DecisionAction.DEFER: ("deferred", ""),
}
FILED_OUTCOMES = ("dismiss", "reduce")


class ReviewError(Exception):
    """A decision the rules of the review do not allow; the message is shown to the attorney."""


# --- Querysets -------------------------------------------------------------------------------

def active_decisions():
    return Decision.objects.filter(active=True)


def undecided(queryset):
    """Current determinations with no active decision: what is still waiting for an attorney."""
    decided = active_decisions().filter(determination=OuterRef("pk"))
    return queryset.filter(current=True).exclude(Exists(decided))


def disagreement_subquery():
    """A decided earlier determination of the same count and law that the engine now disagrees with."""
    return active_decisions().filter(
        person=OuterRef("person_id"), engine_disagrees=True,
        determination__case_number=OuterRef("case_number"), determination__count_number=OuterRef("count_number"),
        determination__code_section=OuterRef("code_section"), determination__relief=OuterRef("relief"),
    ).exclude(determination=OuterRef("pk"))


def bulk_approvable(queryset):
    """What a bulk approve may touch: never a question to answer nor a disagreement to look at."""
    return undecided(queryset).exclude(outcome=Outcome.NEEDS_REVIEW).exclude(question_codes__gt="").exclude(
        Exists(disagreement_subquery())
    )


# --- One determination -----------------------------------------------------------------------

def resolve(determination: Determination, action: str) -> tuple[str, str]:
    if action == DecisionAction.APPROVE:
        return determination.outcome, determination.reduce_to
    return OVERRIDE_RESULT[DecisionAction(action)]


def _check(determination: Determination, action: str, reason: str) -> None:
    if action not in DecisionAction.values:
        raise ReviewError("Choose approve or one of the overrides.")
    if not determination.current:
        raise ReviewError("A re-evaluation replaced this determination: decide the current one.")
    if action == DecisionAction.APPROVE and determination.outcome == Outcome.NEEDS_REVIEW:
        raise ReviewError("This needs review: answer the question with an override and a reason.")
    if action != DecisionAction.APPROVE and not reason.strip():
        raise ReviewError("An override needs a written reason.")


def _snapshot(decision: Decision) -> dict:
    return {
        "determination": decision.determination_id, "action": decision.action, "reason": decision.reason,
        "final_outcome": decision.final_outcome, "final_reduce_to": decision.final_reduce_to,
        "active": decision.active, "triage_question": decision.triage_question,
    }


def _supersede_disagreed(determination: Determination, user) -> None:
    """Deciding the new proposal retires the decision the engine now disagrees with.

    A signed-off one cannot be retired quietly: motions may already rest on it, so a supervisor
    reopens the sign-off first.
    """
    earlier = list(
        active_decisions().filter(
            person_id=determination.person_id, engine_disagrees=True,
            determination__case_number=determination.case_number,
            determination__count_number=determination.count_number,
            determination__code_section=determination.code_section, determination__relief=determination.relief,
        ).exclude(determination=determination).select_related("sign_off").select_for_update(of=("self",))
    )
    for old in earlier:
        if old.locked:
            raise ReviewError("The earlier decision on this count is signed off: a supervisor must reopen it first.")
        before = _snapshot(old)
        old.active = False
        old.undone_at = timezone.now()
        old.save(update_fields=["active", "undone_at"])
        audit.record("decision.superseded", office=user.office, actor=user, obj=old, before=before,
                     after=_snapshot(old))


@transaction.atomic
def decide(determination: Determination, user, action: str, reason: str = "", *, triage_question: str = "") -> Decision:
    reason = (reason or "").strip()
    determination = Determination.objects.select_for_update().get(pk=determination.pk)
    _check(determination, action, reason)
    if active_decisions().filter(determination=determination).exists():
        raise ReviewError("This determination is already decided: undo the decision first.")
    _supersede_disagreed(determination, user)
    final_outcome, final_reduce_to = resolve(determination, action)
    decision = Decision.objects.create(
        office_id=determination.office_id, determination=determination, person_id=determination.person_id,
        action=action, reason=reason, final_outcome=final_outcome, final_reduce_to=final_reduce_to or "",
        decided_by=user, triage_question=triage_question,
    )
    audit.record("decision.made", office=user.office, actor=user, obj=decision, after=_snapshot(decision))
    outcomes.refresh_people([decision.person_id])  # the outcome dashboard's rows of this person
    return decision


@transaction.atomic
def undo(decision: Decision, user) -> Decision:
    decision = Decision.objects.select_related("sign_off").select_for_update(of=("self",)).get(pk=decision.pk)
    if not decision.active:
        raise ReviewError("This decision was already undone.")
    if decision.decided_by_id != user.pk:
        raise ReviewError("Only the attorney who made a decision can undo it.")
    if decision.locked:
        raise ReviewError("This decision is signed off: a supervisor must reopen the sign-off first.")
    before = _snapshot(decision)
    decision.active = False
    decision.undone_at = timezone.now()
    decision.save(update_fields=["active", "undone_at"])
    audit.record("decision.undone", office=user.office, actor=user, obj=decision, before=before,
                 after=_snapshot(decision))
    outcomes.refresh_people([decision.person_id])  # the outcome dashboard's rows of this person
    return decision


# --- Many at once ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BulkPreview:
    determinations: int
    counts: int
    people: int
    excluded_needs_review: int


def bulk_preview(selection) -> BulkPreview:
    """How many determinations, counts and people a bulk approve of ``selection`` touches."""
    approvable = bulk_approvable(selection).aggregate(
        determinations=Count("pk"), counts=Count("count_id", distinct=True), people=Count("person_id", distinct=True)
    )
    waiting = undecided(selection).count()
    return BulkPreview(approvable["determinations"], approvable["counts"], approvable["people"],
                       waiting - approvable["determinations"])


@transaction.atomic
def bulk_approve(selection, user, *, expected: int | None = None, description: dict | None = None) -> list[int]:
    """Approve every approvable determination of ``selection``; returns the new decisions' ids.

    ``expected`` is the number the attorney confirmed: if the selection changed since, nothing is
    approved, so a confirmation always means exactly what it said.
    """
    rows = list(bulk_approvable(selection).values_list("pk", "person_id", "outcome", "reduce_to"))
    if expected is not None and len(rows) != expected:
        raise ReviewError(f"The selection changed ({len(rows)} now, {expected} confirmed): review it again.")
    if not rows:
        return []
    decisions = [
        Decision(office_id=user.office_id, determination_id=pk, person_id=person_id, action=DecisionAction.APPROVE,
                 final_outcome=outcome, final_reduce_to=reduce_to, decided_by=user)
        for pk, person_id, outcome, reduce_to in rows
    ]
    try:
        with transaction.atomic():
            created = Decision.objects.bulk_create(decisions, batch_size=2000)
    except IntegrityError as conflict:
        raise ReviewError("Someone decided some of these meanwhile: review the selection again.") from conflict
    ids = [d.pk for d in created]
    # One event for the whole approval, listing every decision and determination it made.
    audit.record("decision.bulk_approved", office=user.office, actor=user, object_type="review.decision",
                 after={"selection": description or {}, "decisions": ids, "determinations": [r[0] for r in rows]})
    outcomes.refresh_people({r[1] for r in rows})  # the outcome dashboard's rows of these people
    return ids


@transaction.atomic
@outcomes.deferred  # one dashboard refresh for all the decisions below
def answer_question(determinations, user, question: str, action: str, reason: str) -> list[Decision]:
    """One answer to the same open question for many people: a decision with its reason for each."""
    if action == DecisionAction.APPROVE:
        raise ReviewError("An answer to a question is an override: choose the outcome.")
    return [decide(d, user, action, reason, triage_question=question) for d in determinations]


# --- Sign-off --------------------------------------------------------------------------------

def signable(office, *, person=None, batch=None):
    """Active decisions in scope not covered by a live sign-off."""
    unsigned = Q(sign_off__isnull=True) | Q(sign_off__reopened_at__isnull=False)
    decisions = active_decisions().filter(office=office).filter(unsigned)
    if person is not None:
        decisions = decisions.filter(person=person)
    if batch is not None:
        decisions = decisions.filter(determination__batch=batch)
    return decisions


def canonical_content(decisions, user, *, scope: str, person=None, batch=None) -> tuple[dict, str]:
    content = {
        "scope": scope,
        "person": person.pk if person else None,
        "batch": batch.pk if batch else None,
        "attorney": {"id": user.pk, "username": user.username, "bar_number": user.bar_number},
        "decisions": [
            {"id": d.pk, "determination": d.determination_id, "action": d.action, "final_outcome": d.final_outcome,
             "final_reduce_to": d.final_reduce_to, "reason": d.reason, "decided_by": d.decided_by_id}
            for d in sorted(decisions, key=lambda d: d.pk)
        ],
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return content, hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def sign_off(user, *, person=None, batch=None, expected: int | None = None) -> SignOff:
    if (person is None) == (batch is None):
        raise ReviewError("Sign off one person or one batch.")
    if not user.bar_number:
        raise ReviewError("Your account has no State Bar number: ask the office admin to add it before signing.")
    decisions = list(signable(user.office, person=person, batch=batch).select_for_update(of=("self",)))
    if not decisions:
        raise ReviewError("Nothing to sign: no decisions waiting for sign-off here.")
    if expected is not None and len(decisions) != expected:
        raise ReviewError(f"The decisions changed ({len(decisions)} now, {expected} confirmed): review them again.")
    scope = "person" if person is not None else "batch"
    content, digest = canonical_content(decisions, user, scope=scope, person=person, batch=batch)
    signed = SignOff.objects.create(office=user.office, attorney=user, bar_number=user.bar_number, scope=scope,
                                    person=person, batch=batch, content=content, content_hash=digest)
    Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(sign_off=signed)
    audit.record("signoff.signed", office=user.office, actor=user, obj=signed,
                 after={"content_hash": digest, "decisions": [d.pk for d in decisions], "scope": scope})
    from motions.tasks import generate_motions_for_sign_off  # here: motions imports review

    transaction.on_commit(lambda: generate_motions_for_sign_off.delay(signed.pk, user.pk))
    return signed


@transaction.atomic
def reopen(signed: SignOff, user, reason: str) -> SignOff:
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Reopening a sign-off needs a written reason.")
    signed = SignOff.objects.select_for_update().get(pk=signed.pk)
    if signed.reopened_at is not None:
        raise ReviewError("This sign-off is already reopened.")
    signed.reopened_at = timezone.now()
    signed.reopened_by = user
    signed.reopen_reason = reason
    signed.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    audit.record("signoff.reopened", office=user.office, actor=user, obj=signed,
                 before={"content_hash": signed.content_hash}, after={"reason": reason})
    return signed


def verify(signed: SignOff) -> bool:
    """The stored content still hashes to what was signed."""
    text = json.dumps(signed.content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest() == signed.content_hash
