"""Excel exports of the platform lists, in their import template's columns (an export
re-imports unchanged). Each row is a {column field: value} mapping; the columns order it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from kechuang.core.domain.imports import Column
from kechuang.core.interfaces.excel import in_chunks, write_workbook

from .. import models
from .columns import (
    INCUBATOR_COLUMNS,
    INSTITUTE_RECORD_COLUMNS,
    INSTITUTE_TALENT_COLUMNS,
    RD_INSTITUTION_COLUMNS,
    SIGNED_PROJECT_COLUMNS,
    TENANCY_COLUMNS,
)


@dataclass(frozen=True)
class Export:
    sheet: str  # also the name of the downloaded file
    columns: list[Column]
    loader: Callable[[], QuerySet]  # the records with what their rows read
    row: Callable[[object], dict]

    def write(self, stream, queryset) -> int:
        """Write the records of ``queryset`` in its order; returns the number of rows."""
        fields = [c.field for c in self.columns]
        records = in_chunks(queryset, self.loader())
        rows = ([values.get(f) for f in fields] for values in map(self.row, records))
        return write_workbook(stream, self.sheet, [c.header for c in self.columns], rows)


def organisation(field: str, org) -> dict:
    if org is None:
        return {}
    return {f"{field}_uscc": org.uscc, f"{field}_name": org.name}


def institute_name(institute) -> str:
    return institute.organisation.name


RD_INSTITUTIONS = Export(
    sheet="研发机构",
    columns=RD_INSTITUTION_COLUMNS,
    loader=lambda: models.RDInstitution.objects.select_related("host", "level"),
    row=lambda r: {
        **organisation("host", r.host),
        "name": r.name,
        "level": r.level.name,
        "certified_year": r.certified_year,
        "certified_on": r.certified_on,
        "batch": r.batch,
        "document_number": r.document_number,
        "ended_on": r.ended_on,
        "end_reason": r.get_end_reason_display(),
    },
)

INCUBATORS = Export(
    sheet="孵化器",
    columns=INCUBATOR_COLUMNS,
    loader=lambda: models.Incubator.objects.select_related("operator", "town", "zone"),
    row=lambda i: {
        "name": i.name,
        "code": i.code,
        "kind": i.get_kind_display(),
        "level": i.get_level_display(),
        **organisation("operator", i.operator),
        "town": i.town.name if i.town else "",
        "zone": i.zone.name if i.zone else "",
        "off_site_city": i.off_site_city,
        "address": i.address,
        "floors": i.floors,
        "building_area_m2": i.building_area_m2,
        "incubation_area_m2": i.incubation_area_m2,
        "investment": i.investment,
        "opened_on": i.opened_on,
    },
)

TENANCIES = Export(
    sheet="在孵企业",
    columns=TENANCY_COLUMNS,
    loader=lambda: models.Tenancy.objects.select_related("incubator", "enterprise"),
    row=lambda t: {
        "incubator": t.incubator.name,
        **organisation("enterprise", t.enterprise),
        "entered_on": t.entered_on,
        "exited_on": t.exited_on,
        "exit_reason": t.get_exit_reason_display(),
    },
)

INSTITUTE_TALENTS = Export(
    sheet="研究院人才",
    columns=INSTITUTE_TALENT_COLUMNS,
    loader=lambda: models.InstituteTalent.objects.select_related(
        "institute__organisation", "person"
    ),
    row=lambda t: {
        "institute": institute_name(t.institute),
        "person": t.person.name,
        "role": t.get_role_display(),
        "joined_on": t.joined_on,
        "left_on": t.left_on,
    },
)

INSTITUTE_RECORDS = Export(
    sheet="研究院记录",
    columns=INSTITUTE_RECORD_COLUMNS,
    loader=lambda: models.InstituteRecord.objects.select_related(
        "institute__organisation", "partner"
    ),
    row=lambda r: {
        "institute": institute_name(r.institute),
        "kind": r.get_kind_display(),
        "name": r.name,
        **organisation("partner", r.partner),
        "occurred_on": r.occurred_on,
        "ended_on": r.ended_on,
        "level": r.get_level_display(),
        "joint_application": "是" if r.joint_application else "否",
        "amount": r.amount,
        "note": r.note,
    },
)

SIGNED_PROJECTS = Export(
    sheet="签约项目",
    columns=SIGNED_PROJECT_COLUMNS,
    loader=lambda: models.SignedProject.objects.select_related("event", "field", "origin"),
    row=lambda p: {
        "event": p.event.name,
        "held_on": p.event.held_on,
        "name": p.name,
        "field": p.field.name,
        "origin": p.origin.name,
        "investment": p.investment,
        "investor": p.investor,
    },
)
