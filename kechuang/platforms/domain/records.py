"""Writing platform records: the rules a record's values must meet together (forms, the API and
imports all ask :func:`problems`); saves from forms are the shared ``save_record``."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kechuang.core.domain.records import save_record

from ..models import (
    IncubationProject,
    Incubator,
    InstituteRecord,
    InstituteTalent,
    RDInstitution,
    Tenancy,
)

# (start, end) dates of which the end may not come before the start.
PERIODS = {
    RDInstitution: [("certified_on", "ended_on")],
    InstituteTalent: [("joined_on", "left_on")],
    IncubationProject: [("started_on", "signed_on"), ("signed_on", "landed_on")],
    InstituteRecord: [("occurred_on", "ended_on")],
    Tenancy: [("entered_on", "exited_on")],
}


def problems(model, values: dict) -> dict[str, str]:
    """What is wrong with a record's values taken together, by field name.

    ``values`` hold field names or attribute names (``town`` or ``town_id``); the checks mirror
    the model's constraints, with messages people can act on.
    """

    def value(name):
        return values.get(name, values.get(f"{name}_id"))

    found = {}
    for start, end in PERIODS.get(model, ()):
        if value(start) and value(end) and value(end) < value(start):
            label = capfirst(model._meta.get_field(start).verbose_name)
            found[end] = _("This date comes before “%(start)s”.") % {"start": label}
    if model is RDInstitution and bool(value("ended_on")) != bool(value("end_reason")):
        found["end_reason"] = _("Give both the end date and the end reason, or neither.")
    if model is Tenancy and value("exit_reason") and not value("exited_on"):
        found["exited_on"] = _("An exit reason needs the exit date.")
    if model is Incubator and not value("town") and not value("off_site_city"):
        found["town"] = _("An incubator is in a town or in an off-site city.")
    return found


__all__ = ["problems", "save_record"]
