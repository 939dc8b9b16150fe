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

TOWN_ZONATION_COLUMNS = [
    TOWN,
    Column("基本地震动峰值加速度", "pga", "Basic peak ground acceleration (g)", required=True),
    Column("特征周期(秒)", "characteristic_period", "Characteristic period (s)"),
    Column("依据文件", "source", "Source document"),
    Column("施行日期", "effective_from", "Effective from"),
    NOTE,
]

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

RAISED_FORTIFICATION_COLUMNS = [
    Column("场所或建筑名称", "name", "Site or building", required=True),
    Column("类型", "kind", "Kind", required=True),
    TOWN,
    *organisation_columns("所属单位", "Organisation", "organisation"),
    Column("完成年度", "year_completed", "Year completed"),
    Column("基本设防类别", "basic_class", "Basic fortification class"),
    Column("提高后的设防要求", "raised_to", "Raised to"),
    NOTE,
]

DEMONSTRATION_SITE_COLUMNS = [
    Column("名称", "name", "Name", required=True),
    Column("级别", "level", "Level", required=True),
    Column("类型", "kind", "Kind", required=True),
    TOWN,
    *organisation_columns("所属单位", "Organisation", "organisation"),
    Column("命名日期", "designated_on", "Designated on"),
    Column("命名年度", "designated_year", "Year designated"),
    Column("撤销日期", "revoked_on", "Revoked on"),
    NOTE,
]

SHELTER_COLUMNS = [
    Column("场所名称", "name", "Name", required=True),
    TOWN,
    Column("地址", "address", "Address"),
    Column("类别", "shelter_class", "Class", required=True),
    Column("有效避难面积(平方米)", "effective_area", "Effective area (m²)", required=True),
    Column("配套设施", "facilities", "Facilities"),
    Column("启用年度", "opened_year", "Year opened"),
    NOTE,
]

MONITORING_STATION_COLUMNS = [
    Column("台站名称", "name", "Name", required=True),
    Column("类型", "kind", "Kind", required=True),
    TOWN,
    Column("地址", "address", "Address"),
    Column("状态", "status", "Status"),
    Column("建成日期", "established_on", "Established on"),
    NOTE,
]

PLAN_DOCUMENT_COLUMNS = [
    Column("标题", "title", "Title", required=True),
    Column("类型", "kind", "Kind", required=True),
    Column("文号", "document_number", "Document number"),
    Column("发布机关", "issuer", "Issuer"),
    Column("发布日期", "issued_on", "Issued on"),
    Column("施行日期", "effective_from", "Effective from"),
    Column("废止日期", "effective_to", "Effective until"),
    Column("状态", "status", "Status"),
    NOTE,
]

ASSESSMENT_COLUMNS = [
    Column("年度", "year", "Year", required=True),
    Column("考核结果", "result", "Result", required=True),
    Column("考核单位", "assessor", "Assessor"),
    NOTE,
]

LIST_SEPARATOR = "、"
