"""Earthquake-prevention records under /api/v1/seismic/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api
from .record_types import DECLARED

router = SimpleRouter()
router.register(
    "construction-projects",
    api.ConstructionProjectViewSet,
    basename="seismic-construction-project",
)
router.register("inspections", api.InspectionViewSet, basename="seismic-inspection")
for declared in DECLARED:
    router.register(*declared.instance.route())

urlpatterns = [path("seismic/", include(router.urls))]
