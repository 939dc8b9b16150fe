"""Forms of the platform records. Organisations are named by credit code or exact name (a
select of every enterprise would be too long); dates are date pickers; records that carry a
version carry it in the form, so a stale edit is refused."""

from django.utils.translation import gettext_lazy as _

from kechuang.registry.interfaces import record_forms
from kechuang.registry.interfaces.record_forms import record_formfield

from .. import models
from ..domain.records import problems
from .application_forms import rd_levels
from .rd_forms import check_year


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


class RDInstitutionForm(RecordForm):
    """A new certification (saved through ``domain.rd.certify``, which records its "certified"
    event) or the correction of one. Its level, end and successor change only through the
    lifecycle steps on its page (upgrade, merge, revoke), so an edit does not offer them; the
    events come from those steps only."""

    owner_fields = ("host",)

    class Meta(RecordForm.Meta):
        model = models.RDInstitution
        fields = [
            "host",
            "name",
            "level",
            "certified_year",
            "certified_on",
            "batch",
            "document_number",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["level"]
        else:
            self.fields["level"].queryset = rd_levels()

    def clean(self):
        cleaned = super().clean()
        check_year(self, "certified_year", "certified_on")
        on, ended = cleaned.get("certified_on"), self.instance.ended_on
        if on and ended and on > ended:
            self.add_error(
                "certified_on",
                _("The certification ended on %(date)s; it cannot start after that.")
                % {"date": ended.isoformat()},
            )
        return cleaned
