"""The office's relief policy: view, edit through a preview, import and export. Versioned, audited."""

import json

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit import service as audit
from offices.access import permission_required
from offices.tenancy import get_for_office_or_404

from .engine.policy import Policy
from .forms import PolicyForm, PolicyImportForm
from .models import OfficePolicy, PolicyPreview
from .services import current_policy, save_policy
from .tasks import preview_policy, reevaluate_office


@permission_required("eligibility.view_policy")
def policy(request):
    office = request.office
    current, label = current_policy(office)
    versions = OfficePolicy.objects.for_office(office).select_related("created_by")[:50]
    can_manage = request.user.has_perm("eligibility.manage_policy")
    form = PolicyForm(initial=PolicyForm.initial_from(current)) if can_manage else None
    return render(request, "eligibility/policy.html", {
        "current": current, "label": label, "versions": versions, "form": form, "can_manage": can_manage,
        "import_form": PolicyImportForm() if can_manage else None,
    })


def _start_preview(request, draft: dict) -> HttpResponse:
    preview = PolicyPreview.objects.create(office=request.office, draft=draft, created_by=request.user)
    transaction.on_commit(lambda: preview_policy.delay(preview.pk))
    return redirect("eligibility:preview", preview_id=preview.pk)


@require_POST
@permission_required("eligibility.manage_policy")
def preview_create(request):
    form = PolicyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The policy has errors: " + "; ".join(
            f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("eligibility:policy")
    return _start_preview(request, form.policy_data())


@require_POST
@permission_required("eligibility.manage_policy")
def policy_import(request):
    form = PolicyImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a JSON file to import.")
        return redirect("eligibility:policy")
    try:
        data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
        if "baselineEligibility" in data or "additionalRelief" in data:
            policy = Policy.from_cfa_options(data, county=request.office.county_key)
        else:
            policy = Policy.from_dict({**data, "county": request.office.county_key})
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, TypeError) as error:
        messages.error(request, f"That file is not a policy we can read: {error}")
        return redirect("eligibility:policy")
    draft = {k: v for k, v in policy.to_dict().items() if k not in ("county", "version")}
    audit.record("policy.imported_for_preview", office=request.office, actor=request.user, after=draft)
    return _start_preview(request, draft)


@permission_required("eligibility.manage_policy")
def preview_detail(request, preview_id):
    preview = get_for_office_or_404(PolicyPreview, request.office, pk=preview_id)
    current, label = current_policy(request.office)
    template = "eligibility/_preview_result.html" if request.htmx else "eligibility/preview.html"
    return render(request, template, {"preview": preview, "current": current.to_dict(), "label": label})


@require_POST
@permission_required("eligibility.manage_policy")
def preview_save(request, preview_id):
    preview = get_for_office_or_404(PolicyPreview, request.office, pk=preview_id)
    note = (request.POST.get("note") or "").strip()
    saved = save_policy(request.office, preview.draft, request.user, note=note)
    office_id = request.office.pk
    transaction.on_commit(lambda: reevaluate_office.delay(office_id))
    messages.success(request, f"Policy version {saved.version} saved. Every record is being evaluated again; "
                              "decisions already made are kept and flagged where the engine now disagrees.")
    return redirect("eligibility:policy")


@permission_required("eligibility.view_policy")
def policy_export(request):
    current, label = current_policy(request.office)
    data = {k: v for k, v in current.to_dict().items() if k not in ("county",)}
    response = HttpResponse(json.dumps(data, indent=2, sort_keys=True), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="policy-{label}.json"'
    audit.record("policy.exported", office=request.office, actor=request.user, after={"version": label})
    return response
