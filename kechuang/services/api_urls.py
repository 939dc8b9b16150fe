"""The services records under /api/v1/services/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api
from .record_types import DECLARED

router = SimpleRouter()
router.register("policy-versions", api.PolicyVersionViewSet, basename="services-policy-version")
router.register(
    "consultation-opinions",
    api.ConsultationOpinionViewSet,
    basename="services-consultation-opinion",
)
for declared in DECLARED:
    router.register(*declared.instance.route())

urlpatterns = [path("services/", include(router.urls))]
