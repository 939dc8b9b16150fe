"""The Excel columns of the plan-project imports and exports (one definition: the template, the
export and the import read the same list, so an exported file re-imports unchanged).

An organisation is given by two columns, its credit code and its name: the import takes the
code when there is one, else the exact name; the export writes both. A cell that lists several
organisations or fields separates them with 、 (or a comma or semicolon).
"""

from kechuang.core.domain.imports import Column
from kechuang.registry.interfaces.columns import organisation_columns

APPLICATION_COLUMNS = [
    Column("计划批次编码", "call", "Call code", required=True),
    Column("项目编号", "number", "Number", required=True),
    Column("项目名称", "name", "Project name", required=True),
    *organisation_columns("承担单位", "Undertaker", "undertaker"),
    Column("合作单位", "cooperators", "Cooperating organisations"),
    Column("项目负责人", "leader_name", "Project leader", required=True),
    Column("负责人电话", "leader_phone", "Leader's phone"),
    Column("技术领域", "tech_field", "Technical field"),
    Column("开始日期", "starts_on", "Starts on", required=True),
    Column("结束日期", "ends_on", "Ends on", required=True),
    Column("申请资助(万元)", "requested_funding", "Funding requested (10k yuan)", required=True),
    Column("自筹资金(万元)", "self_funding", "Self-raised funding (10k yuan)"),
    Column("状态", "state", "State", required=True),
    Column("立项日期", "approved_on", "Approved on"),
    Column("核定资助(万元)", "approved_funding", "Funding approved (10k yuan)"),
    Column("公示截止日期", "publicity_until", "Publicity until"),
    Column("任务书编号", "contract_number", "Task contract number"),
    Column("任务书签订日期", "contract_signed_on", "Task contract signed on"),
    Column("中期检查结果", "midterm_result", "Mid-term check"),
    Column("中期检查日期", "midterm_on", "Mid-term check on"),
    Column("延期至", "extended_until", "Extended until"),
    Column("验收结论", "conclusion", "Acceptance conclusion"),
    Column("验收日期", "concluded_on", "Acceptance concluded on"),
    Column("结题日期", "closed_on", "Closed on"),
    Column("终止日期", "terminated_on", "Terminated on"),
    Column("项目内容", "content", "Content and objectives"),
]

# The calls list and the acceptance meetings list, as exported (exactly the filtered list).
CALL_COLUMNS = [
    Column("计划批次编码", "code", "Call code"),
    Column("年度", "year", "Year"),
    Column("批次", "batch", "Batch"),
    Column("名称", "name", "Name"),
    Column("类别", "category", "Category"),
    Column("研究领域", "field", "Field"),
    Column("专项", "programme", "Special programme"),
    Column("开始时间", "opens_at", "Opens at"),
    Column("截止时间", "closes_at", "Closes at"),
    Column("每项申报评审专家数", "reviewers_per_application", "Reviewers per application"),
    Column("得分汇总方式", "aggregation", "Score aggregation"),
]

MEETING_COLUMNS = [
    Column("编码", "code", "Code"),
    Column("名称", "name", "Name"),
    Column("年度", "year", "Year"),
    Column("年度批次", "batch", "Batch of the year"),
    Column("日期", "held_on", "Date"),
    Column("地点", "place", "Place"),
    *organisation_columns("受托机构", "Delegated to", "agency"),
    Column("场次", "session_count", "Sessions"),
    Column("项目数", "project_count", "Projects"),
    Column("专家组人数", "panel_count", "Panel"),
    Column("备注", "note", "Note"),
]

# The review results of a call: these columns, then an expert's name and score per reviewer.
RESULT_COLUMNS = [
    Column("排名", "rank", "Rank"),
    Column("项目编号", "number", "Number"),
    Column("项目名称", "name", "Project name"),
    Column("承担单位名称", "undertaker", "Undertaker"),
    Column("状态", "state", "State"),
    Column("汇总得分", "aggregate", "Aggregate score"),
    Column("已评/应评", "progress", "Reviews submitted / assigned"),
]

# What an expert may export of their assignments.
ASSIGNMENT_COLUMNS = [
    Column("计划批次", "call", "Call"),
    Column("评审轮次", "phase", "Review phase"),
    Column("评审截止", "reviews_due", "Reviews due"),
    Column("项目编号", "number", "Number"),
    Column("项目名称", "name", "Project name"),
    Column("承担单位名称", "undertaker", "Undertaker"),
    Column("评审状态", "review_state", "Review state"),
]

LIST_SEPARATOR = "、"
