"""Excel exports of the earthquake-prevention lists, keyed by model name, in their import
template's columns (an export re-imports unchanged). Each row is a {column field: value}
mapping; the columns order it.

Names the rules module knows (project kinds, building uses, hospital grades, classes) are
written as its Chinese names (学校, 教学楼, 二级, 乙类), which the import reads back; other
choices as their labels. The inspections export adds, after the template's columns, what the
rules compute for each inspection (required class and intensities, the "below the requirement"
flag); the import ignores those columns.
"""

from kechuang.core.interfaces.excel import Export, yes_no
from kechuang.registry.interfaces.exporters import organisation_cells

from .. import models
from ..domain import fortification as fx
from ..domain import requirement
from . import columns as c


def name_of(item) -> str:
    """The name of a town, organisation or code-list item ("" for none)."""
    return item.name if item is not None else ""


def rules_name(rules_enum, code: str) -> str:
    """The rules module's Chinese name of a stored code ("" for none)."""
    return rules_enum(code).label_zh if code else ""


def class_name(code: str | None) -> str:
    """甲类, 乙类, 丙类 or 丁类 ("" for none)."""
    return f"{fx.FortificationClass(code).short_zh}类" if code else ""


TOWN_ZONATIONS = Export(
    sheet="地震动参数区划",
    columns=c.TOWN_ZONATION_COLUMNS,
    loader=lambda: models.TownZonation.objects.select_related("town"),
    row=lambda z: {
        "town": z.town.name,
        "pga": fx.format_pga(z.pga),
        "characteristic_period": z.characteristic_period,
        "source": z.source,
        "effective_from": z.effective_from,
        "note": z.note,
    },
)


def project_row(p) -> dict:
    owner = organisation_cells("owner", p.owner)
    if p.owner_name:  # the owner as written (alone, or besides a differently named organisation)
        owner["owner_name"] = p.owner_name
    return {
        "name": p.name,
        "town": p.town.name,
        **owner,
        "address": p.address,
        "kind": rules_name(fx.ProjectKind, p.kind),
        "building_use": rules_name(fx.BuildingUse, p.building_use),
        "hospital_grade": rules_name(fx.HospitalGrade, p.hospital_grade),
        "declared_class": class_name(p.declared_class),
        "started_on": p.started_on,
        "start_year": p.start_year,
        "floors": p.floors,
        "height_m": p.height_m,
        "note": p.note,
    }


CONSTRUCTION_PROJECTS = Export(
    sheet="建设工程",
    columns=c.CONSTRUCTION_PROJECT_COLUMNS,
    loader=lambda: models.ConstructionProject.objects.select_related("town", "owner"),
    row=project_row,
)


def inspection_row(i) -> dict:
    return {
        "project": i.project.name,
        "town": i.project.town.name,
        "inspected_on": i.inspected_on,
        "inspectors": i.inspectors,
        "designed_class": class_name(i.designed_class),
        "designed_measures_intensity": i.designed_measures_intensity,
        "finding": i.get_finding_display(),
        "findings": i.findings,
        "rectification_required": yes_no(i.rectification_required),
        "rectification_due": i.rectification_due,
        "rectified_on": i.rectified_on,
        "closure_note": i.closure_note,
        # computed by the rules (with_requirement), not stored, ignored by the import
        "required_class": class_name(getattr(i, requirement.REQUIRED_CLASS)),
        "site_intensity": getattr(i, requirement.SITE_INTENSITY),
        "required_measures_intensity": getattr(i, requirement.REQUIRED_MEASURES),
        "below_requirement": yes_no(getattr(i, requirement.BELOW)),
    }


INSPECTIONS = Export(
    sheet="地震安全检查",
    columns=[*c.INSPECTION_COLUMNS, *c.INSPECTION_COMPUTED_COLUMNS],
    loader=lambda: models.Inspection.objects.with_requirement().select_related("project__town"),
    row=inspection_row,
)

RAISED_FORTIFICATIONS = Export(
    sheet="提高一档设防",
    columns=c.RAISED_FORTIFICATION_COLUMNS,
    loader=lambda: models.RaisedFortification.objects.select_related("town", "organisation"),
    row=lambda r: {
        "name": r.name,
        "kind": r.get_kind_display(),
        "town": r.town.name,
        **organisation_cells("organisation", r.organisation),
        "year_completed": r.year_completed,
        "basic_class": class_name(r.basic_class),
        "raised_to": r.raised_to,
        "note": r.note,
    },
)

DEMONSTRATION_SITES = Export(
    sheet="示范创建",
    columns=c.DEMONSTRATION_SITE_COLUMNS,
    loader=lambda: models.DemonstrationSite.objects.select_related("town", "organisation"),
    row=lambda s: {
        "name": s.name,
        "level": s.get_level_display(),
        "kind": s.get_kind_display(),
        "town": s.town.name,
        **organisation_cells("organisation", s.organisation),
        "designated_on": s.designated_on,
        "designated_year": s.designated_year,
        "revoked_on": s.revoked_on,
        "note": s.note,
    },
)

SHELTERS = Export(
    sheet="应急避难场所",
    columns=c.SHELTER_COLUMNS,
    loader=lambda: models.Shelter.objects.select_related("town").prefetch_related("facilities"),
    row=lambda s: {
        "name": s.name,
        "town": s.town.name,
        "address": s.address,
        "shelter_class": s.get_shelter_class_display(),
        "effective_area": s.effective_area,
        "facilities": c.LIST_SEPARATOR.join(sorted(f.name for f in s.facilities.all())),
        "opened_year": s.opened_year,
        "note": s.note,
    },
)

MONITORING_STATIONS = Export(
    sheet="监测台站",
    columns=c.MONITORING_STATION_COLUMNS,
    loader=lambda: models.MonitoringStation.objects.select_related("town"),
    row=lambda s: {
        "name": s.name,
        "kind": s.get_kind_display(),
        "town": s.town.name,
        "address": s.address,
        "status": s.get_status_display(),
        "established_on": s.established_on,
        "note": s.note,
    },
)

PLAN_DOCUMENTS = Export(
    sheet="规划与文件",
    columns=c.PLAN_DOCUMENT_COLUMNS,
    loader=lambda: models.PlanDocument.objects.all(),
    row=lambda d: {
        "title": d.title,
        "kind": d.get_kind_display(),
        "document_number": d.document_number,
        "issuer": d.issuer,
        "issued_on": d.issued_on,
        "effective_from": d.effective_from,
        "effective_to": d.effective_to,
        "status": d.get_status_display(),
        "note": d.note,
    },
)

ASSESSMENTS = Export(
    sheet="年度考核",
    columns=c.ASSESSMENT_COLUMNS,
    loader=lambda: models.Assessment.objects.all(),
    row=lambda a: {
        "year": a.year,
        "result": a.get_result_display(),
        "assessor": a.assessor,
        "note": a.note,
    },
)

# The list pages take their export from here: ``EXPORTS.get("<model name>")``.
EXPORTS: dict[str, Export] = {
    "townzonation": TOWN_ZONATIONS,
    "constructionproject": CONSTRUCTION_PROJECTS,
    "inspection": INSPECTIONS,
    "raisedfortification": RAISED_FORTIFICATIONS,
    "demonstrationsite": DEMONSTRATION_SITES,
    "shelter": SHELTERS,
    "monitoringstation": MONITORING_STATIONS,
    "plandocument": PLAN_DOCUMENTS,
    "assessment": ASSESSMENTS,
}
