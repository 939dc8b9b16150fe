"""The base of the platform records' forms (``record_types.py`` builds each record type's form
on it). Organisations are named by credit code or exact name (a select of every enterprise
would be too long); dates are date pickers; records that carry a version carry it in the form,
so a stale edit is refused."""

from kechuang.registry.interfaces import record_forms
from kechuang.registry.interfaces.record_forms import record_formfield

from ..domain.records import problems


class RecordForm(record_forms.RecordForm):
    """A platform record's form (the registry's record form: version, user, organisations in
    scope) that checks the values together (``domain.records.problems``).

    ``owner_fields`` name the organisation fields whose organisation the editor must reach (a
    record of an organisation outside their scope would vanish from their sight once saved).
    """

    class Meta:
        formfield_callback = record_formfield

    def clean(self):
        cleaned = super().clean()
        for name, message in problems(self._meta.model, cleaned).items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, message)
        return cleaned


class ChildForm(record_forms.ChildMixin, RecordForm):
    """A record entered on its parent's page (``parent``: the foreign key the view sets)."""
