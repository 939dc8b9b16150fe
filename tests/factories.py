"""factory-boy factories for tests. Each makes what it needs; none needs the demo data."""

import datetime as dt
import itertools

import factory
from django.contrib.auth.models import Permission

from kechuang.accounts.enums import DataScope, DepartmentKind, UserKind
from kechuang.accounts.models import Department, Role, User
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.registry.domain.uscc import make_uscc
from kechuang.registry.enums import OrganisationKind, TownLevel
from kechuang.registry.models import EnterpriseYear, Organisation, Person, Qualification, Town

PASSWORD = "Test-pass-2026!"
_seeds = itertools.count(50_000_000)

REGISTRY_PERMS = [
    f"registry.{action}_{model}"
    for model in ("organisation", "enterpriseyear", "qualification", "person")
    for action in ("view", "add", "change", "delete")
] + ["registry.import_organisation", "registry.export_organisation"]


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"科室{n}")
    kind = DepartmentKind.SECTION


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"330482{200 + n:03d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = TownLevel.TOWN
    office = factory.SubFactory(
        DepartmentFactory, name=factory.SelfAttribute("..name"), kind=DepartmentKind.TOWN_OFFICE
    )


class CodeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeItem
        django_get_or_create = ("code_list", "code")

    code_list = CodeList.INDUSTRY_CHAIN
    code = factory.Sequence(lambda n: f"code{n}")
    name = factory.Sequence(lambda n: f"项{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ENTERPRISE
    uscc = factory.LazyFunction(lambda: make_uscc(next(_seeds)))
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    town = factory.SubFactory(TownFactory)


class EnterpriseYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseYear

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2020
    output_value = 1000
    above_scale = False


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    organisation = factory.SubFactory(OrganisationFactory)
    kind = factory.SubFactory(
        CodeItemFactory,
        code_list=CodeList.QUALIFICATION_KIND,
        code="national_high_tech",
        name="国家高新技术企业",
    )
    number = factory.Sequence(lambda n: f"GR2020330{n:05d}")
    valid_from = dt.date(2020, 1, 1)
    valid_until = dt.date(2022, 12, 31)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"人员{n}")
    organisation = factory.SubFactory(OrganisationFactory)


def role(code: str, data_scope: str, perms=REGISTRY_PERMS, custom_departments=()) -> Role:
    obj, _ = Role.objects.update_or_create(
        code=code, defaults={"name": code, "data_scope": data_scope}
    )
    pairs = [p.split(".") for p in perms]
    obj.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in={a for a, _ in pairs}, codename__in={c for _, c in pairs}
        )
    )
    obj.custom_departments.set(custom_departments)
    return obj


def user(username: str, *, roles=(), **fields) -> User:
    obj = User.objects.create_user(username=username, password=PASSWORD, **fields)
    obj.roles.set(roles)
    return obj


def staff_user(
    username="staff", data_scope=DataScope.ALL, department=None, perms=REGISTRY_PERMS, **role_kw
):
    return user(
        username,
        kind=UserKind.STAFF,
        department=department,
        roles=[role(f"r-{username}", data_scope, perms, **role_kw)],
    )


def organisation_user(organisation, username="orguser"):
    perms = [
        "registry.view_organisation",
        "registry.change_organisation",
        "registry.view_enterpriseyear",
        "registry.add_enterpriseyear",
        "registry.view_qualification",
        "registry.view_person",
    ]
    return user(
        username,
        kind=UserKind.ORGANISATION,
        organisation=organisation,
        roles=[role("org", DataScope.SELF, perms)],
    )
