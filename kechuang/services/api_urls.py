"""The services records under /api/v1/services/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("commissioners", api.CommissionerViewSet, basename="services-commissioner")
router.register(
    "commissioner-members", api.CommissionerMemberViewSet, basename="services-commissioner-member"
)
router.register("assignments", api.ServiceAssignmentViewSet, basename="services-assignment")
router.register("activities", api.ActivityViewSet, basename="services-activity")
router.register(
    "training-institutions",
    api.TrainingInstitutionViewSet,
    basename="services-training-institution",
)
router.register(
    "institution-contacts", api.InstitutionContactViewSet, basename="services-institution-contact"
)
router.register(
    "institution-visits", api.InstitutionVisitViewSet, basename="services-institution-visit"
)
router.register(
    "institution-checks", api.InstitutionCheckViewSet, basename="services-institution-check"
)
router.register("field-visits", api.FieldVisitViewSet, basename="services-field-visit")
router.register("visit-issues", api.VisitIssueViewSet, basename="services-visit-issue")
router.register("follow-ups", api.FollowUpViewSet, basename="services-follow-up")
router.register("policies", api.PolicyViewSet, basename="services-policy")
router.register("policy-versions", api.PolicyVersionViewSet, basename="services-policy-version")
router.register(
    "consultation-opinions",
    api.ConsultationOpinionViewSet,
    basename="services-consultation-opinion",
)

urlpatterns = [path("services/", include(router.urls))]
