from django.urls import path

from . import views

app_name = "motions"
urlpatterns = [
    path("", views.motion_list, name="list"),
]
