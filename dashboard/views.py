"""Supervisor outcome dashboard: the page, its exports, and the office admin's access setting."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit import service as audit
from offices.access import permission_required
from offices.models import Office, Role

from . import exports, report
from .forms import DashboardAccessForm, DashboardFilter
from .queries import Scope


def _scope(request) -> tuple[Scope, DashboardFilter]:
    form = DashboardFilter(request.GET or None, office=request.office)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return Scope(request.office, data["start"], data["end"], data["batch"]), form
    return Scope(request.office), form


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stem(request) -> str:
    return f"outcomes-{request.office.slug}-{timezone.localdate():%Y%m%d}"


@permission_required("dashboard.view")
def home(request):
    scope, form = _scope(request)
    filters = urlencode({k: v for k, v in request.GET.items() if k in form.fields and v})
    return render(request, "dashboard/home.html", {
        "form": form, "report": report.build(scope), "definitions": report.DEFINITIONS,
        "query": f"?{filters}" if filters else "",
        "can_research_export": request.user.has_perm("dashboard.research_export"),
        "can_manage_access": request.user.has_perm("dashboard.manage_access"),
    })


@permission_required("dashboard.view")
def export_csv(request):
    scope, _ = _scope(request)
    return _download(exports.tables_csv(report.build(scope)), "text/csv; charset=utf-8", f"{_stem(request)}.csv")


@permission_required("dashboard.view")
def export_xlsx(request):
    scope, _ = _scope(request)
    return _download(exports.tables_xlsx(report.build(scope)),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{_stem(request)}.xlsx")


@permission_required("dashboard.view")
def summary_pdf(request):
    scope, _ = _scope(request)
    return _download(exports.summary_pdf(report.build(scope)), "application/pdf", f"{_stem(request)}-summary.pdf")


@require_POST
@permission_required("dashboard.research_export")
def research_export(request):
    # The filters travel in the query string, like every other export of this page.
    scope, _ = _scope(request)
    audit.record(
        "dashboard.research_export", office=request.office, actor=request.user, object_type="dashboard.research",
        after={"start": scope.start, "end": scope.end, "batch": scope.batch.pk if scope.batch else None,
               "columns": exports.RESEARCH_COLUMNS, "hash": "HMAC-SHA256, per-office key"},
    )
    response = StreamingHttpResponse(exports.research_csv_lines(scope), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="research-{request.office.slug}-' \
                                      f'{timezone.localdate():%Y%m%d}.csv"'
    return response


@permission_required("dashboard.manage_access")
def access(request):
    office = request.office
    # Bound on every POST: unticking every box posts nothing, and that is a real change.
    form = DashboardAccessForm(request.POST if request.method == "POST" else None,
                               initial={"roles": office.dashboard_roles})
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            # Lock the row: two admins saving at once must not lose one another's change silently.
            office = Office.objects.select_for_update().get(pk=office.pk)
            before = sorted(office.dashboard_roles or [])
            after = sorted(form.cleaned_data["roles"])
            if before != after:
                office.dashboard_roles = after
                office.save(update_fields=["dashboard_roles"])
                audit.record("dashboard.access_changed", office=office, actor=request.user, obj=office,
                             before={"dashboard_roles": before}, after={"dashboard_roles": after})
        messages.success(request, "Dashboard access saved.")
        return redirect("dashboard:access")
    return render(request, "dashboard/access.html", {"form": form, "always": Role.SUPERVISOR.label})
