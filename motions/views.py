from django.shortcuts import render

from offices.access import permission_required

from .models import Motion


@permission_required("motions.view")
def motion_list(request):
    motions = Motion.objects.for_office(request.office).select_related("person")[:200]
    return render(request, "motions/list.html", {"motions": motions})
