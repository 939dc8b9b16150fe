from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kechuang.audit.context import client_ip
from kechuang.core.interfaces.forms import StyledFormMixin

from .throttle import is_locked_out

LOCKED_OUT = _(
    "Too many failed logins. Wait 15 minutes and try again, or ask an administrator to help."
)


class LockoutMessageMixin:
    """Says why a locked login is refused. The refusal itself is the authentication
    backend's (``RoleBackend``), whatever the entrance; this only words it."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request else None
        if is_locked_out(username, ip):
            raise forms.ValidationError(LOCKED_OUT, code="locked_out")
        return super().clean()


class ThrottledAuthenticationForm(LockoutMessageMixin, StyledFormMixin, AuthenticationForm):
    """The site's login form."""


class ThrottledAdminAuthenticationForm(LockoutMessageMixin, AdminAuthenticationForm):
    """Django admin's login form (``admin.site.login_form``)."""
