"""The registry's record types declared once (``record_types``): their list, detail page, form,
filters, Excel template, export and import, API and addresses come from these declarations."""

import django_filters
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core.domain.imports import RowError
from kechuang.core.interfaces.filters import DATE_INPUT

from .interfaces.filters import town
from .models import EnterpriseYear, Person, Qualification
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


class OrganisationChildType(RecordType):
    """A record entered on an organisation's page (its form lives under the organisation's
    address; the organisation's import and export carry the yearly figures)."""

    parent = "organisation"
    parent_prefix = "organisations"
    menu_label = None


@register
class EnterpriseYearType(OrganisationChildType):
    model = EnterpriseYear
    prefix = "enterprise-years"
    segment = "years"
    api_basename = "enterprise-year"
    fields = {
        "organisation": "单位",
        "year": "年度",
        "revenue": "营业收入(万元)",
        "output_value": "工业总产值(万元)",
        "rd_spending": "研发投入(万元)",
        "employees": "从业人员",
        "st_staff": "科技人员",
        "above_scale": "规上企业",
    }
    columns = ("organisation", "year", "revenue", "output_value", "rd_spending", "above_scale")
    filters = ("organisation", "year", "above_scale")
    search = ("organisation__name", "organisation__uscc")
    natural_key = ("organisation", "year")
    link = "year"


@register
class QualificationType(OrganisationChildType):
    """Qualifications held for a period (高新技术企业 certificates …), to and from Excel: the
    lists the province publishes are imported by credit code, one row per organisation, kind
    and start of validity."""

    model = Qualification
    prefix = "qualifications"
    segment = "qualifications"
    api_basename = "qualification"
    sheet = "资质"
    preview = ("number", "organisation_name")
    fields = {
        "organisation": "单位",
        "kind": "资质类型",
        "number": "证书编号",
        "year": "认定年度",
        "valid_from": "有效期起",
        "valid_until": "有效期止",
        "revoked_on": "撤销日期",
    }
    columns = ("organisation", "kind", "number", "valid_from", "valid_until", "revoked_on")
    filters = ("organisation", "kind", "year")
    more_filters = {
        "town": town("organisation__town"),
        "valid_on": django_filters.DateFilter(
            label=gettext_lazy("Held on date"),
            method=lambda records, _name, on: records.valid_on(on),
            widget=DATE_INPUT,
        ),
    }
    search = ("organisation__name", "organisation__uscc", "number")
    natural_key = ("organisation", "kind", "valid_from")
    link = "kind"


DECLARED = [PersonType, EnterpriseYearType, QualificationType]
