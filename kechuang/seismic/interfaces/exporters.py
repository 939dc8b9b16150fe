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

# The list pages take their export from here: ``EXPORTS.get("<model name>")``.
EXPORTS: dict[str, Export] = {
    "constructionproject": CONSTRUCTION_PROJECTS,
    "inspection": INSPECTIONS,
}
