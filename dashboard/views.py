from django.shortcuts import render

from intake.models import Batch, Person
from offices.access import permission_required


@permission_required("dashboard.view")
def home(request):
    office = request.office
    context = {
        "batches": Batch.objects.for_office(office).count(),
        "people": Person.objects.for_office(office).count(),
    }
    return render(request, "dashboard/home.html", context)
