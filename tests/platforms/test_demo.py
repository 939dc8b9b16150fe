"""The platforms' demo data: only what the seeds name sits on real records, and loading again
keeps what people entered beside it."""

import datetime as dt

import pytest

from kechuang.platforms.demo import NAMED_INSTITUTIONS
from kechuang.platforms.enums import InstituteRecordKind
from kechuang.platforms.models import (
    Incubator,
    Institute,
    InstituteRecord,
    RDInstitution,
    Tenancy,
)
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


def test_real_enterprises_hold_only_the_certifications_the_seeds_name(demo):
    on_real_hosts = RDInstitution.objects.filter(host__is_demo=False)

    assert set(on_real_hosts.values_list("name", flat=True)) <= set(NAMED_INSTITUTIONS.values())
    assert not on_real_hosts.filter(is_demo=True).exists()
    assert not RDInstitution.objects.filter(host__is_demo=True, is_demo=False).exists()
    assert not RDInstitution.objects.filter(is_demo=True).exclude(name__endswith="(演示)").exists()


def test_loading_again_keeps_what_people_entered(demo, make_user):
    from kechuang.accounts.enums import RoleCode

    institute = Institute.objects.get(code="zjut")
    manager = make_user(RoleCode.ORGANISATION, organisation=institute.organisation)
    entered = InstituteRecord.objects.create(
        institute=institute,
        kind=InstituteRecordKind.SERVICE,
        name="为某企业检测复合材料",
        occurred_on=dt.date(2021, 3, 1),
        created_by=manager,
    )

    incubator = Incubator.objects.get(code="zhangjiang")
    tenant = Tenancy.objects.create(
        incubator=incubator,
        enterprise=institute.organisation,
        entered_on=dt.date(2021, 5, 1),
        created_by=manager,
    )

    load_demo()

    assert InstituteRecord.objects.filter(pk=entered.pk).exists()
    assert Tenancy.objects.filter(pk=tenant.pk).exists()


def test_the_named_institutions_are_there(demo):
    for (host, _level), name in NAMED_INSTITUTIONS.items():
        assert RDInstitution.objects.filter(host__name=host, name=name, is_demo=False).exists()
