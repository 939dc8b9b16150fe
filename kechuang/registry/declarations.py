"""The registry's record types declared once (``record_types``): their list, detail page, form,
filters, Excel template, export and import, API and addresses come from these declarations."""

from django.db.models import Count
from django.utils.translation import gettext as _

from kechuang.core.domain.imports import RowError

from .models import Person
from .record_types import DeclaredImporter, RecordType, register


class PersonImporter(DeclaredImporter):
    """People are matched by name and organisation (a person without an organisation by name
    alone); people sharing a name at the same organisation cannot be told apart by a row and
    are edited on their own pages."""

    def prepare(self, cells):
        super().prepare(cells)
        self.namesakes = set(
            Person.objects.filter(name__in=self.texts(cells, "name"))
            .values("name", "organisation_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list("name", "organisation_id")
        )

    def read(self, row):
        values = super().read(row)
        if (values["name"], values["organisation_id"]) in self.namesakes:
            raise RowError(
                row.header("name"),
                _(
                    "Several people of this organisation are named “%(value)s”; edit this one "
                    "on their page."
                )
                % {"value": values["name"]},
            )
        return values


@register
class PersonType(RecordType):
    """A person of the talent registry (人才)."""

    model = Person
    prefix = "people"
    sheet = "人才"
    menu_label = None  # the top navigation's own entry (人才)
    api_basename = "person"
    fields = {
        "name": "姓名",
        "organisation": "所属单位",
        "title": "职称",
        "talent_level": "人才层次",
        "degree": "学位",
        "position": "职务",
        "field": "专业领域",
    }
    columns = ("name", "organisation", "title", "talent_level", "degree", "position")
    filters = ("organisation", "title", "talent_level")
    search = ("name", "organisation__name")
    natural_key = ("name", "organisation")
    preview = ("organisation_uscc", "name")
    importer = PersonImporter


DECLARED = [PersonType]
