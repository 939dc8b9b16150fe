from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from kechuang.audit import chain
from kechuang.audit.context import acting_as, client_ip
from kechuang.audit.enums import AuditAction

from .tokens import drop_tokens


def _session_event(action: str, user) -> chain.PendingEvent:
    # The username (not the display name) names the record, as for failed logins, so that
    # throttling finds both by one index.
    return chain.PendingEvent(
        action=action,
        model=user._meta.label_lower,
        object_id=str(user.pk),
        object_repr=user.get_username(),
    )


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    with acting_as(user, ip=client_ip(request) if request else None):
        chain.record_many([_session_event(AuditAction.LOGIN, user)])


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is None:
        return
    with acting_as(user, ip=client_ip(request) if request else None):
        chain.record_many([_session_event(AuditAction.LOGOUT, user)])


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    with acting_as(None, ip=client_ip(request) if request else None, username=username):
        event = chain.PendingEvent(action=AuditAction.LOGIN_FAILED, object_repr=username)
        chain.record_many([event])


@receiver(pre_save, sender=get_user_model())
def end_tokens_with_the_password(sender, instance, update_fields=None, raw=False, **kwargs):
    """A changed password or a disabled account ends the user's API tokens (``tokens.py``)."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login on every login
    before = sender._base_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        drop_tokens(instance)
