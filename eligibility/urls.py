from django.urls import path

from . import views

app_name = "eligibility"
urlpatterns = [
    path("", views.policy, name="policy"),
    path("preview/", views.preview_create, name="preview_create"),
    path("preview/<int:preview_id>/", views.preview_detail, name="preview"),
    path("preview/<int:preview_id>/save/", views.preview_save, name="preview_save"),
    path("import/", views.policy_import, name="import"),
    path("export.json", views.policy_export, name="export"),
]
