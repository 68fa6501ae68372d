from django.shortcuts import render

from offices.access import permission_required

from .models import OfficePolicy


@permission_required("eligibility.view_policy")
def policy(request):
    versions = OfficePolicy.objects.for_office(request.office)[:20]
    current = versions[0] if versions else None
    return render(request, "eligibility/policy.html", {"versions": versions, "current": current})
