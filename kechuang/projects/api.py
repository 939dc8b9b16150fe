"""Plan projects under /api/v1/projects/: scoped like the pages, filtered like the lists,
versioned edits (409 on a stale version), and references within the caller's scope.

* Calls are the bureau's announcements: anyone who may view calls sees them all (no data
  scope); the staff write them and their criteria, form fields and review phases.
* Applications are listed within the caller's data scope. They are created and edited only as
  drafts (or when returned) through ``workflow.save_application``, and change state only
  through ``workflow.perform`` (the ``transition`` and ``batch-transition`` actions).
* Experts are the staff's; an expert user sees only ``my-assignments`` — their own assignments
  without a conflict of interest (``domain/conflicts.py``) — and no application endpoint gives
  them anything: a conflicted application answers 404 wherever they ask for it.
* Acceptance meetings with their sessions, projects and panel; a project's conclusion at a
  meeting moves it on in its workflow (the ``conclude`` action).
"""

from __future__ import annotations

import json
import tempfile

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.core.api import (
    ModelRulesPermission,
    ScopedModelViewSet,
    ScopedReferencesMixin,
    ScopedRelationsMixin,
    delete_or_conflict,
)
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.domain.errors import DomainError
from kechuang.core.middleware import received_at
from kechuang.registry.api import Conflict, VersionedMixin, stale_version_message

from . import models
from .domain import meetings, scoring, workflow
from .domain.conflicts import expert_assignments
from .enums import PanelRole, ReviewState, State
from .interfaces import api_filters as filters
from .interfaces import exporters
from .interfaces import serializers as s
from .reference import APPROVE, REVIEW

VIEW_APPLICATION = "projects.view_application"


# Permissions -----------------------------------------------------------------------------------


class ActionRulesPermission(ModelRulesPermission):
    """The role permission of the request's method — or of the action, for actions that only
    read (``view``) or export (``export``) whatever their method; the record must be in scope."""

    def _perm(self, request, view) -> str:
        meta = view.queryset.model._meta
        verb = getattr(view, "action_verbs", {}).get(view.action) or self.actions[request.method]
        return f"{meta.app_label}.{verb}_{meta.model_name}"


class UnscopedRulesPermission(ActionRulesPermission):
    """For the records of the bureau that have no data scope (calls and their parts): the
    role permission alone decides."""

    def has_object_permission(self, request, view, obj):
        return request.user.has_perm(self._perm(request, view))


class IsExpert(permissions.BasePermission):
    message = _("Only experts have review assignments.")

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and models.Expert.objects.filter(user=user).exists()
        )


class XlsxRenderer(renderers.BaseRenderer):
    """Lets a client ask for the workbook (``Accept``); errors still come as JSON."""

    media_type = exporters.XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, default=str, ensure_ascii=False).encode()


EXPORT_RENDERERS = [renderers.JSONRenderer, XlsxRenderer]
WORKBOOK = OpenApiResponse(OpenApiTypes.BINARY, description="An Excel workbook (.xlsx).")


def workbook_response(write, sheet: str, comment: str, filters: dict) -> FileResponse:
    """Write the workbook to a spool file, audit the export, and send it."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    count = write(spool)
    chain.record(AuditAction.EXPORT, changes={"filters": filters, "rows": count}, comment=comment)
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        spool, as_attachment=True, filename=f"{sheet}-{stamp}.xlsx", content_type=exporters.XLSX
    )


# The ``export`` action of a viewset: its filtered list as a workbook (``filtered_workbook``).
export_action = action(
    detail=False, methods=["get"], renderer_classes=EXPORT_RENDERERS, pagination_class=None
)


def filtered_workbook(view, export, comment: str) -> FileResponse:
    """Exactly the filtered list of the viewset ``view``, written as ``export``."""
    queryset = view.filter_queryset(view.get_queryset())
    return workbook_response(
        lambda stream: export.write(stream, queryset),
        export.sheet,
        comment,
        view.request.query_params.dict(),
    )


# Shared behaviour ------------------------------------------------------------------------------


class Refused(exceptions.APIException):
    """A step refused for a reason the caller can act on (``{"detail": message}``)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


def domain_call(function, *args, **kwargs):
    """Run a domain step, answering its refusals as the API does: 403 when the user may not,
    409 when the record's state does not allow it, 400 for other reasons (by field, when the
    refusal names one)."""
    try:
        return function(*args, **kwargs)
    except DjangoPermissionDenied:
        raise exceptions.PermissionDenied(_("You may not do this with this project.")) from None
    except workflow.WrongStateError as error:
        raise Conflict(str(error)) from None
    except DomainError as error:
        if error.field:
            raise exceptions.ValidationError({error.field: [str(error)]}) from None
        raise Refused(str(error)) from None


