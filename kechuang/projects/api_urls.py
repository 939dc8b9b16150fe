"""Plan projects under /api/v1/projects/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api
from .record_types import ExpertType

router = SimpleRouter()
router.register("calls", api.CallViewSet, basename="projects-call")
router.register("criteria", api.CriterionViewSet, basename="projects-criterion")
router.register("form-fields", api.FormFieldViewSet, basename="projects-form-field")
router.register("review-phases", api.ReviewPhaseViewSet, basename="projects-review-phase")
router.register("applications", api.ApplicationViewSet, basename="projects-application")
router.register(*ExpertType.instance.route())
router.register("my-assignments", api.MyAssignmentViewSet, basename="projects-my-assignment")
router.register("meetings", api.MeetingViewSet, basename="projects-meeting")
router.register("meeting-sessions", api.MeetingSessionViewSet, basename="projects-meeting-session")
router.register("session-projects", api.SessionProjectViewSet, basename="projects-session-project")
router.register("panel-members", api.PanelMemberViewSet, basename="projects-panel-member")

urlpatterns = [path("projects/", include(router.urls))]
