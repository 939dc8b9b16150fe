"""Password rules of our own (Django's validators do the rest, see AUTH_PASSWORD_VALIDATORS)."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotTheCurrentPasswordValidator:
    """A new password must differ from the one it replaces."""

    def validate(self, password, user=None):
        if user is None or user.pk is None or not user.has_usable_password():
            return
        if check_password(password, user.password):
            raise ValidationError(
                _("The new password must differ from the current one."), code="password_unchanged"
            )

    def get_help_text(self):
        return _("Your new password must differ from the current one.")
