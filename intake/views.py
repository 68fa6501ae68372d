from django.shortcuts import render

from offices.access import permission_required

from .models import Batch


@permission_required("intake.upload")
def batch_list(request):
    batches = Batch.objects.for_office(request.office).select_related("created_by")[:100]
    return render(request, "intake/batch_list.html", {"batches": batches})
