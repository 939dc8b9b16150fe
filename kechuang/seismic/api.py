"""The earthquake-prevention API's bases (``record_types`` declares each record's viewset under
/api/v1/seismic/): scoped like the pages (a town officer reaches their town's records, an
organisation user the projects it owns and their inspections), versioned edits (409 on a stale
version), and references within the caller's scope — the records a write attaches to (a
project, a station, an organisation) and the town it puts a record in.

* Construction projects carry their ``evaluation`` (required class, site and required
  intensities, the flag, each rule step with its source), computed by the rules on every read.
* Inspections are recorded through ``domain.records.record_inspection`` (an omitted finding is
  the rules' verdict) and carry the requirement and flag computed in SQL; a rectification is
  closed through the ``close-rectification`` action.
* ``assessments/consecutive-excellent/?year=2020`` counts the consecutive excellent years.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from kechuang.core.api import ModelRulesPermission, ScopedModelViewSet, ScopedRelationsMixin
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.registry.api import Conflict, VersionedMixin, stale_version_message
from kechuang.registry.domain.towns import reaches_every_town, towns_within_scope

from . import models
from .domain import assessments, records
from .domain import fortification as fx
from .interfaces import serializers as s

# Permissions -----------------------------------------------------------------------------------


class ActionRulesPermission(ModelRulesPermission):
    """The role permission of the request's method, or of the action (``action_verbs``)."""

    def _perm(self, request, view) -> str:
        meta = view.queryset.model._meta
        verb = getattr(view, "action_verbs", {}).get(view.action) or self.actions[request.method]
        return f"{meta.app_label}.{verb}_{meta.model_name}"


class SeismicViewSet(ScopedRelationsMixin, VersionedMixin, ScopedModelViewSet):
    """A record of the area: writes refer only to records within the caller's scope and put a
    record only in a town within it; a record others refer to is not deleted (409)."""

    permission_classes = [IsAuthenticated, ActionRulesPermission]
    action_verbs: dict[str, str] = {}

    def check_relations(self, serializer):
        super().check_relations(serializer)
        data = serializer.validated_data
        town = data.get("town")
        if town is None:
            # A record without a town is city-wide: only a caller who reaches every town
            # may leave a record's town empty (a town officer's would vanish from their sight).
            has_town = any(f.name == "town" for f in serializer.Meta.model._meta.fields)
            leaves_empty = "town" in data or serializer.instance is None
            if has_town and leaves_empty and not reaches_every_town(self.request.user):
                raise exceptions.ValidationError(
                    {"town": [_("Give the town: a record without one is outside your data scope.")]}
                )
            return
        instance = serializer.instance
        if instance is not None and instance.town_id == town.pk:
            return  # a town the record already has may stay
        if not towns_within_scope(self.request.user).filter(pk=town.pk).exists():
            raise exceptions.ValidationError({"town": [_("This town is outside your data scope.")]})


# Construction projects and inspections (declared in ``record_types``) ---------------------------


class ConstructionProjectViewSet(SeismicViewSet):
    """The projects with the design of the latest inspection the caller may see (the
    ``evaluation`` judges it) and the rules' requirement and flag (``?below_requirement=``)."""

    def get_queryset(self):
        inspections = models.Inspection.objects.visible_to(self.request.user)
        return super().get_queryset().with_latest_design(inspections)


class InspectionViewSet(SeismicViewSet):
    """A new inspection is recorded through ``records.record_inspection`` (an omitted finding
    is the rules' verdict); a rectification is closed through ``close-rectification``."""

    action_verbs = {"close_rectification": "change"}

    def perform_create(self, serializer):
        self.check_relations(serializer)
        data = serializer.validated_data
        try:
            serializer.instance = records.record_inspection(
                data["project"],
                self.request.user,
                inspected_on=data["inspected_on"],
                inspectors=data["inspectors"],
                designed_class=data["designed_class"],
                designed_measures_intensity=data["designed_measures_intensity"],
                finding=data.get("finding"),
                findings=data.get("findings", ""),
                rectification_required=data.get("rectification_required"),
                rectification_due=data.get("rectification_due"),
            )
        except DjangoPermissionDenied:
            raise exceptions.PermissionDenied() from None
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        except fx.FortificationError as error:  # no finding given and the rules cannot judge
            raise exceptions.ValidationError({"finding": [str(error)]}) from None

    @extend_schema(
        request=s.SeismicCloseRectificationSerializer,
        description="Close the rectification the inspection required: the date it was done and "
        "a note (409 when the version given is stale).",
    )
    @action(detail=True, methods=["post"], url_path="close-rectification")
    def close_rectification(self, request, pk=None):
        inspection = self.get_object()
        form = s.SeismicCloseRectificationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            closed = records.close_rectification(
                inspection,
                data["rectified_on"],
                data["closure_note"],
                request.user,
                expected_version=data.get("version"),
            )
        except ConcurrentEditError as error:
            raise Conflict(stale_version_message(error)) from None
        except records.RectificationError as error:
            raise exceptions.ValidationError({"rectified_on": [str(error)]}) from None
        except DjangoPermissionDenied:
            raise exceptions.PermissionDenied() from None
        return Response(self.get_serializer(self.get_queryset().get(pk=closed.pk)).data)


# Registries ------------------------------------------------------------------------------------


class AssessmentViewSet(SeismicViewSet):
    """The assessments' API (declared in ``record_types``) with the run of excellent years."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                description="The last year of the run (default: the latest year assessed).",
            )
        ],
        responses=s.SeismicConsecutiveExcellentSerializer,
        description="Consecutive years rated excellent up to the year, from the assessments "
        "within the caller's scope; a gap year or another result ends the run.",
    )
    @action(detail=False, methods=["get"], url_path="consecutive-excellent")
    def consecutive_excellent(self, request):
        results = dict(self.get_queryset().values_list("year", "result"))
        text = request.query_params.get("year", "")
        if text:
            try:
                up_to = int(text)
            except ValueError:
                raise exceptions.ValidationError({"year": [_("Give a year.")]}) from None
        else:
            up_to = max(results, default=timezone.localdate().year)
        run = assessments.consecutive_run(results, up_to)
        return Response({"year": up_to, "consecutive_excellent_years": run})
