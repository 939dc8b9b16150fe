"""The Excel columns of the platform imports and exports (one definition: the template, the
export and the import read the same list, so an exported file re-imports unchanged).

An organisation is given by two columns, its credit code and its name: the import takes the
code when there is one, else the exact name; the export writes both.
"""

from kechuang.core.domain.imports import Column
from kechuang.registry.interfaces.columns import organisation_columns

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
