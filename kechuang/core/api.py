"""The scoped viewset every area's API builds on."""

from rest_framework import permissions, viewsets

from kechuang.accounts.scope import restrict


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
        return bool(request.user and request.user.has_perm(self._perm(request, view)))

    def has_object_permission(self, request, view, obj):
        return request.user.has_perm(self._perm(request, view), obj)


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A viewset whose every query goes through the user's data scope."""

    permission_classes = [permissions.IsAuthenticated, ModelRulesPermission]

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user)
