from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from kechuang.audit.context import client_ip

from .throttle import is_locked_out

# Set on the request when the throttle refused it, so that the login form can say why.
LOCKED_OUT_FLAG = "kechuang_login_locked_out"


class RoleBackend(ModelBackend):
    """Username/password authentication; model permissions come from the user's roles.

    Every entrance that checks a password (the site's login page, Django's admin login, any
    later one) comes through ``authenticate``, so the login throttle is applied here, once: a
    locked username or address is refused even with the right password (PermissionDenied
    stops Django from asking further backends and records the attempt as failed).

    Object-level questions (``has_perm(perm, obj)``) are left to the rules in each app's
    ``rules.py``, which combine the role permission with the record's data scope.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        ip = client_ip(request) if request is not None else None
        if is_locked_out(username or "", ip):
            if request is not None:
                setattr(request, LOCKED_OUT_FLAG, True)
            raise PermissionDenied("Too many failed logins.")
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(user_obj.role_permissions)
