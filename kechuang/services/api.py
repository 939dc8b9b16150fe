"""The services records under /api/v1/services/: scoped like the pages, filtered like the lists,
versioned edits (409 on a stale version), and references within the caller's scope.

* Every record is listed and read within the caller's data scope (a commissioner's login: its
  own commissioner's records; a town officer: the town's). A record created or changed must
  stay within it, and may refer only to records the caller can see (else 400).
* Activities are logged through ``domain.commissioners.log_activity`` and edited through
  ``update_activity``: a commissioner's login writes only for the commissioner it acts for.
* Policies and their versions are read here and move through the workflow actions
  (``domain.policies``): ``POST policies/`` (a policy with its first draft),
  ``policies/{id}/new-version/``, ``policy-versions/{id}/start-consultation/``, ``…/adopt/``,
  ``…/withdraw/``, ``consultation-opinions/{id}/reply/``; a draft's text is edited with a
  versioned ``PATCH policy-versions/{id}/``.
* Follow-ups close through ``follow-ups/{id}/close/``; ``follow-ups/overdue/`` lists the
  caller's overdue ones. A visit's rectification closes through
  ``institution-visits/{id}/close-rectification/``.

A domain step refused answers 403 (may not), 409 (the record's state or version changed) or
400 (bad input, with the message and, where there is one, the field).

The viewsets of the declared record types (all but policy versions and consultation opinions)
come from their declarations (``record_types.py``) on these shared pieces.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kechuang.accounts.scope import restrict
from kechuang.core.api import ModelRulesPermission, ScopedModelViewSet, ScopedRelationsMixin
from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.core.domain.errors import DomainError
from kechuang.registry.api import Conflict, stale_version_message
from kechuang.registry.models import Organisation

from . import models
from .domain import policies
from .interfaces import serializers as s

# Errors ------------------------------------------------------------------------------------------


class Refused(exceptions.APIException):
    """A step refused for a reason the caller can act on."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


def domain_call(function, *args, **kwargs):
    """Run a domain step, answering its refusals: 403 when the user may not, 409 when the
    record's state or version no longer allows it, 400 for bad input (by field)."""
    try:
        return function(*args, **kwargs)
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from None
    except policies.WrongStateError as error:
        raise Conflict(str(error)) from None
    except ConcurrentEditError as error:
        raise Conflict(stale_version_message(error)) from None
    except DomainError as error:
        if error.field:
            raise exceptions.ValidationError({error.field: [str(error)]}) from None
        raise Refused(str(error)) from None
    except DjangoValidationError as error:
        raise exceptions.ValidationError(s.model_errors(error)) from None


def expected_version(data) -> int:
    expected = data.pop("version", None)
    if expected is None:
        raise exceptions.ValidationError(
            {"version": _("Give the version of the record your change starts from.")}
        )
    return expected


# Permissions and the shared behaviour ------------------------------------------------------------


class ActionPermission(ModelRulesPermission):
    """The role permission of the request's method, or of the action's verb for actions (the
    domain step then checks its own permission); the record must be in scope."""

    def _perm(self, request, view) -> str:
        meta = view.queryset.model._meta
        verb = getattr(view, "action_verbs", {}).get(view.action) or self.actions[request.method]
        return f"{meta.app_label}.{verb}_{meta.model_name}"


class ServicesMixin(ScopedRelationsMixin):
    """References within the caller's reach and records kept within it (``ScopedModelViewSet``
    sees to both); a record still in use is not deleted (409)."""

    permission_classes = [permissions.IsAuthenticated, ActionPermission]
    action_verbs: dict[str, str] = {}


# Policies ------------------------------------------------------------------------------------------


class PolicyVersionViewSet(ServicesMixin, ScopedModelViewSet):
    """A policy's versions: read, a draft edited (``PATCH`` naming its version), the workflow
    steps as actions."""

    queryset = models.PolicyVersion.objects.select_related("policy").prefetch_related("opinions")
    serializer_class = s.PolicyVersionSerializer
    filterset_fields = ["policy", "state"]
    http_method_names = ["get", "put", "patch", "post", "head", "options"]
    action_verbs = {
        "start_consultation": "view",
        "adopt": "view",
        "withdraw": "view",
        "transitions": "view",
    }

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(
            request.method,
            detail=_("A new version is started from its policy: POST policies/{id}/new-version/."),
        )

    def perform_destroy(self, instance):  # pragma: no cover - DELETE is not offered
        raise exceptions.MethodNotAllowed("DELETE")

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        expected = expected_version(data)
        fields = {name: data[name] for name in policies.DRAFT_FIELDS if name in data}
        domain_call(policies.save_draft, serializer.instance, self.request.user, expected, **fields)

    def answer(self, version):
        version = self.get_queryset().get(pk=version.pk)
        return Response(self.get_serializer(version).data)

    @extend_schema(responses=s.PolicyStepSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        version = self.get_object()
        steps = policies.available(version, request.user)
        return Response([s.PolicyStepSerializer.of(step) for step in steps])

    @extend_schema(request=s.StartConsultationSerializer, responses=s.PolicyVersionSerializer)
    @action(detail=True, methods=["post"], url_path="start-consultation")
    def start_consultation(self, request, pk=None):
        version = self.get_object()
        given = s.StartConsultationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        wanted = list(dict.fromkeys(data["organisations"]))
        found = {
            o.pk: o for o in Organisation.objects.visible_to(request.user).filter(pk__in=wanted)
        }
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            raise exceptions.ValidationError(
                {
                    "organisations": [
                        _("No organisation %(ids)s within your data scope.")
                        % {"ids": ", ".join(str(pk) for pk in missing)}
                    ]
                }
            )
        bodies = [found[pk] for pk in wanted] + data["bodies"]
        domain_call(
            policies.start_consultation,
            version,
            bodies,
            request.user,
            on=data.get("on"),
            comment=data["comment"],
        )
        return self.answer(version)

    @extend_schema(request=s.AdoptVersionSerializer, responses=s.PolicyVersionSerializer)
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        version = self.get_object()
        given = s.AdoptVersionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        domain_call(
            policies.adopt,
            version,
            request.user,
            data["effective_from"],
            on=data.get("on"),
            document_number=data["document_number"],
            comment=data["comment"],
        )
        return self.answer(version)

    @extend_schema(request=s.WithdrawVersionSerializer, responses=s.PolicyVersionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        version = self.get_object()
        given = s.WithdrawVersionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        domain_call(
            policies.withdraw, version, request.user, comment=data["comment"], on=data.get("on")
        )
        return self.answer(version)


class ConsultationOpinionViewSet(ServicesMixin, viewsets.ReadOnlyModelViewSet):
    """The bodies consulted on a version; a reply is recorded through ``reply``."""

    queryset = models.ConsultationOpinion.objects.all()
    serializer_class = s.ConsultationOpinionSerializer
    filterset_fields = ["policy_version"]
    action_verbs = {"reply": "view"}

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user)

    @extend_schema(request=s.OpinionReplySerializer, responses=s.ConsultationOpinionSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        opinion = self.get_object()
        given = s.OpinionReplySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        domain_call(
            policies.record_opinion,
            opinion,
            request.user,
            position=data["position"],
            text=data["opinion"],
            replied_on=data.get("replied_on"),
        )
        return Response(self.get_serializer(opinion).data)
