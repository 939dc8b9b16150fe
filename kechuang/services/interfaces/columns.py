"""The columns of the services' report exports (the follow-ups, the policies): reports to read,
not templates to fill in. The imports' columns come from the record types' declarations."""

from kechuang.core.domain.imports import Column

FOLLOW_UP_COLUMNS = [
    Column("走访日期", "visited_on", "Visited on"),
    Column("走访对象", "host", "Host"),
    Column("镇街道", "town", "Town"),
    Column("反映问题", "issue", "Issue"),
    Column("问题类别", "category", "Category"),
    Column("跟进措施", "action", "Action"),
    Column("责任人", "owner", "Owner"),
    Column("责任单位", "owner_body", "Responsible body"),
    Column("办结时限", "due_on", "Due on"),
    Column("办结日期", "closed_on", "Closed on"),
    Column("办理结果", "result", "Result"),
    Column("是否逾期", "overdue", "Overdue"),
]

POLICY_COLUMNS = [
    Column("政策名称", "title", "Title"),
    Column("领域", "domain", "Domain"),
    Column("发布单位", "issuer", "Issuer"),
    Column("现行版本", "adopted_number", "Version in force"),
    Column("现行版本标题", "adopted_title", "Title of the version in force"),
    Column("文号", "document_number", "Document number"),
    Column("通过日期", "adopted_on", "Adopted on"),
    Column("生效日期", "effective_from", "Effective from"),
    Column("失效日期", "effective_to", "Effective to"),
    Column("修订中版本", "open_number", "Version under revision"),
    Column("修订状态", "open_state", "Revision state"),
    Column("待反馈意见单位", "outstanding", "Bodies yet to reply"),
    Column("备注", "note", "Note"),
]
