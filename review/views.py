"""Attorney review pages. Views only read the request and render: every change is in ``services``."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from audit import service as audit
from eligibility.models import Determination, PersonEvaluation
from intake.models import Batch, Count, Person
from offices.access import permission_required
from offices.tenancy import get_for_office_or_404

from . import services
from .filters import QUESTION_LABELS, DeterminationFilter, facet_counts, ordered
from .forms import DecisionForm, ReopenForm, TriageAnswerForm
from .models import Decision, DecisionAction, SignOff
from .records import count_history

PAGE_SIZES = (25, 50, 100)
QUEUE_FIELDS = (
    "id", "person_id", "batch_id", "count_id", "relief", "outcome", "reduce_to", "seal", "eligible_on",
    "code_section", "level", "case_number", "court_county", "count_number", "disposition_date", "question_codes",
    "questions", "current", "person__name", "person__cii", "person__dob", "batch__name",
)
SORT_CHOICES = [("person", "Person"), ("name", "Name, A to Z"), ("date", "Date, oldest first"),
                ("-date", "Date, newest first"), ("batch", "Batch")]
# Filter keys that describe a selection (not how it is shown): carried to bulk approve and back.
SELECTION_KEYS = ("batch", "relief", "outcome", "code_section", "county", "level", "date_from", "date_to",
                  "question", "disagrees")


def _determinations(request):
    return Determination.objects.for_office(request.office)


def _selection(request, data=None):
    filterset = DeterminationFilter(data if data is not None else request.GET, _determinations(request),
                                    request=request)
    return filterset, (filterset.qs if filterset.is_valid() else _determinations(request).none())


def _selection_query(data) -> str:
    return urlencode({k: data[k] for k in SELECTION_KEYS if data.get(k)})


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@permission_required("review.decide")
def queue(request):
    filterset, selection = _selection(request)
    waiting = services.undecided(selection)
    facets = facet_counts(waiting)
    size = int(request.GET.get("size", 50)) if request.GET.get("size", "50").isdigit() else 50
    size = size if size in PAGE_SIZES else 50
    page = _page_number(request)
    start = (page - 1) * size
    rows = list(
        ordered(waiting, filterset.form.cleaned_data.get("sort") if filterset.is_valid() else "")
        .select_related("person", "batch").only(*QUEUE_FIELDS)
        .annotate(disagrees=Exists(services.disagreement_subquery()))[start:start + size]
    )
    pages = max(1, -(-facets["total"] // size))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "review/queue.html", {
        "filter": filterset, "rows": rows, "facets": facets, "page": page, "pages": pages, "size": size,
        "page_sizes": PAGE_SIZES, "query": query.urlencode(), "selection_query": _selection_query(request.GET),
        "actions": DecisionAction.choices[1:], "can_decide": True, "questions": QUESTION_LABELS,
        "sort_choices": SORT_CHOICES, "disagree_choices": [("", "Any"), ("true", "Yes"), ("false", "No")],
    })


def _decision_cell(request, determination, decision=None, *, error="", status=200, message=""):
    response = render(request, "review/_decision.html", {
        "d": determination, "decision": decision, "error": error, "can_decide": True,
        "actions": DecisionAction.choices[1:], "override_open": bool(error),
    }, status=status)
    if message:
        # Read out by the page's live region so a screen reader hears what just happened.
        response["HX-Trigger"] = json.dumps({"review:announce": message})
    return response


def _label(determination) -> str:
    return f"{determination.person.name}, {determination.code_section} under {determination.relief}"


@require_POST
@permission_required("review.decide")
def decide(request, determination_id):
    determination = get_for_office_or_404(Determination.objects.select_related("person"), request.office,
                                          pk=determination_id)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise services.ReviewError(" ".join(e for errors in form.errors.values() for e in errors))
        decision = services.decide(determination, request.user, form.cleaned_data["action"],
                                   form.cleaned_data["reason"])
    except services.ReviewError as refused:
        if request.htmx:
            return _decision_cell(request, determination, _active_decision(determination), error=str(refused),
                                  status=422)
        messages.error(request, str(refused))
        return redirect(request.POST.get("next") or reverse("review:queue"))
    message = f"{decision.get_action_display()}: {_label(determination)}"
    if request.htmx:
        return _decision_cell(request, determination, decision, message=message)
    messages.success(request, message)
    return redirect(request.POST.get("next") or reverse("review:queue"))


def _active_decision(determination):
    return services.active_decisions().filter(determination=determination).select_related("sign_off").first()


@require_POST
@permission_required("review.decide")
def undo(request, decision_id):
    decision = get_for_office_or_404(Decision.objects.select_related("determination__person", "sign_off"),
                                     request.office, pk=decision_id)
    determination = decision.determination
    try:
        services.undo(decision, request.user)
    except services.ReviewError as refused:
        if request.htmx:
            return _decision_cell(request, determination, decision, error=str(refused), status=422)
        messages.error(request, str(refused))
        return redirect(request.POST.get("next") or reverse("review:queue"))
    message = f"Undone: {_label(determination)}"
    if request.htmx:
        return _decision_cell(request, determination, None, message=message)
    messages.success(request, message)
    return redirect(request.POST.get("next") or reverse("review:queue"))


@permission_required("review.view_person")
def person_detail(request, person_id):
    person = get_for_office_or_404(Person.objects.select_related("current_snapshot__source_file"), request.office,
                                   pk=person_id)
    snapshot = person.current_snapshot
    counts = list(
        Count.objects.filter(case__snapshot=snapshot, person=person).select_related("case").order_by(
            "case__cycle_index", "case__event_index", "count_index")
    ) if snapshot else []
    decisions = services.active_decisions().select_related("decided_by", "sign_off")
    determinations = list(
        Determination.objects.for_office(request.office).filter(person=person, current=True)
        .annotate(disagrees=Exists(services.disagreement_subquery()))
        .prefetch_related(Prefetch("decisions", queryset=decisions, to_attr="active_decisions"))
        .order_by("count_id", "relief")
    )
    by_count: dict = {}
    for determination in determinations:
        determination.decision = determination.active_decisions[0] if determination.active_decisions else None
        by_count.setdefault(determination.count_id, []).append(determination)
    history = count_history(snapshot.record if snapshot else {})
    cases: list = []
    for count in counts:
        if not cases or cases[-1]["case"].pk != count.case_id:
            cases.append({"case": count.case, "counts": []})
        cases[-1]["counts"].append({
            "count": count, "history": history.get((count.case.cycle_index, count.case.event_index,
                                                    count.count_index), {}),
            "determinations": by_count.pop(count.pk, []),
        })
    unattached = [d for group in by_count.values() for d in group]
    can_decide = request.user.has_perm("review.decide")
    audit.record("person.viewed", office=request.office, actor=request.user, obj=person)
    return render(request, "review/person.html", {
        "person": person, "snapshot": snapshot, "cases": cases, "unattached": unattached,
        "evaluation": PersonEvaluation.objects.for_office(request.office).filter(person=person, current=True).first(),
        "can_decide": can_decide, "can_sign": request.user.has_perm("review.sign_off"),
        "signable": services.signable(request.office, person=person).count(),
        "actions": DecisionAction.choices[1:], "questions": QUESTION_LABELS,
        "source_file": snapshot.source_file if snapshot else None,
    })


@require_http_methods(["GET", "POST"])
@permission_required("review.decide")
def bulk_approve(request):
    data = request.POST if request.method == "POST" else request.GET
    filterset, selection = _selection(request, data)
    preview = services.bulk_preview(selection)
    described = {k: data[k] for k in SELECTION_KEYS if data.get(k)}
    if request.method == "POST":
        try:
            expected = int(request.POST.get("expected", ""))
        except ValueError:
            expected = -1
        try:
            ids = services.bulk_approve(selection, request.user, expected=expected, description=described)
        except services.ReviewError as refused:
            messages.error(request, str(refused))
            return redirect(f"{reverse('review:bulk_approve')}?{_selection_query(data)}")
        messages.success(request, f"Approved {len(ids)} determinations of {preview.people} people.")
        return redirect(f"{reverse('review:queue')}?{_selection_query(data)}")
    return render(request, "review/bulk_approve.html", {
        "filter": filterset, "preview": preview, "described": described, "selection_query": _selection_query(data),
    })


@permission_required("review.decide")
def triage(request):
    """Open questions of the whole selection, grouped by question, with how many people each concerns."""
    filterset, selection = _selection(request)
    facets = facet_counts(services.undecided(selection))
    groups = [(code, label, total) for code, label, total in facets["question"] if total]
    return render(request, "review/triage.html", {
        "filter": filterset, "groups": groups, "selection_query": _selection_query(request.GET),
    })


@require_http_methods(["GET", "POST"])
@permission_required("review.decide")
def triage_question(request, question):
    if question not in QUESTION_LABELS:
        return HttpResponse("Unknown question", status=404)
    data = request.GET.copy()
    data["question"] = question
    filterset, selection = _selection(request, data)
    waiting = services.undecided(selection)
    form = TriageAnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            chosen = waiting.filter(pk__in=form.cleaned_data["determinations"])
            try:
                made = services.answer_question(list(chosen), request.user, question, form.cleaned_data["action"],
                                                form.cleaned_data["reason"])
            except services.ReviewError as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, f"Answered “{QUESTION_LABELS[question]}” for {len(made)} determinations.")
                return redirect(f"{reverse('review:triage_question', args=[question])}?{_selection_query(request.GET)}")
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    rows = list(ordered(waiting, "person").select_related("person", "batch").only(*QUEUE_FIELDS)[:200])
    return render(request, "review/triage_question.html", {
        "question": question, "label": QUESTION_LABELS[question], "rows": rows, "form": form,
        "total": waiting.count(), "selection_query": _selection_query(request.GET),
        "actions": DecisionAction.choices[1:],
    })


def _sign_scope(request, data):
    person = batch = None
    if data.get("person"):
        person = get_for_office_or_404(Person, request.office, pk=data["person"])
    elif data.get("batch"):
        batch = get_for_office_or_404(Batch, request.office, pk=data["batch"])
    return person, batch


@require_http_methods(["GET", "POST"])
@permission_required("review.sign_off")
def sign_off(request):
    data = request.POST if request.method == "POST" else request.GET
    person, batch = _sign_scope(request, data)
    if person is None and batch is None:
        messages.error(request, "Choose a person or a batch to sign off.")
        return redirect("review:queue")
    decisions = list(services.signable(request.office, person=person, batch=batch)
                     .select_related("determination", "person").order_by("person__name", "id")[:500])
    total = services.signable(request.office, person=person, batch=batch).count()
    if request.method == "POST":
        try:
            expected = int(request.POST.get("expected", ""))
        except ValueError:
            expected = -1
        try:
            signed = services.sign_off(request.user, person=person, batch=batch, expected=expected)
        except services.ReviewError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"Signed off {len(signed.content['decisions'])} decisions.")
            return redirect("review:sign_off_detail", sign_off_id=signed.pk)
    undecided_left = services.undecided(
        _determinations(request).filter(**({"person": person} if person else {"batch": batch}))).count()
    return render(request, "review/sign_off.html", {
        "person": person, "batch": batch, "decisions": decisions, "total": total, "undecided_left": undecided_left,
    })


@permission_required("review.view_person")
def sign_off_list(request):
    sign_offs = SignOff.objects.for_office(request.office).select_related("attorney", "person", "batch")[:200]
    return render(request, "review/sign_off_list.html", {"sign_offs": sign_offs})


@permission_required("review.view_person")
def sign_off_detail(request, sign_off_id):
    signed = get_for_office_or_404(SignOff.objects.select_related("attorney", "person", "batch", "reopened_by"),
                                   request.office, pk=sign_off_id)
    return render(request, "review/sign_off_detail.html", {
        "signed": signed, "intact": services.verify(signed), "form": ReopenForm(),
        "can_reopen": request.user.has_perm("review.reopen"),
    })


@require_POST
@permission_required("review.reopen")
def reopen(request, sign_off_id):
    signed = get_for_office_or_404(SignOff, request.office, pk=sign_off_id)
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise services.ReviewError("Reopening a sign-off needs a written reason.")
        services.reopen(signed, request.user, form.cleaned_data["reason"])
    except services.ReviewError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Sign-off reopened: its decisions can be changed and signed again.")
    return redirect("review:sign_off_detail", sign_off_id=signed.pk)
