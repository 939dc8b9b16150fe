from rest_framework.routers import DefaultRouter

from . import api
from .declarations import DECLARED

router = DefaultRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("towns", api.TownViewSet, basename="town")
router.register("zones", api.ZoneViewSet, basename="zone")
for record_type in DECLARED:
    router.register(*record_type.instance.route())

urlpatterns = router.urls
