"""The review API: list determinations, read a person, post a decision. Same rules as the pages."""

from django.db.models import Exists, Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import service as audit
from eligibility.models import Determination
from intake.models import Count, Person
from offices.tenancy import get_for_office_or_404

from . import services
from .api_serializers import DecisionInputSerializer, DecisionSerializer, DeterminationSerializer, PersonSerializer
from .filters import DeterminationFilter, ordered


def office_of(request):
    user = request.user
    return user.office if user.is_authenticated else None


def has_perm(perm):
    class HasPerm(permissions.BasePermission):
        message = f"Your role does not allow {perm}"

        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated and request.user.has_perm(perm))

    HasPerm.__name__ = f"Has_{perm.replace('.', '_')}"
    return HasPerm


class DeterminationList(generics.ListAPIView):
    """Current determinations of your office. ``status=undecided`` (default) is the review queue."""

    serializer_class = DeterminationSerializer
    permission_classes = [has_perm("review.decide")]
    filterset_class = DeterminationFilter

    def get_queryset(self):
        queryset = Determination.objects.for_office(office_of(self.request)).filter(current=True)
        if self.request.query_params.get("status", "undecided") == "undecided":
            queryset = services.undecided(queryset)
        return ordered(queryset.select_related("person").annotate(disagrees=Exists(services.disagreement_subquery())),
                       self.request.query_params.get("sort", ""))


class PersonDetail(APIView):
    """One person with every count, its source lines, and the current determinations and decisions."""

    permission_classes = [has_perm("review.view_person")]

    @extend_schema(responses=PersonSerializer)
    def get(self, request, person_id):
        office = office_of(request)
        person = get_for_office_or_404(Person.objects.select_related("current_snapshot"), office, pk=person_id)
        determinations = (
            Determination.objects.for_office(office).filter(current=True)
            .annotate(disagrees=Exists(services.disagreement_subquery()))
            .prefetch_related(Prefetch("decisions", queryset=services.active_decisions().select_related("decided_by",
                                                                                                         "sign_off"),
                                       to_attr="active_decisions"))
        )
        counts = list(
            Count.objects.filter(person=person, case__snapshot=person.current_snapshot).select_related("case")
            .prefetch_related(Prefetch("determinations", queryset=determinations))
            .order_by("case__cycle_index", "case__event_index", "count_index")
        )
        for count in counts:
            count.determinations_list = list(count.determinations.all())
            for d in count.determinations_list:
                d.decision = d.active_decisions[0] if d.active_decisions else None
        audit.record("person.viewed", office=office, actor=request.user, obj=person, after={"via": "api"})
        context = {"counts": counts}
        return Response(PersonSerializer(person, context=context).data)


class DecisionCreate(APIView):
    """Decide one determination: approve, or override with a mandatory reason."""

    permission_classes = [has_perm("review.decide")]

    @extend_schema(request=DecisionInputSerializer, responses={
        201: DecisionSerializer, 400: OpenApiResponse(description="Refused: the message says why")})
    def post(self, request, determination_id):
        determination = get_for_office_or_404(Determination, office_of(request), pk=determination_id)
        given = DecisionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            decision = services.decide(determination, request.user, given.validated_data["action"],
                                       given.validated_data.get("reason", ""))
        except services.ReviewError as refused:
            return Response({"detail": str(refused)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
