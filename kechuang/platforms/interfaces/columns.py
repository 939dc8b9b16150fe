"""The Excel columns of the platform imports and exports (one definition: the template, the
export and the import read the same list, so an exported file re-imports unchanged).

An organisation is given by two columns, its credit code and its name: the import takes the
code when there is one, else the exact name; the export writes both.
"""

from kechuang.core.domain.imports import Column
from kechuang.core.enums import CodeList
from kechuang.registry.interfaces.columns import code_list_names, organisation_columns

from ..enums import DatePrecision


def precisions() -> list[str]:
    """How much of a date is known: the choices' labels (the import also takes 日, day …)."""
    return [str(label) for _value, label in DatePrecision.choices]


RD_INSTITUTION_COLUMNS = [
    *organisation_columns("依托单位", "Host", "host"),
    Column("研发机构名称", "name", "Name", required=True),
    Column("级别", "level", "Kind and level", required=True),
    Column("认定年度", "certified_year", "Certification year", required=True),
    Column("认定日期", "certified_on", "Certification date", required=True),
    Column("批次", "batch", "Batch"),
    Column("文号", "document_number", "Document number"),
    Column("终止日期", "ended_on", "Ended on"),
    Column("终止原因", "end_reason", "End reason"),
]

# A new-type R&D institute is an organisation of the registry (研究院), built with a partner
# university or research organisation; matched by the institute's organisation.
INSTITUTE_COLUMNS = [
    *organisation_columns("研究院", "Institute", "organisation"),
    Column("编码", "code", "Code"),
    *organisation_columns("合作高校院所", "Partner", "partner"),
    Column("签约时间", "signed_on", "Agreement signed"),
    Column("签约时间精度", "signed_precision", "Signing date precision", options=precisions),
    Column("揭牌时间", "unveiled_on", "Unveiled"),
    Column("揭牌时间精度", "unveiled_precision", "Unveiling date precision", options=precisions),
    Column(
        "聚焦产业链",
        "focus_chain",
        "Focus industry chain",
        options=code_list_names(CodeList.INDUSTRY_CHAIN),
    ),
    Column("研究方向", "focus", "Focus"),
    Column("场地面积(平方米)", "area_m2", "Floor area (m²)"),
    Column("理事长", "council_chair", "Council chair"),
    Column("理事会成员", "council", "Council members"),
]

INSTITUTE_TALENT_COLUMNS = [
    Column("研究院", "institute", "Institute", required=True),
    Column("姓名", "person", "Name", required=True),
    Column("人才类别", "role", "Role", required=True),
    Column("加入日期", "joined_on", "Joined on", required=True),
    Column("离开日期", "left_on", "Left on"),
]
