from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("enterprise-years", api.EnterpriseYearViewSet, basename="enterprise-year")
router.register("qualifications", api.QualificationViewSet, basename="qualification")
router.register("people", api.PersonViewSet, basename="person")
router.register("towns", api.TownViewSet, basename="town")
router.register("zones", api.ZoneViewSet, basename="zone")

urlpatterns = router.urls
