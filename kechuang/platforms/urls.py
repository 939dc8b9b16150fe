from django.urls import path  # noqa: F401

from .application_urls import urlpatterns as application_patterns

app_name = "platforms"
urlpatterns = [
    *application_patterns,
]
