"""Reference data of the services area: the commissioner activity kinds, the training
institutions' admission criteria and the field-visit issue categories (code lists administrators
edit), and what the shipped roles may do with the area's records."""

from kechuang.accounts.enums import RoleCode
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem

from .enums import ActivityKind, Criterion, IssueCategory

ACTIVITY_KINDS = [
    (ActivityKind.POLICY_OUTREACH, "政策宣传", "Policy outreach"),
    (ActivityKind.TECHNICAL_TRAINING, "技术培训", "Technical training"),
    (ActivityKind.ON_SITE_GUIDANCE, "现场指导", "On-site guidance"),
    (ActivityKind.TECHNICAL_CONSULTATION, "技术咨询", "Technical consultation"),
    (ActivityKind.OTHER, "其他", "Other"),
]

CRITERIA = [
    (Criterion.LEGAL_REGISTRATION, "依法登记", "Registered as a legal entity"),
    (Criterion.SITE_SAFETY, "办学场地安全", "Safe teaching premises"),
    (Criterion.FIRE_ACCEPTANCE, "消防验收", "Fire-safety acceptance"),
    (Criterion.TEACHER_QUALIFICATION, "师资资质", "Qualified teachers"),
    (Criterion.COURSE_FILING, "课程内容备案", "Course content filed"),
    (Criterion.FEE_DISCLOSURE, "收费公示", "Fees published"),
    (Criterion.PREPAYMENT_SUPERVISION, "预收费监管", "Prepaid fees supervised"),
]

ISSUE_CATEGORIES = [
    (IssueCategory.FINANCING, "融资需求", "Financing"),
    (IssueCategory.TALENT, "人才引进", "Talent"),
    (IssueCategory.TECHNOLOGY, "技术攻关", "Technology"),
    (IssueCategory.LAND_AND_PREMISES, "用地与厂房", "Land and premises"),
    (IssueCategory.POLICY, "政策兑现", "Policy"),
    (IssueCategory.MARKET, "市场拓展", "Market"),
    (IssueCategory.OTHER, "其他", "Other"),
]

CODE_LISTS = {
    CodeList.SERVICE_ACTIVITY_KIND: ACTIVITY_KINDS,
    CodeList.INSTITUTION_CRITERION: CRITERIA,
    CodeList.VISIT_ISSUE_CATEGORY: ISSUE_CATEGORIES,
}

RECORDS = (
    "commissioner",
    "commissionermember",
    "serviceassignment",
    "activity",
    "traininginstitution",
    "institutioncontact",
    "institutionvisit",
    "institutioncheck",
    "fieldvisit",
    "visitissue",
    "followup",
    "policy",
    "policyversion",
    "consultationopinion",
)
IMPORTS = ("commissioner", "serviceassignment", "activity", "traininginstitution", "fieldvisit")
EXPORTS = (*IMPORTS, "followup", "policy")
ADOPT_POLICY = "services.adopt_policyversion"

# A town officer works on their town's institutions and field visits and follows the
# commissioners serving there.
TOWN_RECORDS = (
    "traininginstitution",
    "institutioncontact",
    "institutionvisit",
    "institutioncheck",
    "fieldvisit",
    "visitissue",
    "followup",
)
TOWN_VIEWED = ("commissioner", "commissionermember", "serviceassignment", "activity")


def perms(actions, models=RECORDS) -> list[str]:
    return [f"services.{action}_{model}" for model in models for action in actions]


FULL = [
    *perms(("view", "add", "change", "delete")),
    *(f"services.import_{model}" for model in IMPORTS),
    *(f"services.export_{model}" for model in EXPORTS),
    ADOPT_POLICY,
]

# Given to the roles accounts/reference.py defines (it reads ROLE_GRANTS of every area).
ROLE_GRANTS = {
    RoleCode.ADMIN: FULL,
    RoleCode.LEADER: FULL,
    RoleCode.STAFF: FULL,
    RoleCode.TOWN_OFFICER: [
        *perms(("view",), (*TOWN_RECORDS, *TOWN_VIEWED)),
        *perms(("add", "change"), TOWN_RECORDS),
        "services.export_traininginstitution",
        "services.export_fieldvisit",
    ],
    # Data scope "self": a commissioner's login reaches its own commissioner's records (and a
    # team member's login the team's), see the models' scope paths.
    RoleCode.COMMISSIONER: [
        *perms(("view",), ("commissioner", "commissionermember", "serviceassignment")),
        *perms(("view", "add", "change"), ("activity",)),
        # Their own activity log to and from Excel (the importer writes only for the
        # commissioner the login acts for; the export is their scope).
        "services.import_activity",
        "services.export_activity",
    ],
}


def load() -> None:
    """Create the items the lists do not have yet; items administrators edited, reordered or
    deactivated are left as they are (loading again changes nothing)."""
    for code_list, rows in CODE_LISTS.items():
        for sort, (code, name, name_en) in enumerate(rows, start=1):
            CodeItem.objects.get_or_create(
                code_list=code_list,
                code=code,
                defaults={"name": name, "name_en": name_en, "sort": sort},
            )
