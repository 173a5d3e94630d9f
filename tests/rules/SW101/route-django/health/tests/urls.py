from django.urls import path

from health import views

# A test-only route: it does not count.
urlpatterns = [path("health/debug", views.ping)]
