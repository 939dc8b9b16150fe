"""The platform records under /api/v1/: scoped like the pages, filtered with the lists'
filters, versioned edits (409 on a stale version) for records that carry a version."""

from django.utils.translation import gettext as _
from rest_framework import exceptions

from kechuang.core.api import ScopedModelViewSet
from kechuang.registry.api import VersionedMixin

from .interfaces import filters
from .interfaces import serializers as s
from .models import (
    AcademicianCooperation,
    AgriPlatform,
    IncubationProject,
    Incubator,
    IncubatorTalent,
    Institute,
    InstituteRecord,
    InstituteTalent,
    MajorProject,
    MajorProjectStage,
    RDInstitution,
    RDInstitutionEvent,
    SignedProject,
    SigningEvent,
    Tenancy,
    ZoneEvaluation,
)


class PlatformViewSet(ScopedModelViewSet):
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


class VersionedViewSet(VersionedMixin, PlatformViewSet):
    """Records that carry a version: creates record their creator; updates name the version."""


class RDInstitutionViewSet(VersionedViewSet):
    queryset = RDInstitution.objects.select_related("level")
    serializer_class = s.RDInstitutionSerializer
    filterset_class = filters.RDInstitutionFilter
    scoped_relations = ("host",)


class RDInstitutionEventViewSet(PlatformViewSet):
    queryset = RDInstitutionEvent.objects.all()
    serializer_class = s.RDInstitutionEventSerializer
    filterset_class = filters.RDInstitutionEventFilter
    scoped_relations = ("institution",)


class InstituteViewSet(VersionedViewSet):
    queryset = Institute.objects.select_related("focus_chain")
    serializer_class = s.InstituteSerializer
    filterset_class = filters.InstituteFilter
    scoped_relations = ("organisation",)


class InstituteTalentViewSet(VersionedViewSet):
    queryset = InstituteTalent.objects.all()
    serializer_class = s.InstituteTalentSerializer
    filterset_class = filters.InstituteTalentFilter
    scoped_relations = ("institute",)


class IncubationProjectViewSet(VersionedViewSet):
    queryset = IncubationProject.objects.all()
    serializer_class = s.IncubationProjectSerializer
    filterset_class = filters.IncubationProjectFilter
    scoped_relations = ("institute",)


class InstituteRecordViewSet(VersionedViewSet):
    queryset = InstituteRecord.objects.all()
    serializer_class = s.InstituteRecordSerializer
    filterset_class = filters.InstituteRecordFilter
    scoped_relations = ("institute",)


class IncubatorViewSet(VersionedViewSet):
    queryset = Incubator.objects.select_related("town", "zone")
    serializer_class = s.IncubatorSerializer
    filterset_class = filters.IncubatorFilter
    scoped_relations = ("operator",)


class TenancyViewSet(PlatformViewSet):
    queryset = Tenancy.objects.all()
    serializer_class = s.TenancySerializer
    filterset_class = filters.TenancyFilter
    scoped_relations = ("incubator",)


class IncubatorTalentViewSet(PlatformViewSet):
    queryset = IncubatorTalent.objects.select_related("talent_level")
    serializer_class = s.IncubatorTalentSerializer
    filterset_class = filters.IncubatorTalentFilter
    scoped_relations = ("incubator",)


class ZoneEvaluationViewSet(VersionedViewSet):
    queryset = ZoneEvaluation.objects.select_related("zone")
    serializer_class = s.ZoneEvaluationSerializer
    filterset_class = filters.ZoneEvaluationFilter


class AgriPlatformViewSet(VersionedViewSet):
    queryset = AgriPlatform.objects.prefetch_related("partners")
    serializer_class = s.AgriPlatformSerializer
    filterset_class = filters.AgriPlatformFilter
    scoped_relations = ("host",)


class AcademicianCooperationViewSet(VersionedViewSet):
    queryset = AcademicianCooperation.objects.all()
    serializer_class = s.AcademicianCooperationSerializer
    filterset_class = filters.AcademicianCooperationFilter
    scoped_relations = ("platform",)


class SigningEventViewSet(VersionedViewSet):
    queryset = SigningEvent.objects.all()
    serializer_class = s.SigningEventSerializer
    filterset_class = filters.SigningEventFilter
    scoped_relations = ("incubator",)


class SignedProjectViewSet(PlatformViewSet):
    queryset = SignedProject.objects.select_related("field", "origin")
    serializer_class = s.SignedProjectSerializer
    filterset_class = filters.SignedProjectFilter
    scoped_relations = ("event",)


class MajorProjectViewSet(VersionedViewSet):
    queryset = MajorProject.objects.select_related("chain", "town")
    serializer_class = s.MajorProjectSerializer
    filterset_class = filters.MajorProjectFilter


class MajorProjectStageViewSet(PlatformViewSet):
    queryset = MajorProjectStage.objects.all()
    serializer_class = s.MajorProjectStageSerializer
    filterset_class = filters.MajorProjectStageFilter
    scoped_relations = ("project",)
