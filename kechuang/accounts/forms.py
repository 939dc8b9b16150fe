from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .backends import LOCKED_OUT_FLAG

LOCKED_OUT = _(
    "Too many failed logins. Wait 15 minutes and try again, or ask an administrator to help."
)


class LockoutMessageMixin:
    """Says why a locked login is refused. The refusal itself is the authentication
    backend's (``RoleBackend``), whatever the entrance, which marks the request; this only
    words it (no second look at the log)."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, LOCKED_OUT_FLAG, False):
                raise forms.ValidationError(LOCKED_OUT, code="locked_out") from None
            raise


class ThrottledAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    """The site's login form, in Tabler's classes. It styles its two text inputs itself:
    ``core.interfaces.forms.StyledFormMixin`` sits above accounts (it keeps references within
    the data scope of ``accounts.scope``), so accounts may not import it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def full_clean(self):
        super().full_clean()
        self.style()

    def style(self):
        for name, field in self.fields.items():
            invalid = bool(self._errors) and name in self._errors  # never validate from here
            field.widget.attrs["class"] = "form-control is-invalid" if invalid else "form-control"


class ThrottledAdminAuthenticationForm(LockoutMessageMixin, AdminAuthenticationForm):
    """Django admin's login form (``admin.site.login_form``)."""
