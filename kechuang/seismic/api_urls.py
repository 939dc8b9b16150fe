"""Earthquake-prevention records under /api/v1/seismic/: the declared record types'
(``record_types``)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .record_types import DECLARED

router = SimpleRouter()
for declared in DECLARED:
    router.register(*declared.instance.route())

urlpatterns = [path("seismic/", include(router.urls))]
