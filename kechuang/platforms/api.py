"""The platform records under /api/v1/: scoped like the pages, filtered with the lists'
filters, versioned edits (409 on a stale version) for records that carry a version."""

from django.utils.translation import gettext as _
from rest_framework import exceptions

from kechuang.core.api import ScopedModelViewSet
from kechuang.core.models import TrackedModel
from kechuang.registry.api import VersionedMixin

from . import models
from .interfaces import filters
from .interfaces.serializers import SERIALIZERS


class PlatformMixin:
    """``scoped_relations`` name the records a new or changed record attaches to (its parent,
    its host): the user must be allowed to see them, else the request is refused (400)."""

    scoped_relations: tuple[str, ...] = ()

    @property
    def ordering(self):
        return [*self.queryset.model._meta.ordering, "pk"]

    def perform_create(self, serializer):
        self.check_relations(serializer)
        super().perform_create(serializer)

    def perform_update(self, serializer):
        self.check_relations(serializer)
        super().perform_update(serializer)

    def check_relations(self, serializer):
        user = self.request.user
        for name in self.scoped_relations:
            target = serializer.validated_data.get(name)
            if target is None:
                continue
            meta = target._meta
            if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}", target):
                raise exceptions.ValidationError(
                    {name: _("This record is outside your data scope.")}
                )


class PlatformViewSet(PlatformMixin, ScopedModelViewSet):
    pass


class VersionedViewSet(PlatformMixin, VersionedMixin, ScopedModelViewSet):
    """Records that carry a version: creates record their creator; updates name the version."""


def viewset(model, filterset, *, relations=(), related=(), prefetch=()):
    """The viewset of ``model``: its serializer, the filters of its list, the ``relations``
    that must lie within the caller's scope, and what its rows read (``related``)."""
    base = VersionedViewSet if issubclass(model, TrackedModel) else PlatformViewSet
    attributes = {
        "queryset": model.objects.select_related(*related).prefetch_related(*prefetch),
        "serializer_class": SERIALIZERS[model],
        "filterset_class": filterset,
        "scoped_relations": relations,
    }
    return type(f"{model.__name__}ViewSet", (base,), attributes)


RDInstitutionViewSet = viewset(
    models.RDInstitution, filters.RDInstitutionFilter, relations=("host",), related=("level",)
)
RDInstitutionEventViewSet = viewset(
    models.RDInstitutionEvent, filters.RDInstitutionEventFilter, relations=("institution",)
)
# Read-only: an R&D institution's events come from its lifecycle steps (domain.rd) only.
RDInstitutionEventViewSet.http_method_names = ["get", "head", "options"]
InstituteViewSet = viewset(
    models.Institute,
    filters.InstituteFilter,
    relations=("organisation",),
    related=("focus_chain",),
)
InstituteTalentViewSet = viewset(
    models.InstituteTalent, filters.InstituteTalentFilter, relations=("institute",)
)
IncubationProjectViewSet = viewset(
    models.IncubationProject, filters.IncubationProjectFilter, relations=("institute",)
)
InstituteRecordViewSet = viewset(
    models.InstituteRecord, filters.InstituteRecordFilter, relations=("institute",)
)
InstituteReportViewSet = viewset(
    models.InstituteReport, filters.InstituteReportFilter, relations=("institute",)
)
IncubatorViewSet = viewset(
    models.Incubator, filters.IncubatorFilter, relations=("operator",), related=("town", "zone")
)
TenancyViewSet = viewset(models.Tenancy, filters.TenancyFilter, relations=("incubator",))
IncubatorTalentViewSet = viewset(
    models.IncubatorTalent,
    filters.IncubatorTalentFilter,
    relations=("incubator",),
    related=("talent_level",),
)
ZoneEvaluationViewSet = viewset(
    models.ZoneEvaluation, filters.ZoneEvaluationFilter, related=("zone",)
)
AgriPlatformViewSet = viewset(
    models.AgriPlatform, filters.AgriPlatformFilter, relations=("host",), prefetch=("partners",)
)
AcademicianCooperationViewSet = viewset(
    models.AcademicianCooperation, filters.AcademicianCooperationFilter, relations=("platform",)
)
SigningEventViewSet = viewset(
    models.SigningEvent, filters.SigningEventFilter, relations=("incubator",)
)
SignedProjectViewSet = viewset(
    models.SignedProject,
    filters.SignedProjectFilter,
    relations=("event",),
    related=("field", "origin"),
)
MajorProjectViewSet = viewset(
    models.MajorProject, filters.MajorProjectFilter, related=("chain", "town")
)
MajorProjectStageViewSet = viewset(
    models.MajorProjectStage, filters.MajorProjectStageFilter, relations=("project",)
)