class ProjectMixin(ScopedRelationsMixin):
    """References within the caller's reach (``ScopedReferencesMixin``), except organisations
    a record only *names* by their credit code (``unscoped_references``: a cooperator, an
    expert's organisation, an agency), which may be any; a record still in use is not deleted
    (409)."""

    permission_classes = [permissions.IsAuthenticated, ActionRulesPermission]

    def perform_destroy(self, instance):
        delete_or_conflict(instance)  # also under UnscopedViewSet, not a ScopedModelViewSet


class UnscopedViewSet(ProjectMixin, ScopedReferencesMixin, viewsets.ModelViewSet):
    permission_classes = [permissions.IsAuthenticated, UnscopedRulesPermission]


# Calls -----------------------------------------------------------------------------------------


def may_see_results(user) -> bool:
    return user.has_perm(REVIEW) or user.has_perm(APPROVE)


@extend_schema_view(
    results=extend_schema(
        summary="The review results of the call",
        responses=s.CallResultSerializer(many=True),
    ),
    results_export=extend_schema(
        summary="The review results of the call as an Excel workbook", responses={200: WORKBOOK}
    ),
)
class CallViewSet(ProjectMixin, VersionedMixin, ScopedReferencesMixin, viewsets.ModelViewSet):
    queryset = models.Call.objects.select_related("programme").prefetch_related(
        "form_fields", "criteria", "phases"
    )
    serializer_class = s.CallSerializer
    filterset_class = filters.CallFilter
    permission_classes = [permissions.IsAuthenticated, UnscopedRulesPermission]
    ordering_fields = ["year", "batch", "closes_at", "opens_at", "name", "code"]
    action_verbs = {"results": "view", "results_export": "view"}

    def results_of(self, call):
        if not may_see_results(self.request.user):
            raise exceptions.PermissionDenied(
                _("Only the staff running the review see its results.")
            )
        applications = (
            models.Application.objects.visible_to(self.request.user)
            .filter(call=call)
            .exclude(state=State.DRAFT)
        )
        return scoring.call_results(call, applications)

    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def results(self, request, pk=None):
        results = self.results_of(self.get_object())
        return Response(s.CallResultSerializer(results, many=True).data)

    @action(
        detail=True,
        methods=["get"],
        url_path="results/export",
        renderer_classes=EXPORT_RENDERERS,
        filter_backends=[],
        pagination_class=None,
    )
    def results_export(self, request, pk=None):
        call = self.get_object()
        results = self.results_of(call)
        return workbook_response(
            lambda stream: exporters.write_results(stream, results),
            f"评审结果-{call.code}",
            _("Review results export: %(call)s") % {"call": call.name},
            {"call": call.pk},
        )


class CallPartViewSet(UnscopedViewSet):
    """A call's criteria, form fields or review phases: written by the staff; the criteria
    stay as they are once an expert has submitted a review of the call (the scores refer to
    them)."""

    locked_by_reviews = False

    def check_reviews(self, *calls):
        if not self.locked_by_reviews:
            return
        ids = {c.pk for c in calls if c is not None}
        started = models.Review.objects.filter(
            assignment__phase__call_id__in=ids, state=ReviewState.SUBMITTED
        ).exists()
        if started:
            raise exceptions.ValidationError(
                {
                    "call": _(
                        "Experts have submitted reviews of this call; its criteria can no "
                        "longer change."
                    )
                }
            )

    def perform_create(self, serializer):
        self.check_reviews(serializer.validated_data.get("call"))
        super().perform_create(serializer)

    def perform_update(self, serializer):
        self.check_reviews(serializer.instance.call, serializer.validated_data.get("call"))
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        self.check_reviews(instance.call)
        super().perform_destroy(instance)


def call_part_viewset(model, serializer, filterset, locked=False):
    attributes = {
        "queryset": model.objects.select_related("call"),
        "serializer_class": serializer,
        "filterset_class": filterset,
        "locked_by_reviews": locked,
    }
    return type(f"{model.__name__}ViewSet", (CallPartViewSet,), attributes)


CriterionViewSet = call_part_viewset(
    models.Criterion, s.CriterionSerializer, filters.CriterionFilter, locked=True
)
FormFieldViewSet = call_part_viewset(
    models.FormField, s.FormFieldSerializer, filters.FormFieldFilter
)
ReviewPhaseViewSet = call_part_viewset(
    models.ReviewPhase, s.ReviewPhaseSerializer, filters.ReviewPhaseFilter
)


# Applications ----------------------------------------------------------------------------------


