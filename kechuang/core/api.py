"""The scoped viewset every area's API builds on.

Reads go through the user's data scope (``restrict``). Writes do too, in two ways that every
writable viewset shares (``ScopedReferencesMixin``, part of ``ScopedModelViewSet``):

- every reference a client can set — each foreign key and many-to-many field of the
  serializer, nested ones included — accepts only records the user may refer to
  (``accounts.scope.referable``), and the ones the record refers to already; another id is
  refused as if it did not exist (400, naming the field), so no one learns what lies outside;
- a scoped record that the write would put out of the user's sight (filed under another
  organisation or town) is not written (400, and the transaction is rolled back).
"""

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.settings import api_settings

from kechuang.accounts.scope import referable, reference_paths, restrict

# Filled with the model's name here, then by DRF with the value given ({pk_value} …).
OUTSIDE_PK = _(
    "There is no %(model)s {pk_value} that you may refer to here "
    "(it does not exist or is outside your data scope)."
)
OUTSIDE_SLUG = _(
    "There is no %(model)s with {slug_name} “{value}” that you may refer to here "
    "(it does not exist or is outside your data scope)."
)
WRITTEN_OUTSIDE = _(
    "This %(model)s would be outside your data scope after the change (filed under an "
    "organisation or town you do not reach); nothing was saved."
)


def writable_references(serializer, prefix: str = ""):
    """``(path, field, relation)`` for every reference a client can set in ``serializer``:
    ``relation`` is the related field (a many-to-many's child), ``field`` the serializer field
    it sits in. Nested serializers are walked, their paths dotted."""
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        path = f"{prefix}{name}"
        if isinstance(field, serializers.ManyRelatedField):
            yield path, field, field.child_relation
        elif isinstance(field, serializers.RelatedField):
            yield path, field, field
        elif isinstance(field, serializers.ListSerializer):
            if isinstance(field.child, serializers.Serializer):
                yield from writable_references(field.child, f"{path}.")
        elif isinstance(field, serializers.Serializer):
            yield from writable_references(field, f"{path}.")


def _current_ids(instance, field) -> list:
    """The ids ``instance`` refers to through the serializer ``field`` now."""
    if instance is None or getattr(instance, "pk", None) is None or "." in field.source:
        return []
    if isinstance(field, serializers.ManyRelatedField):
        manager = getattr(instance, field.source, None)
        return list(manager.values_list("pk", flat=True)) if manager is not None else []
    model_field = next((f for f in instance._meta.concrete_fields if f.name == field.source), None)
    if model_field is None or not model_field.is_relation:
        return []
    return [getattr(instance, model_field.attname)]


def limit_references(serializer, user, *, exempt=()) -> list[str]:
    """Limit every writable reference of ``serializer`` to what ``user`` may refer to (plus
    what its instance refers to already). ``exempt`` names references that may name any
    record (an organisation a record only names by its credit code). Returns the paths
    limited."""
    limited = []
    instance = getattr(serializer, "instance", None)
    for path, field, relation in writable_references(serializer):
        queryset = getattr(relation, "queryset", None)
        if path in exempt or queryset is None or reference_paths(queryset.model) is None:
            continue
        keep = _current_ids(instance, field) if "." not in path else []
        relation.queryset = referable(queryset, user, keep)
        message = OUTSIDE_SLUG if isinstance(relation, serializers.SlugRelatedField) else OUTSIDE_PK
        relation.error_messages["does_not_exist"] = message % {
            "model": queryset.model._meta.verbose_name
        }
        limited.append(path)
    return limited


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def delete_or_conflict(instance) -> None:
    """Delete ``instance``, or answer 409 naming it while other records still refer to it
    (``on_delete=PROTECT`` or ``RESTRICT``); nothing is deleted then."""
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError):
        raise Conflict(
            _("%(record)s “%(name)s” is still in use and cannot be deleted.")
            % {"record": capfirst(instance._meta.verbose_name), "name": instance}
        ) from None


class ModelRulesPermission(permissions.BasePermission):
    """Role permission per HTTP method; object access also needs the record in scope.

    Records out of scope never reach this check: the queryset is already restricted, so they
    answer 404.
    """

    actions = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def _perm(self, request, view) -> str:
        model = view.get_queryset().model
        return f"{model._meta.app_label}.{self.actions[request.method]}_{model._meta.model_name}"

    def has_permission(self, request, view):
        if request.method not in self.actions:  # TRACE …: no permission names it
            raise exceptions.MethodNotAllowed(request.method)
        return bool(request.user and request.user.has_perm(self._perm(request, view)))

    def has_object_permission(self, request, view, obj):
        return request.user.has_perm(self._perm(request, view), obj)


class ScopedReferencesMixin:
    """Every serializer a write uses refers only to records within the user's reach
    (``limit_references``); ``unscoped_references`` names the paths that may name any record.
    Put it in every writable viewset (``ScopedModelViewSet`` has it)."""

    unscoped_references: tuple[str, ...] = ()

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if self.request is not None and self.request.method not in permissions.SAFE_METHODS:
            target = getattr(serializer, "child", serializer)  # many=True: each item's fields
            limit_references(target, self.request.user, exempt=self.unscoped_references)
            self._written = serializer
        return serializer


class ScopedRelationsMixin:
    """The records a new or changed record attaches to (``scoped_relations``: its parent, its
    host) need the user's permission to view them, beyond being within the user's reach (which
    ``ScopedReferencesMixin`` sees to for every reference). Lists are in the model's order, then
    by id, so pages never overlap."""

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
        user, instance = self.request.user, serializer.instance
        for name in self.scoped_relations:
            target = serializer.validated_data.get(name)
            if target is None:
                continue
            if instance is not None and getattr(instance, f"{name}_id", None) == target.pk:
                continue  # a reference the record already has may stay
            meta = target._meta
            if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}", target):
                raise exceptions.ValidationError(
                    {name: _("This record is outside your data scope.")}
                )


class ScopedModelViewSet(ScopedReferencesMixin, viewsets.ModelViewSet):
    """A viewset whose every query goes through the user's data scope, and whose writes stay
    within it: references limited (``ScopedReferencesMixin``), and a record the write would
    put out of the user's sight refused (``check_written_in_scope``)."""

    permission_classes = [permissions.IsAuthenticated, ModelRulesPermission]

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user)

    def perform_destroy(self, instance):
        delete_or_conflict(instance)

    def create(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().create(request, *args, **kwargs)
            self.check_written_in_scope()
        return response

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().update(request, *args, **kwargs)
            self.check_written_in_scope()
        return response

    def check_written_in_scope(self):
        """The record just written must still be one the user sees (else 400, rolled back)."""
        serializer = getattr(self, "_written", None)
        record = getattr(serializer, "instance", None)
        if record is None or getattr(record, "pk", None) is None:
            return
        if not self.get_queryset().filter(pk=record.pk).exists():
            raise exceptions.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        WRITTEN_OUTSIDE % {"model": record._meta.verbose_name}
                    ]
                }
            )
