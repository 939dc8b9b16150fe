from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import chain
from .enums import AuditAction
from .tracking import AuditedModel, field_values


@receiver(post_save)
def audit_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, AuditedModel):
        return
    changes = instance.audit_changes(created)
    if created or changes:
        action = AuditAction.CREATE if created else AuditAction.UPDATE
        chain.record(action, instance, changes=changes)
    instance._audit_snapshot = field_values(instance)
    instance.__dict__.pop("_audit_loaded", None)


@receiver(post_delete)
def audit_delete(sender, instance, **kwargs):
    if not isinstance(instance, AuditedModel):
        return
    before = instance.audit_snapshot() or field_values(instance)
    chain.record(AuditAction.DELETE, instance, changes={k: [v, None] for k, v in before.items()})


@receiver(m2m_changed)
def audit_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or not isinstance(instance, AuditedModel):
        return
    if action not in {"post_add", "post_remove"} or not pk_set:
        return
    field = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), None
    )
    if field is None:
        return
    key = "added" if action == "post_add" else "removed"
    labels = sorted(str(obj) for obj in model._default_manager.filter(pk__in=pk_set))
    chain.record(AuditAction.UPDATE, instance, changes={field: {key: labels}})
