from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from kechuang.core.api import Conflict, ScopedModelViewSet
from kechuang.core.domain.concurrency import ConcurrentEditError, claim_version
from kechuang.core.models import TrackedModel

from .interfaces.filters import OrganisationFilter
from .interfaces.serializers import (
    OrganisationSerializer,
    TownSerializer,
    ZoneSerializer,
)
from .models import Organisation, Town, Zone


def stale_version_message(error: ConcurrentEditError) -> str:
    """What a client whose edit started from an old version is told (with the 409)."""
    if error.current is None:
        return _("This record no longer exists.")
    return _(
        "Someone else changed this record: it is now at version %(current)s, your change "
        "started from version %(expected)s. Fetch the record again and repeat your change "
        "with its current version."
    ) % {"current": error.current, "expected": error.expected}


class VersionedMixin:
    """Creates record their creator; updates must carry the version they started from."""

    def perform_create(self, serializer):
        serializer.validated_data.pop("version", None)
        extra = (
            {"created_by": self.request.user}
            if hasattr(serializer.Meta.model, "created_by")
            else {}
        )
        serializer.save(**extra)

    def perform_update(self, serializer):
        """Within one transaction: lock the row and compare its stored version with the one
        the request names, then save with the next version (``claim_version``) — never the
        other way round, or the save would write the number it is then compared with. A
        record kept without a version (yearly figures, qualifications) is saved as it is."""
        if not isinstance(serializer.instance, TrackedModel):
            with transaction.atomic():
                serializer.save()
            return
        expected = serializer.validated_data.pop("version", None)
        if expected is None:
            raise exceptions.ValidationError(
                {"version": _("Give the version of the record your change starts from.")}
            )
        with transaction.atomic():
            try:
                claim_version(serializer.instance, expected)
            except ConcurrentEditError as error:
                raise Conflict(stale_version_message(error)) from None
            serializer.save()


class OrganisationViewSet(VersionedMixin, ScopedModelViewSet):
    queryset = Organisation.objects.select_related("town", "industry").prefetch_related(
        "chains", "zones"
    )
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "uscc", "founded_on", "created_at"]
    ordering = ["name", "pk"]


class ReferenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = None


class TownViewSet(ReferenceViewSet):
    queryset = Town.objects.all()
    serializer_class = TownSerializer


class ZoneViewSet(ReferenceViewSet):
    queryset = Zone.objects.all()
    serializer_class = ZoneSerializer
