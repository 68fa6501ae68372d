"""Motion pages. Views stay thin: the work is in ``motions.services``; rendering runs in Celery."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit import service as audit
from intake.models import Batch
from offices.access import permission_required
from offices.tenancy import get_for_office_or_404
from review.models import SignOff

from . import services
from .forms import CourtResponseForm, MappingForm, SignatureForm, StatusForm, TemplateUploadForm
from .models import AttorneySignature, FilingPackage, Motion, MotionDocument, MotionTemplate

NEWEST_FIRST = Prefetch("documents", queryset=MotionDocument.objects.order_by("-version"))


def _office_batch(request, value):
    if not value:
        return None
    return get_for_office_or_404(Batch, request.office, pk=value)


@permission_required("motions.view")
def motion_list(request):
    batch = _office_batch(request, request.GET.get("batch"))
    court, status = request.GET.get("court", ""), request.GET.get("status", "")
    motions = Motion.objects.for_office(request.office).select_related("person").prefetch_related(NEWEST_FIRST)
    if batch:
        motions = motions.filter(batch=batch)
    if court:
        motions = motions.filter(court_county=court)
    if status in Motion.Status.values:
        motions = motions.filter(status=status)
    page = Paginator(motions, 100).get_page(request.GET.get("page"))
    office_motions = Motion.objects.for_office(request.office)
    context = {
        "page": page,
        "motions": page.object_list,
        "batch": batch,
        "court": court,
        "status": status,
        "statuses": Motion.Status.choices,
        "courts": office_motions.order_by("court_county").values_list("court_county", flat=True).distinct(),
        "batches": Batch.objects.for_office(request.office).filter(motions__isnull=False).distinct()[:50],
        "relief_labels": services.RELIEF_TYPE_LABELS,
        "can_generate": request.user.has_perm("motions.generate"),
        "can_package": request.user.has_perm("motions.download_package"),
        "can_record": request.user.has_perm("motions.record_status"),
    }
    if context["can_package"]:
        context["package_courts"] = services.courts_with_pending_motions(request.office, batch=batch)
        context["packages"] = FilingPackage.objects.for_office(request.office).select_related("created_by")[:20]
    return render(request, "motions/list.html", context)


@permission_required("motions.generate")
def generate_page(request):
    ready = Q(decisions__active=True, decisions__final_outcome__in=services.FINAL_OUTCOMES)
    sign_offs = (
        SignOff.objects.for_office(request.office)
        .filter(reopened_at__isnull=True)
        .select_related("attorney", "person", "batch")
        .annotate(ready=Count("decisions", filter=ready, distinct=True), made=Count("motions", distinct=True))
        .order_by("-signed_at")[:100]
    )
    return render(request, "motions/generate.html", {"sign_offs": sign_offs})


def _report_generation(request, report):
    messages.success(request, f"{report.summary}. Documents are being rendered.")
    for skipped in report.skipped[:10]:
        messages.warning(request, f"{skipped.person}, case {skipped.case_number or '—'} ({skipped.relief}): "
                                  f"no motion — {skipped.reason}.")


@require_POST
@permission_required("motions.generate")
def generate_for_sign_off(request, sign_off_id):
    sign_off = get_for_office_or_404(SignOff, request.office, pk=sign_off_id)
    if sign_off.reopened_at is not None:
        messages.error(request, "This sign-off was reopened; its decisions must be signed off again first.")
        return redirect("motions:generate")
    report = services.generate(request.office, actor=request.user, sign_off=sign_off)
    _report_generation(request, report)
    return redirect("motions:list")


@require_POST
@permission_required("motions.generate")
def generate_for_batch(request, batch_id):
    batch = get_for_office_or_404(Batch, request.office, pk=batch_id)
    report = services.generate(request.office, actor=request.user, batch=batch)
    _report_generation(request, report)
    return redirect(f"{_list_url()}?batch={batch.pk}")


def _list_url():
    from django.urls import reverse

    return reverse("motions:list")


def _motion(request, motion_id):
    queryset = Motion.objects.select_related("person", "sign_off", "sign_off__attorney", "batch")
    return get_for_office_or_404(queryset.prefetch_related(NEWEST_FIRST), request.office, pk=motion_id)


@permission_required("motions.view")
def motion_detail(request, motion_id):
    motion = _motion(request, motion_id)
    documents = list(motion.documents.all())
    shown = documents[0] if documents else None
    if request.GET.get("version"):
        shown = next((d for d in documents if str(d.version) == request.GET["version"]), shown)
    decisions = motion.decisions.select_related("determination", "decided_by").order_by("determination__count_number")
    context = {
        "motion": motion,
        "documents": documents,
        "shown": shown,
        "decisions": decisions,
        "relief_label": services.RELIEF_TYPE_LABELS.get(motion.relief_type, motion.relief_type),
        "status_form": StatusForm(),
        "can_generate": request.user.has_perm("motions.generate"),
        "can_record": request.user.has_perm("motions.record_status"),
        "reopened": motion.sign_off.reopened_at is not None,
    }
    return render(request, "motions/detail.html", context)


@require_POST
@permission_required("motions.generate")
def motion_regenerate(request, motion_id):
    motion = _motion(request, motion_id)
    try:
        version = services.request_regeneration(motion, actor=request.user)
    except services.MotionError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Version {version} is being rendered; earlier versions are kept.")
    return redirect("motions:detail", motion_id=motion.pk)


@require_POST
@permission_required("motions.record_status")
def motion_status(request, motion_id):
    motion = _motion(request, motion_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Status not recorded: " + "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("motions:detail", motion_id=motion.pk)
    data = form.cleaned_data
    try:
        changed = services.record_status(motion, data["status"], data["on"], actor=request.user,
                                         court=data["court"], note=data["note"])
    except services.MotionError as refused:
        messages.error(request, str(refused))
    else:
        text = f"Recorded: {motion.get_status_display()}" + (" — the record is flagged as sealed." if motion.sealed
                                                             else ".")
        messages.success(request, text if changed else "That was already recorded.")
    return redirect("motions:detail", motion_id=motion.pk)


@permission_required("motions.view")
def document_pdf(request, document_id):
    document = get_for_office_or_404(MotionDocument.objects.select_related("motion"), request.office,
                                     pk=document_id)
    download = request.GET.get("download") == "1"
    audit.record("motion_document.downloaded" if download else "motion_document.viewed", office=request.office,
                 actor=request.user, obj=document, after={"version": document.version, "sha256": document.sha256})
    name = f"{document.motion.case_number}_{document.motion.relief_type}_v{document.version}.pdf"
    return FileResponse(document.pdf.open("rb"), content_type="application/pdf", as_attachment=download,
                        filename=name)


@require_POST
@permission_required("motions.download_package")
def package_build(request):
    court = request.POST.get("court", "")
    batch = _office_batch(request, request.POST.get("batch"))
    try:
        package = services.build_package(request.office, court, actor=request.user, batch=batch)
    except services.MotionError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Filing package for {services.county_label(court)} built: "
                                  f"{package.motion_count} motion(s).")
    return redirect(_list_url() + (f"?batch={batch.pk}" if batch else ""))


@permission_required("motions.download_package")
def package_download(request, package_id):
    package = get_for_office_or_404(FilingPackage, request.office, pk=package_id)
    audit.record("package.downloaded", office=request.office, actor=request.user, obj=package,
                 after={"sha256": package.sha256, "court_county": package.court_county})
    name = package.zip_file.name.rsplit("/", 1)[-1]
    return FileResponse(package.zip_file.open("rb"), content_type="application/zip", as_attachment=True,
                        filename=name)


@permission_required("motions.record_status")
def court_response_import(request):
    report = None
    form = CourtResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = services.import_court_response(request.office, form.cleaned_data["file"].read(),
                                                actor=request.user)
    return render(request, "motions/court_response.html", {"form": form, "report": report})


@permission_required("motions.generate")
def signature(request):
    current = AttorneySignature.objects.filter(attorney=request.user).first()
    form = SignatureForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("remove"):
            services.remove_signature(request.user)
            messages.success(request, "Signature image removed; motions will carry an /s/ signature line.")
            return redirect("motions:signature")
        if form.is_valid():
            try:
                services.save_signature(request.user, form.cleaned_data["image"].read(),
                                        form.cleaned_data["image"].name)
            except services.MotionError as refused:
                form.add_error("image", str(refused))
            else:
                messages.success(request, "Signature saved. Motions generated from now on carry it.")
                return redirect("motions:signature")
    return render(request, "motions/signature.html", {"form": form, "current": current})


@permission_required("motions.generate")
def signature_image(request):
    current = get_for_office_or_404(AttorneySignature, request.office, attorney=request.user)
    return FileResponse(current.image.open("rb"))


@permission_required("motions.manage_templates")
def template_list(request):
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = services.upload_template(request.office, actor=request.user, name=data["name"],
                                                relief_type=data["relief_type"], content=data["file"].read())
        except services.MotionError as refused:
            form.add_error("file", str(refused))
        else:
            messages.success(request, f"{template.label} uploaded with {len(template.fields)} fields. "
                                      "Check the suggested mapping below.")
            return redirect("motions:template_detail", template_id=template.pk)
    templates = MotionTemplate.objects.for_office(request.office).select_related("created_by")
    return render(request, "motions/templates.html", {"form": form, "templates": templates,
                                                      "relief_labels": services.RELIEF_TYPE_LABELS})


@permission_required("motions.manage_templates")
def template_detail(request, template_id):
    template = get_for_office_or_404(MotionTemplate, request.office, pk=template_id)
    form = MappingForm(request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_mapping(template, form.mapping(), actor=request.user)
        except services.MotionError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Mapping saved. Generated motions of this relief type now use this form.")
            return redirect("motions:template_detail", template_id=template.pk)
    samples = Motion.objects.for_office(request.office).filter(relief_type=template.relief_type).select_related(
        "person")[:50]
    context = {
        "template": template,
        "form": form,
        "choices": services.mapping_choices(template),
        "samples": samples,
        "sample": request.GET.get("sample", ""),
        "relief_label": services.RELIEF_TYPE_LABELS.get(template.relief_type, template.relief_type),
    }
    return render(request, "motions/template_detail.html", context)


@permission_required("motions.manage_templates")
def template_preview(request, template_id):
    template = get_for_office_or_404(MotionTemplate, request.office, pk=template_id)
    motion = None
    if request.GET.get("sample"):
        motion = get_for_office_or_404(Motion.objects.select_related("person", "sign_off", "sign_off__attorney"),
                                       request.office, pk=request.GET["sample"])
    try:
        pdf = services.preview_pdf(template, motion=motion, attorney=request.user)
    except services.MotionError as refused:
        return HttpResponse(f"This mapping cannot fill the form: {refused}", status=422, content_type="text/plain")
    audit.record("motion_template.previewed", office=request.office, actor=request.user, obj=template,
                 after={"sample_motion_id": motion.pk if motion else None})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview_{template.pk}.pdf"'
    return response
