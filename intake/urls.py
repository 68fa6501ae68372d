from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:batch_id>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:batch_id>/files/", views.upload_file, name="upload_file"),
    path("batches/<int:batch_id>/close/", views.batch_close, name="batch_close"),
    path("batches/<int:batch_id>/errors.csv", views.error_report, name="error_report"),
    path("batches/<int:batch_id>/chunked/", views.chunked_start, name="chunked_start"),
    path("chunked/<uuid:upload_id>/", views.chunked_put, name="chunked_put"),
    path("chunked/<uuid:upload_id>/status/", views.chunked_status, name="chunked_status"),
    path("files/<int:file_id>/original/", views.file_original, name="file_original"),
    path("batches/<int:batch_id>/results/", views.results_export_create, name="results_export"),
    path("results/<int:export_id>/download/", views.results_export_download, name="results_download"),
    path("matches/", views.merge_list, name="merge_list"),
    path("matches/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
]
