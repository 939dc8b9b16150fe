"""The organisation columns of the Excel template, the export and the import (one definition)."""

from kechuang.core.domain.imports import Column

ORGANISATION_COLUMNS = [
    Column("统一社会信用代码", "uscc", "USCC", required=True),
    Column("名称", "name", "Name", required=True),
    Column("主体类型", "kind", "Kind"),
    Column("曾用名", "former_names", "Former names"),
    Column("法定代表人", "legal_representative", "Legal representative"),
    Column("成立日期", "founded_on", "Founding date"),
    Column("镇街道", "town", "Town"),
    Column("地址", "address", "Address"),
    Column("行业代码", "industry", "Industry code"),
    Column("产业链", "chains", "Industry chains"),
    Column("所属园区", "zones", "Zones"),
    Column("年度", "year", "Year"),
    Column("营业收入(万元)", "revenue", "Revenue (10k yuan)"),
    Column("工业总产值(万元)", "output_value", "Output value (10k yuan)"),
    Column("研发投入(万元)", "rd_spending", "R&D spending (10k yuan)"),
    Column("从业人员", "employees", "Employees"),
    Column("科技人员", "st_staff", "S&T staff"),
    Column("规上企业", "above_scale", "Above designated size"),
]

YEAR_FIELDS = ("revenue", "output_value", "rd_spending", "employees", "st_staff", "above_scale")
LIST_SEPARATORS = "、,，;；"
YES = {"是", "y", "yes", "true", "1", "规上"}
NO = {"否", "n", "no", "false", "0", ""}
