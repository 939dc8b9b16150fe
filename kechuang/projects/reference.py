"""Reference data of the plan-project area: special programmes and technical fields (code
lists, editable by administrators), and what the shipped roles may do with projects."""

from kechuang.accounts.enums import RoleCode
from kechuang.core.domain.code_lists import upsert_items
from kechuang.core.enums import CodeList

from .enums import ProgrammeCode

PROGRAMMES = [
    (ProgrammeCode.HITECH_ZONE, "高新区类重点专项", "High-tech zone key programme"),
    ("rural_revitalisation", "乡村振兴科技专项", "Rural revitalisation programme"),
    ("public_welfare", "社会公益类专项", "Public welfare programme"),
]

# Two levels: broad areas, and under each the fields experts and applications are matched on
# (an exact field matches fully, a field of the same area partly: domain/matching.py).
TECH_FIELDS = {
    ("manufacturing", "先进制造", "Advanced manufacturing"): [
        ("new_materials", "新材料", "New materials"),
        ("equipment", "智能装备", "Intelligent equipment"),
        ("aerospace", "航空航天", "Aerospace"),
        ("energy", "新能源与节能", "New energy and energy saving"),
    ],
    ("information", "信息技术", "Information technology"): [
        ("electronics", "电子信息", "Electronics"),
        ("software", "软件与数字经济", "Software and digital economy"),
        ("ai", "人工智能与机器人", "Artificial intelligence and robotics"),
    ],
    ("life", "生命健康", "Life and health"): [
        ("biomedicine", "生物医药", "Biomedicine"),
        ("medical_devices", "医疗器械", "Medical devices"),
        ("public_health", "公共卫生", "Public health"),
    ],
    ("agri", "现代农业", "Modern agriculture"): [
        ("crops", "种植与育种", "Crops and breeding"),
        ("aquaculture", "畜牧与水产", "Livestock and aquaculture"),
        ("food", "食品与农产品加工", "Food and agricultural processing"),
    ],
    ("society", "社会发展", "Social development"): [
        ("environment", "生态环境", "Environment"),
        ("education", "教育与职业培训", "Education and vocational training"),
        ("safety", "公共安全与防灾", "Public safety and disaster prevention"),
    ],
}

RECORDS = (
    "call",
    "formfield",
    "criterion",
    "reviewphase",
    "application",
    "extensionrequest",
    "expert",
    "acceptancemeeting",
    "meetingsession",
    "sessionproject",
    "panelmember",
)
# A call and what belongs to it are published: whoever may see calls sees them, whatever their
# data scope (rules.py).
PUBLISHED = ("call", "formfield", "criterion", "reviewphase")
CHECK = "projects.check_application"
RECOMMEND = "projects.recommend_application"
REVIEW = "projects.review_application"
APPROVE = "projects.approve_application"
MANAGE = "projects.manage_application"
TERMINATE = "projects.terminate_application"
ASSIGN = "projects.assign_expert"
EXPORT = "projects.export_application"
IMPORT = "projects.import_application"
EXPORT_EXPERTS = "projects.export_expert"
IMPORT_EXPERTS = "projects.import_expert"


def perms(actions, models=RECORDS) -> list[str]:
    return [f"projects.{action}_{model}" for model in models for action in actions]


ROLE_GRANTS = {
    RoleCode.LEADER: [*perms(("view",)), APPROVE, EXPORT, EXPORT_EXPERTS],
    RoleCode.STAFF: [
        *perms(("view", "add", "change", "delete")),
        CHECK,
        RECOMMEND,
        REVIEW,
        APPROVE,
        MANAGE,
        TERMINATE,
        ASSIGN,
        EXPORT,
        IMPORT,
        EXPORT_EXPERTS,
        IMPORT_EXPERTS,
    ],
    RoleCode.TOWN_OFFICER: [*perms(("view",), (*PUBLISHED, "application")), RECOMMEND],
    RoleCode.ORGANISATION: [
        *perms(("view",), PUBLISHED),
        *perms(("view", "add", "change"), ("application", "extensionrequest")),
    ],
}


def load() -> None:
    upsert_items(CodeList.PROJECT_PROGRAMME, PROGRAMMES)
    areas = upsert_items(
        CodeList.TECH_FIELD, [(c, n, e, 100 + i) for i, (c, n, e) in enumerate(TECH_FIELDS)]
    )
    for area, fields in zip(areas, TECH_FIELDS.values(), strict=True):
        upsert_items(CodeList.TECH_FIELD, fields, parent=area)
