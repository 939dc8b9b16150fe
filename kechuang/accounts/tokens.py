"""API tokens: they expire, and a password change or a disabled account ends them.

A token is a password in another form: whoever holds it acts as the user. So it lives no longer
than ``KECHUANG_API_TOKEN_DAYS`` (the user makes a new one on their profile page), and it is
dropped when the password it was obtained with changes or the account is disabled — someone
who learnt the old password and made a token keeps nothing once the owner changes it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(days=settings.KECHUANG_API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token past its lifetime."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if timezone.now() >= expires_at(token):
            raise exceptions.AuthenticationFailed(
                _("This API token has expired. Create a new one on your profile page.")
            )
        return user, token


def drop_tokens(user) -> int:
    """Delete the user's API tokens; how many there were."""
    deleted, _rows = Token.objects.filter(user=user).delete()
    return deleted
