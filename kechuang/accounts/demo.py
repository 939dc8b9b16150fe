"""Demo accounts: one user per role, all with the same password, restored on every run.

``DEMO_ACCOUNTS`` describes every demo account, including the organisation users; those are
created by ``kechuang.registry.demo`` once their organisations exist (it calls
:func:`ensure_account`). ``load_demo`` prints the table from :func:`account_rows`.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password

from .enums import RoleCode, UserKind
from .models import Role, User
from .reference import BUREAU, ZONE_LIAISON, department, town_office_name

# One password for every demo account; it passes the validators configured in settings.
DEMO_PASSWORD = "Kechuang@2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    kind: str = UserKind.STAFF
    department: str | None = None
    organisation: str | None = None  # exact name of the organisation (organisation users)
    sees: str = ""
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(
        "admin",
        "系统管理员",
        RoleCode.ADMIN,
        department=BUREAU,
        sees="全部数据、全部功能(超级用户,后台管理)",
        superuser=True,
    ),
    DemoAccount(
        "ni.jianfeng",
        "倪建锋",
        RoleCode.LEADER,
        department=BUREAU,
        sees="全部数据:查看与导出(局长)",
    ),
    DemoAccount(
        "dai.liang",
        "戴亮",
        RoleCode.STAFF,
        department="高新技术科",
        sees="全部数据:主体库维护、导入导出",
    ),
    DemoAccount(
        "danghu",
        "当湖街道科技干部",
        RoleCode.TOWN_OFFICER,
        department=town_office_name("当湖街道"),
        sees="当湖街道的主体、年度数据、资质、人才",
    ),
    DemoAccount(
        "liaison",
        "开发区联络员",
        ZONE_LIAISON,
        department="综合计划科",
        sees="乍浦镇、独山港镇的主体(自定义数据范围)",
    ),
    DemoAccount(
        "dushan",
        "独山能源用户",
        RoleCode.ORGANISATION,
        kind=UserKind.ORGANISATION,
        organisation="浙江独山能源有限公司",
        sees="仅本单位:浙江独山能源有限公司",
    ),
    DemoAccount(
        "zhizhuan",
        "职业中专用户",
        RoleCode.ORGANISATION,
        kind=UserKind.ORGANISATION,
        organisation="平湖市职业中等专业学校",
        sees="仅本单位:平湖市职业中等专业学校",
    ),
    DemoAccount(
        "zjut",
        "浙工大研究院用户",
        RoleCode.ORGANISATION,
        kind=UserKind.ORGANISATION,
        organisation="浙工大平湖新材料研究院",
        sees="仅本单位:浙工大平湖新材料研究院(填报人才、孵化项目与成果)",
    ),
    DemoAccount(
        "expert",
        "演示专家",
        RoleCode.EXPERT,
        kind=UserKind.EXPERT,
        sees="仅分配给本人的评审任务(无主体库权限)",
    ),
    DemoAccount(
        "tepaiyuan",
        "演示科技特派员",
        RoleCode.COMMISSIONER,
        # kechuang/services/demo.py links it to the commissioner 顾春华(演示).
        sees="仅本人(科技特派员顾春华)的派驻信息与服务日志",
    ),
)


@lru_cache
def _password_hash(hashers: tuple[str, ...]) -> str:
    """One hash of the demo password for every account: hashing is deliberately slow."""
    return make_password(DEMO_PASSWORD)


def ensure_account(spec: DemoAccount, organisation=None) -> User:
    """Create or update the account, restore its password and give it exactly its role."""
    user, _ = User.objects.update_or_create(
        username=spec.username,
        defaults={
            "display_name": spec.display_name,
            "kind": spec.kind,
            "department": department(spec.department) if spec.department else None,
            "organisation": organisation,
            "is_active": True,
            "is_staff": spec.superuser,
            "is_superuser": spec.superuser,
        },
    )
    if not check_password(DEMO_PASSWORD, user.password):
        # Restored, not chosen again: the policy refuses an unchanged password.
        password_validation.validate_password(DEMO_PASSWORD, user)
    user.password = _password_hash(tuple(settings.PASSWORD_HASHERS))
    user.save(update_fields=["password"])
    user.roles.set([Role.objects.get(code=spec.role)])
    return user


def organisation_accounts() -> list[DemoAccount]:
    return [spec for spec in DEMO_ACCOUNTS if spec.organisation]


def account_rows() -> list[tuple[str, str, str, str, str]]:
    """(role, username, password, display name, what they may see) of every demo account."""
    role_names = dict(Role.objects.values_list("code", "name"))
    return [
        (
            role_names.get(spec.role, spec.role),
            spec.username,
            DEMO_PASSWORD,
            spec.display_name,
            spec.sees,
        )
        for spec in DEMO_ACCOUNTS
    ]


def load(stdout) -> None:
    staff_accounts = [spec for spec in DEMO_ACCOUNTS if not spec.organisation]
    for spec in staff_accounts:
        ensure_account(spec)
    stdout.write(f"演示账号:{len(staff_accounts)} 个(企业/机构账号随主体库创建)")
