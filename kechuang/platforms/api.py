"""The platform records under /api/v1/: scoped like the pages, filtered with the lists'
filters, versioned edits (409 on a stale version) for records that carry a version."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from rest_framework import exceptions

from kechuang.accounts.scope import restrict
from kechuang.core.api import ScopedModelViewSet
from kechuang.core.models import TrackedModel
from kechuang.registry.api import VersionedMixin

from . import models
from .domain import rd
from .interfaces import filters
from .interfaces.serializers import SERIALIZERS


def scoped_references(model) -> list:
    """The fields of ``model`` that refer to records with a data scope (organisations, people,
    platform records): foreign keys, one-to-one and many-to-many fields."""
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, Field)
        and field.is_relation
        and not field.auto_created
        and hasattr(field.related_model, "scope_paths")
    ]


class PlatformMixin:
    """A new or changed record may refer only to records the user can see (else 400, naming
    the field): an id typed into a request must not attach — and so show — someone else's
    person or organisation. References a record already has may stay. ``scoped_relations``
    name the records it attaches to (its parent, its host): for those the user also needs the
    permission to view them."""

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
        errors = {}
        for field in scoped_references(serializer.Meta.model):
            if field.name not in serializer.validated_data:
                continue
            outside = self.outside_scope(field, serializer)
            if outside:
                message = _(
                    "“%(field)s” refers to %(model)s %(ids)s, which is outside your data scope."
                ) % {
                    "field": capfirst(field.verbose_name),
                    "model": field.related_model._meta.verbose_name,
                    "ids": ", ".join(str(pk) for pk in outside),
                }
                errors[field.name] = [message]
        if errors:
            raise exceptions.ValidationError(errors)

    def outside_scope(self, field, serializer) -> list:
        """Ids the request gives ``field`` that the user cannot see (those the record already
        refers to excepted)."""
        value = serializer.validated_data[field.name]
        wanted = {item.pk for item in value} if field.many_to_many else {getattr(value, "pk", None)}
        wanted.discard(None)
        instance = serializer.instance
        if instance is not None and instance.pk is not None:
            if field.many_to_many:
                wanted -= set(getattr(instance, field.name).values_list("pk", flat=True))
            else:
                wanted.discard(getattr(instance, field.attname))
        if not wanted:
            return []
        model = field.related_model
        visible = set(
            restrict(model._default_manager.filter(pk__in=wanted), self.request.user).values_list(
                "pk", flat=True
            )
        )
        return sorted(wanted - visible)


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


class RDInstitutionViewSet(
    viewset(
        models.RDInstitution, filters.RDInstitutionFilter, relations=("host",), related=("level",)
    )
):
    """A new certification goes through its lifecycle (``domain.rd.certify``), so it starts
    with its "certified" event like one entered on the pages; the year is the date's."""

    def perform_create(self, serializer):
        self.check_relations(serializer)
        data = serializer.validated_data
        self.check_year(data["certified_year"], data["certified_on"])
        try:
            serializer.instance = rd.certify(
                data["host"],
                data["name"],
                data["level"],
                data["certified_year"],
                data["certified_on"],
                batch=data.get("batch", ""),
                document_number=data.get("document_number", ""),
                actor=self.request.user,
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"detail": error.messages}) from None

    def perform_update(self, serializer):
        instance, data = serializer.instance, serializer.validated_data
        self.check_year(
            data.get("certified_year", instance.certified_year),
            data.get("certified_on", instance.certified_on),
        )
        super().perform_update(serializer)

    @staticmethod
    def check_year(year, on):
        if year != on.year:
            message = _(
                "The certification year must be the year of the certification date (%(year)s)."
            )
            raise exceptions.ValidationError({"certified_year": message % {"year": on.year}})


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
