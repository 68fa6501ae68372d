from django.shortcuts import render

from eligibility.models import Determination
from offices.access import permission_required


@permission_required("review.decide")
def queue(request):
    determinations = (
        Determination.objects.for_office(request.office)
        .filter(current=True, decisions__isnull=True)
        .select_related("person")[:50]
    )
    return render(request, "review/queue.html", {"determinations": determinations})
