from django.urls import path

from . import views

app_name = "motions"
urlpatterns = [
    path("", views.motion_list, name="list"),
    path("generate/", views.generate_page, name="generate"),
    path("sign-offs/<int:sign_off_id>/generate/", views.generate_for_sign_off, name="generate_sign_off"),
    path("batches/<int:batch_id>/generate/", views.generate_for_batch, name="generate_batch"),
    path("<int:motion_id>/", views.motion_detail, name="detail"),
    path("<int:motion_id>/regenerate/", views.motion_regenerate, name="regenerate"),
    path("<int:motion_id>/status/", views.motion_status, name="status"),
    path("documents/<int:document_id>/pdf/", views.document_pdf, name="document_pdf"),
    path("packages/build/", views.package_build, name="package_build"),
    path("packages/<int:package_id>/download/", views.package_download, name="package_download"),
    path("court-response/", views.court_response_import, name="court_response"),
    path("signature/", views.signature, name="signature"),
    path("signature/image/", views.signature_image, name="signature_image"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:template_id>/", views.template_detail, name="template_detail"),
    path("templates/<int:template_id>/preview/", views.template_preview, name="template_preview"),
]