def hidden_from_expert(user):
    """The applications an expert user may never see, whatever their roles: those of their own
    or a declared organisation (as undertaker or cooperator), and those they declared a
    conflict on. None for a user who is not an expert."""
    expert = models.Expert.objects.filter(user=user).first() if user.is_authenticated else None
    if expert is None:
        return None
    organisations = {
        expert.organisation_id,
        *expert.declared_organisations.values_list("pk", flat=True),
    }
    declared = models.Assignment.objects.filter(expert=expert, declared_conflict=True)
    return models.Application.objects.filter(
        Q(undertaker_id__in=organisations)
        | Q(cooperators__in=organisations)
        | Q(pk__in=declared.values("application_id"))
    ).values("pk")


@extend_schema_view(
    transition=extend_schema(
        summary="Take a workflow step",
        request=s.TransitionSerializer,
        responses={
            200: s.ApplicationSerializer,
            400: OpenApiResponse(description="The step needs input it was not given."),
            403: OpenApiResponse(description="The caller may not take this step."),
            409: OpenApiResponse(
                description="The project is not (or no longer) in a state the step leaves from."
            ),
        },
    ),
    transitions=extend_schema(
        summary="The steps the caller may take now",
        responses=s.AvailableTransitionSerializer(many=True),
    ),
    timeline=extend_schema(
        summary="The project's audit events", responses=s.TimelineEventSerializer(many=True)
    ),
    batch_transition=extend_schema(
        summary="Take one step on several projects (each audited on its own)",
        request=s.BatchTransitionSerializer,
        responses=s.BatchResultSerializer,
    ),
    export=extend_schema(
        summary="The filtered list as an Excel workbook (the import template's columns)",
        responses={200: WORKBOOK},
    ),
)
class ApplicationViewSet(ProjectMixin, ScopedModelViewSet):
    queryset = models.Application.objects.select_related(
        "call", "undertaker", "tech_field"
    ).prefetch_related("cooperators")
    serializer_class = s.ApplicationSerializer
    filterset_class = filters.ApplicationFilter
    permission_classes = [permissions.IsAuthenticated, ActionRulesPermission]
    unscoped_references = ("cooperators",)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = ["id", "number", "name", "state", "submitted_at", "approved_on"]
    action_verbs = {
        "transition": "view",
        "transitions": "view",
        "timeline": "view",
        "batch_transition": "view",
        "export": "export",
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        hidden = hidden_from_expert(self.request.user)
        if hidden is not None:
            queryset = queryset.exclude(pk__in=hidden)
        return queryset

    def check_permissions(self, request):
        """Someone who may not view applications at all learns nothing of one: 404."""
        user = request.user
        if self.detail and user.is_authenticated and not user.has_perm(VIEW_APPLICATION):
            raise exceptions.NotFound()
        super().check_permissions(request)

    # -- drafts ---------------------------------------------------------------------------------
    def perform_create(self, serializer):
        self.check_relations(serializer)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        cooperators = data.pop("cooperators", None)
        application = models.Application(**data)
        serializer.instance = workflow.save_application(
            application, self.request.user, cooperators=cooperators
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        expected = data.pop("version", None)
        if expected is None:
            raise exceptions.ValidationError(
                {"version": _("Give the version of the record your change starts from.")}
            )
        self.check_relations(serializer)
        cooperators = data.pop("cooperators", None)
        application = serializer.instance
        for name, value in data.items():
            setattr(application, name, value)
        try:
            workflow.save_application(
                application, self.request.user, expected, cooperators=cooperators
            )
        except workflow.NotEditableError as error:
            raise Conflict(str(error)) from None
        except ConcurrentEditError as error:
            raise Conflict(stale_version_message(error)) from None

    # -- the workflow ---------------------------------------------------------------------------
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        application = self.get_object()
        given = s.TransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        domain_call(
            workflow.perform,
            application,
            data["transition"],
            request.user,
            comment=data.get("comment", ""),
            approved_funding=data.get("approved_funding"),
            contract_number=data.get("contract_number", ""),
            now=received_at(request),
        )
        application = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(application).data)

    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        application = self.get_object()
        steps = workflow.available(application, request.user)
        return Response([s.AvailableTransitionSerializer.of(step) for step in steps])

    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        application = self.get_object()
        events = AuditEvent.objects.for_object(application).order_by("id")
        return Response([s.TimelineEventSerializer.of(event) for event in events])

    @action(detail=False, methods=["post"], url_path="batch-transition")
    def batch_transition(self, request):
        given = s.BatchTransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        ids = list(dict.fromkeys(data["ids"]))
        visible = set(self.get_queryset().filter(pk__in=ids).values_list("pk", flat=True))
        outcome = workflow.perform_many(
            [pk for pk in ids if pk in visible],
            data["transition"],
            request.user,
            comment=data.get("comment", ""),
        )
        failed = {str(pk): str(message) for pk, message in outcome["failed"].items()}
        for pk in ids:
            if pk not in visible:
                failed[str(pk)] = _("No such project within your reach.")
        return Response({"done": outcome["done"], "failed": failed})

    @export_action
    def export(self, request):
        return filtered_workbook(self, exporters.APPLICATIONS, _("Plan projects export"))


# Experts (the pool is declared: ``record_types.py``) --------------------------------------------


@extend_schema_view(
    export=extend_schema(summary="My assignments as an Excel workbook", responses={200: WORKBOOK})
)
class MyAssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """An expert's own review assignments, none where they are conflicted (those answer 404),
    each with the application as its reviewer needs it."""

    queryset = models.Assignment.objects.none()
    serializer_class = s.AssignmentSerializer
    filterset_class = filters.AssignmentFilter
    permission_classes = [permissions.IsAuthenticated, IsExpert]

    def get_queryset(self):
        return (
            expert_assignments(self.request.user)
            .select_related(
                "phase__call", "application__undertaker", "application__tech_field", "review"
            )
            .prefetch_related(
                "application__cooperators",
                "application__call__form_fields",
                "phase__call__criteria",
                "review__scores__criterion",
            )
            .order_by("phase__closes_at", "id")
        )

    def get_serializer_class(self):
        if self.action == "list":
            return s.AssignmentListSerializer
        return s.AssignmentSerializer

    @export_action
    def export(self, request):
        return filtered_workbook(self, exporters.ASSIGNMENTS, _("Review assignments export"))


# Acceptance meetings ---------------------------------------------------------------------------


class MeetingViewSet(ProjectMixin, VersionedMixin, ScopedModelViewSet):
    queryset = models.AcceptanceMeeting.objects.select_related("agency").prefetch_related(
        "sessions__projects__application__undertaker", "panel__expert"
    )
    serializer_class = s.MeetingSerializer
    filterset_class = filters.MeetingFilter
    unscoped_references = ("agency",)
    ordering_fields = ["held_on", "year", "name"]


class MeetingSessionViewSet(ProjectMixin, ScopedModelViewSet):
    queryset = models.MeetingSession.objects.select_related("meeting").prefetch_related(
        "projects__application__undertaker"
    )
    serializer_class = s.MeetingSessionSerializer
    filterset_class = filters.SessionFilter
    scoped_relations = ("meeting",)


@extend_schema_view(
    conclude=extend_schema(
        summary="Record the panel's conclusion (moves the project on in its workflow)",
        request=s.ConcludeSerializer,
        responses=s.SessionProjectSerializer,
    )
)
class SessionProjectViewSet(ProjectMixin, ScopedModelViewSet):
    """A project on a meeting's agenda: scheduled (``meetings.schedule``: it has applied for
    acceptance, no panel member is conflicted with it), reordered, taken off again while it
    has no conclusion; its conclusion is recorded with ``conclude``."""

    queryset = models.SessionProject.objects.select_related(
        "session__meeting", "application__undertaker"
    )
    serializer_class = s.SessionProjectSerializer
    filterset_class = filters.SessionProjectFilter
    scoped_relations = ("session",)
    action_verbs = {"conclude": "change"}

    def perform_create(self, serializer):
        self.check_relations(serializer)
        data = serializer.validated_data
        serializer.instance = domain_call(
            meetings.schedule,
            data["session"],
            data["application"],
            self.request.user,
            sort=data.get("sort"),
        )

    def perform_destroy(self, instance):
        if instance.conclusion:
            raise Conflict(
                _("This project's conclusion has been recorded; it stays on the agenda.")
            )
        super().perform_destroy(instance)

    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        slot = self.get_object()
        given = s.ConcludeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        slot = domain_call(
            meetings.conclude, slot, data["conclusion"], data.get("opinion", ""), request.user
        )
        return Response(self.get_serializer(slot).data)


class PanelMemberViewSet(ProjectMixin, ScopedModelViewSet):
    """A meeting's panel: an expert conflicted with one of its projects is refused
    (``meetings.add_panel_member``); a member's role may change (one chair)."""

    queryset = models.PanelMember.objects.select_related("meeting", "expert")
    serializer_class = s.PanelMemberSerializer
    filterset_class = filters.PanelMemberFilter
    scoped_relations = ("meeting",)

    def perform_create(self, serializer):
        self.check_relations(serializer)
        data = serializer.validated_data
        serializer.instance = domain_call(
            meetings.add_panel_member,
            data["meeting"],
            data["expert"],
            self.request.user,
            role=data.get("role", PanelRole.MEMBER),
        )

    def perform_update(self, serializer):
        member = serializer.instance
        role = serializer.validated_data.get("role", member.role)
        if (
            role == PanelRole.CHAIR
            and member.meeting.panel.filter(role=PanelRole.CHAIR).exclude(pk=member.pk).exists()
        ):
            raise exceptions.ValidationError({"role": _("The panel has a chair already.")})
        super().perform_update(serializer)
