from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("determinations/<int:determination_id>/decide/", views.decide, name="decide"),
    path("decisions/<int:decision_id>/undo/", views.undo, name="undo"),
    path("bulk-approve/", views.bulk_approve, name="bulk_approve"),
    path("triage/", views.triage, name="triage"),
    path("triage/<slug:question>/", views.triage_question, name="triage_question"),
    path("sign-off/", views.sign_off, name="sign_off"),
    path("sign-offs/", views.sign_off_list, name="sign_off_list"),
    path("sign-offs/<int:sign_off_id>/", views.sign_off_detail, name="sign_off_detail"),
    path("sign-offs/<int:sign_off_id>/reopen/", views.reopen, name="reopen"),
]
