"""The Excel columns of the earthquake-prevention imports and exports (one definition: the
template, the export and the import read the same list, so an exported file re-imports
unchanged). Headers are Chinese; the English names are accepted too.

An organisation is given by two columns, its credit code and its name (the import takes the
code when there is one, else the exact name). A town is named by its code or its name; a
construction project by its name together with its town.
"""

from kechuang.core.domain.imports import Column
from kechuang.registry.interfaces.columns import organisation_columns

TOWN = Column("镇街道", "town", "Town", required=True)
NOTE = Column("备注", "note", "Note")

CONSTRUCTION_PROJECT_COLUMNS = [
    Column("项目名称", "name", "Name", required=True),
    TOWN,
    *organisation_columns("建设单位", "Owner", "owner"),
    Column("地址", "address", "Address"),
    Column("项目类型", "kind", "Kind", required=True),
    Column("建筑用途", "building_use", "Building use"),
    Column("医院等级", "hospital_grade", "Hospital grade"),
    Column("申报设防类别", "declared_class", "Declared fortification class"),
    Column("开工日期", "started_on", "Construction started on"),
    Column("开工年度", "start_year", "Year construction started"),
    Column("层数", "floors", "Floors"),
    Column("高度(米)", "height_m", "Height (m)"),
    NOTE,
]

INSPECTION_COLUMNS = [
    Column("项目名称", "project", "Construction project", required=True),
    TOWN,
    Column("检查日期", "inspected_on", "Inspected on", required=True),
    Column("检查人员", "inspectors", "Inspectors", required=True),
    Column("设计设防类别", "designed_class", "Designed fortification class", required=True),
    Column(
        "设计抗震措施烈度",
        "designed_measures_intensity",
        "Designed measures intensity",
        required=True,
    ),
    Column("检查结论", "finding", "Finding"),
    Column("检查情况", "findings", "Findings"),
    Column("需整改", "rectification_required", "Rectification required"),
    Column("整改期限", "rectification_due", "Rectification due"),
    Column("整改完成日期", "rectified_on", "Rectified on"),
    Column("整改情况说明", "closure_note", "Closure note"),
]

# Computed by the rules, written by the export after the template's columns for people to read;
# an import of the exported file ignores them (they are never stored).
INSPECTION_COMPUTED_COLUMNS = [
    Column("应设防类别(计算)", "required_class", "Required class (computed)"),
    Column("场地设防烈度(计算)", "site_intensity", "Site intensity (computed)"),
    Column(
        "应采取抗震措施烈度(计算)",
        "required_measures_intensity",
        "Required measures intensity (computed)",
    ),
    Column("低于设防要求(计算)", "below_requirement", "Below the requirement (computed)"),
]

LIST_SEPARATOR = "、"
