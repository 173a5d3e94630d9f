from django.urls import path, re_path

from . import views

urlpatterns = [
    path("live", views.live),
    path("ready", views.ready),
    re_path(r"^startup/?$", views.startup),
    path("ping", views.ping),
]
