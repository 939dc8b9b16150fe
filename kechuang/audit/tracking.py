"""Automatic audit of model writes: subclass :class:`AuditedModel`.

Saving or deleting an instance (through forms, the admin, the API or code) writes an event
with the before/after values of the fields that changed. Bulk operations bypass model
signals, so code that uses them records its events itself with ``chain.record_many``.
"""

from django.db import models

from .chain import to_json_value


def field_values(instance) -> dict:
    """Current values of the instance's loaded concrete fields, by field name."""
    values = {}
    for f in instance._meta.concrete_fields:
        if f.primary_key or f.name in instance.audit_exclude or f.attname not in instance.__dict__:
            continue
        values[f.name] = to_json_value(instance.__dict__[f.attname])
    return values


class AuditedModel(models.Model):
    audit_exclude: tuple[str, ...] = ("created_at", "updated_at", "version")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if len(values) == len(cls._meta.concrete_fields):
            # Keep the loaded values as they came; the snapshot is only worked out when the
            # record is saved or deleted (most loaded records are only shown).
            instance._audit_loaded = values
        else:  # deferred fields: take the snapshot of what was loaded now
            instance._audit_snapshot = field_values(instance)
        return instance

    def audit_snapshot(self) -> dict:
        """The audited field values as they were loaded (or last saved)."""
        snapshot = self.__dict__.get("_audit_snapshot")
        if snapshot is None:
            loaded = self.__dict__.pop("_audit_loaded", None)
            if loaded is None:
                return {}
            fields = self._meta.concrete_fields
            snapshot = {
                f.name: to_json_value(value)
                for f, value in zip(fields, loaded, strict=True)
                if not f.primary_key and f.name not in self.audit_exclude
            }
            self._audit_snapshot = snapshot
        return snapshot

    def audit_changes(self, created: bool) -> dict:
        """{field: [before, after]} for the fields that changed since load (or creation)."""
        after = field_values(self)
        if created:
            return {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
        before = self.audit_snapshot()
        return {k: [before.get(k), v] for k, v in after.items() if k in before and before[k] != v}
