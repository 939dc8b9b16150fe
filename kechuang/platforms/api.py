"""The platform records under /api/v1/: scoped like the pages, filtered with the lists'
filters, versioned edits (409 on a stale version) for records that carry a version."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions

from kechuang.core.api import ScopedModelViewSet, ScopedRelationsMixin
from kechuang.core.models import TrackedModel
from kechuang.registry.api import VersionedMixin

from . import models
from .domain import rd
from .interfaces import filters
from .interfaces.serializers import SERIALIZERS


class PlatformViewSet(ScopedRelationsMixin, ScopedModelViewSet):
    pass


class VersionedViewSet(ScopedRelationsMixin, VersionedMixin, ScopedModelViewSet):
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
