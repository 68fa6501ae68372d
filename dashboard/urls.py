from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("research-export.csv", views.research_export, name="research_export"),
    path("access/", views.access, name="access"),
]
