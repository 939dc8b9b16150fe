from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import AuditAction


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")

    def for_object(self, obj):
        return self.filter(model=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log.

    ``hash`` is HMAC-SHA256, with the key named by ``key_id`` (settings.KECHUANG_AUDIT_KEYS,
    kept outside the database), over the event's content and ``prev_hash``, the hash of the
    event before it, so that editing, deleting or reordering an event breaks the chain and
    cannot be re-signed without the key (see :mod:`kechuang.audit.chain`). Events written
    before the keys existed have no ``key_id`` and a plain SHA-256 hash.
    """

    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    model = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    batch = models.UUIDField(_("batch"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["model", "object_id", "id"], name="audit_record_idx"),
            models.Index(
                fields=["batch"], name="audit_batch_idx", condition=models.Q(batch__isnull=False)
            ),
            # Login throttling counts recent login events by username and by IP.
            models.Index(fields=["action", "object_repr", "at"], name="audit_action_record_idx"),
            models.Index(fields=["action", "ip", "at"], name="audit_action_ip_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")


class ChainHead(models.Model):
    """The newest event's id and hash: the row writers lock, and what detects a cut tail."""

    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"#{self.last_event_id} {self.last_hash[:12]}"
