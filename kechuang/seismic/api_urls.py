"""Earthquake-prevention records under /api/v1/seismic/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api
from .record_types import DECLARED

router = SimpleRouter()
router.register("town-zonations", api.TownZonationViewSet, basename="seismic-town-zonation")
router.register(
    "construction-projects",
    api.ConstructionProjectViewSet,
    basename="seismic-construction-project",
)
router.register("inspections", api.InspectionViewSet, basename="seismic-inspection")
router.register(
    "raised-fortifications",
    api.RaisedFortificationViewSet,
    basename="seismic-raised-fortification",
)
router.register(
    "demonstration-sites", api.DemonstrationSiteViewSet, basename="seismic-demonstration-site"
)
router.register("shelters", api.ShelterViewSet, basename="seismic-shelter")
router.register(
    "monitoring-stations", api.MonitoringStationViewSet, basename="seismic-monitoring-station"
)
router.register("station-upgrades", api.StationUpgradeViewSet, basename="seismic-station-upgrade")
router.register("plan-documents", api.PlanDocumentViewSet, basename="seismic-plan-document")
router.register("assessments", api.AssessmentViewSet, basename="seismic-assessment")
for declared in DECLARED:
    router.register(*declared.instance.route())

urlpatterns = [path("seismic/", include(router.urls))]
