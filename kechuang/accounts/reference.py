"""Reference data of accounts: the bureau's department tree and the roles it ships with.

Departments are keyed by (parent, name) and roles by code, so running the loader again updates
them in place. A role's permissions and custom departments are replaced, not appended to, so
the definitions below stay the truth after a re-run.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from kechuang.discovery import project_modules

from .enums import DataScope, DepartmentKind, RoleCode
from .models import Department, Role

BUREAU = "平湖市科学技术局"
SECTIONS = ("办公室", "综合计划科", "高新技术科", "农村科技科", "防震减灾科(地震办)")
TOWN_GROUP = "镇街道科技办"
# The city's subdistricts and towns in the order of their division codes (see registry).
TOWNS = (
    "当湖街道",
    "钟埭街道",
    "曹桥街道",
    "乍浦镇",
    "新埭镇",
    "新仓镇",
    "广陈镇",
    "林埭镇",
    "独山港镇",
)

# A role the platform does not ship as a RoleCode: an example of a custom data scope, a liaison
# who follows the enterprises of the two towns that host the port and chemical parks.
ZONE_LIAISON = "zone_liaison"
ZONE_LIAISON_TOWNS = ("乍浦镇", "独山港镇")

# The project's own apps: an administrator's role carries every permission they define.
PROJECT_APPS = ("core", "accounts", "audit", "registry", "platforms", "indicators")
REGISTRY_RECORDS = ("organisation", "enterpriseyear", "qualification", "person")
IMPORT_ORGANISATIONS = "registry.import_organisation"
EXPORT_ORGANISATIONS = "registry.export_organisation"


def town_office_name(town: str) -> str:
    """The department of a town's science and technology office, e.g. 当湖街道科技办."""
    return f"{town}科技办"


def department(name: str) -> Department:
    """A department by name (names are unique across the shipped tree)."""
    return Department.objects.get(name=name)


# Departments ---------------------------------------------------------------------------------


def _department(name: str, kind: str, parent: Department | None, sort: int) -> Department:
    obj, _ = Department.objects.update_or_create(
        name=name, parent=parent, defaults={"kind": kind, "sort": sort}
    )
    return obj


def load_departments() -> None:
    root = _department(BUREAU, DepartmentKind.BUREAU, None, 0)
    for sort, name in enumerate(SECTIONS, start=1):
        _department(name, DepartmentKind.SECTION, root, sort)
    group = _department(TOWN_GROUP, DepartmentKind.GROUP, root, len(SECTIONS) + 1)
    for sort, town in enumerate(TOWNS, start=1):
        _department(town_office_name(town), DepartmentKind.TOWN_OFFICE, group, sort)


# Roles ---------------------------------------------------------------------------------------

PermissionSource = Callable[[], QuerySet]


def named(*perms: str) -> PermissionSource:
    """Exactly these permissions ("app_label.codename"); a missing one is an error."""

    def resolve() -> QuerySet:
        condition = Q(pk__in=[])
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            condition |= Q(content_type__app_label=app_label, codename=codename)
        found = Permission.objects.filter(condition)
        if found.count() != len(set(perms)):
            have = {f"{p.content_type.app_label}.{p.codename}" for p in found}
            raise LookupError(f"Unknown permissions: {sorted(set(perms) - have)}")
        return found

    return resolve


def registry(actions: Iterable[str], models: Iterable[str] = REGISTRY_RECORDS) -> list[str]:
    return [f"registry.{action}_{model}" for model in models for action in actions]


def every_view_of(app_label: str, *extra: str) -> PermissionSource:
    """The view permission of every model of an app, plus ``extra`` named permissions."""

    def resolve() -> QuerySet:
        views = Permission.objects.filter(
            content_type__app_label=app_label, codename__startswith="view_"
        )
        if not extra:
            return views
        return views | named(*extra)()

    return resolve


def every_permission_of(*app_labels: str) -> PermissionSource:
    return lambda: Permission.objects.filter(content_type__app_label__in=app_labels)


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    data_scope: str
    permissions: PermissionSource
    custom_departments: tuple[str, ...] = ()


ROLES = [
    RoleSpec(RoleCode.ADMIN, "系统管理员", DataScope.ALL, every_permission_of(*PROJECT_APPS)),
    RoleSpec(
        RoleCode.LEADER, "局领导", DataScope.ALL, every_view_of("registry", EXPORT_ORGANISATIONS)
    ),
    RoleSpec(
        RoleCode.STAFF,
        "科室人员",
        DataScope.ALL,
        named(
            *registry(("view", "add", "change", "delete")),
            IMPORT_ORGANISATIONS,
            EXPORT_ORGANISATIONS,
        ),
    ),
    RoleSpec(
        RoleCode.TOWN_OFFICER,
        "镇街道科技干部",
        DataScope.DEPARTMENT,
        named(*registry(("view",)), "registry.change_enterpriseyear", EXPORT_ORGANISATIONS),
    ),
    RoleSpec(
        # Organisation users are held to their own organisation by scope.py whatever the scope.
        RoleCode.ORGANISATION,
        "企业/机构用户",
        DataScope.SELF,
        named(
            *registry(("view", "change"), ("organisation",)),
            *registry(("view", "add", "change"), ("enterpriseyear", "person")),
            "registry.view_qualification",
        ),
    ),
    RoleSpec(RoleCode.EXPERT, "专家", DataScope.SELF, named()),
    RoleSpec(
        RoleCode.COMMISSIONER, "科技特派员", DataScope.SELF, named("registry.view_organisation")
    ),
    RoleSpec(
        ZONE_LIAISON,
        "开发区联络员",
        DataScope.CUSTOM,
        named(*registry(("view",))),
        custom_departments=tuple(town_office_name(town) for town in ZONE_LIAISON_TOWNS),
    ),
]


def area_grants() -> dict[str, list[str]]:
    """Permissions the later areas give the shipped roles: each area's ``reference.py`` may
    declare ``ROLE_GRANTS = {role code: ["app.codename", …]}`` next to its own data."""
    grants: dict[str, list[str]] = {}
    for module in project_modules("reference"):
        for code, perms in getattr(module, "ROLE_GRANTS", {}).items():
            grants.setdefault(code, []).extend(perms)
    return grants


def load_roles() -> None:
    grants = area_grants()
    for sort, spec in enumerate(ROLES, start=1):
        role, _ = Role.objects.update_or_create(
            code=spec.code,
            defaults={"name": spec.name, "data_scope": spec.data_scope, "sort": sort},
        )
        # One set() with everything: a second load neither removes nor re-adds anything.
        role.permissions.set(spec.permissions() | named(*grants.get(spec.code, ()))())
        role.custom_departments.set([department(name) for name in spec.custom_departments])


def load() -> None:
    load_departments()
    load_roles()
