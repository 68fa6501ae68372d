from django.urls import path

from . import api_views

urlpatterns = [
    path("determinations/", api_views.DeterminationList.as_view(), name="api-determinations"),
    path("determinations/<int:determination_id>/decision/", api_views.DecisionCreate.as_view(),
         name="api-decision-create"),
    path("persons/<int:person_id>/", api_views.PersonDetail.as_view(), name="api-person"),
]
