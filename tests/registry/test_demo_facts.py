"""The demo data set: certificates that do not count exist, a second load changes nothing, and
each demo account sees what its role's data scope allows. (The published figures are checked
through the indicators: tests/indicators/test_seed_facts.py.)
"""

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.db.models import Q

from kechuang.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from kechuang.accounts.models import User
from kechuang.audit.models import AuditEvent
from kechuang.platforms import models as platforms
from kechuang.registry.domain.queries import enterprises_in_chain, holders
from kechuang.registry.enums import IndustryChain, QualificationKind
from kechuang.registry.models import EnterpriseYear, Organisation, Person, Qualification
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


def test_certificates_not_valid_at_the_date_do_not_count(demo):
    """Expired, revoked and later certificates exist, and holders() leaves them out."""
    chain = enterprises_in_chain(IndustryChain.NEW_MATERIALS)
    certificates = Qualification.objects.filter(
        organisation__in=chain, kind__code=QualificationKind.NATIONAL_HIGH_TECH
    )
    end_of_2020 = dt.date(2020, 12, 31)

    assert certificates.filter(valid_until__lt=end_of_2020).exists()
    assert certificates.filter(revoked_on__lte=end_of_2020).exists()
    assert certificates.filter(valid_from__gt=end_of_2020).exists()
    holding = holders(chain, QualificationKind.NATIONAL_HIGH_TECH, end_of_2020).count()
    assert holding < certificates.values("organisation").distinct().count()


def test_seed_organisations_are_real_records_and_the_rest_is_marked_demo(demo):
    for name in (
        "独山能源",
        "平湖石化",
        "卫星能源",
        "传化天松",
        "高正新材料",
        "日本电产芝浦",
        "日本电产汽车马达",
        "日本电产三协",
        "科世科汽车部件",
        "宜兰汽车配件",
        "汉脑数码",
        "波江通信",
        "芯越微电子材料(嘉兴)有限公司",
        "宏利",
        "康达智",
        "华福医疗器械",
        "润泽国际信息港",
        "航天科工二院二十三所",
        "浙江省科技评估和成果转化中心",
        "平湖市职业中专",
    ):
        named = Q(name__contains=name) | Q(former_names__contains=name)
        assert Organisation.objects.filter(named, is_demo=False).exists(), name
    synthetic = Organisation.objects.filter(is_demo=True)
    assert synthetic.exists()
    assert not synthetic.exclude(name__endswith="(演示)").exists()
    assert Person.objects.filter(name="胡庆荣", is_demo=False).exists()


def test_loading_twice_changes_nothing():
    models = (
        Organisation,
        EnterpriseYear,
        Qualification,
        Person,
        User,
        AuditEvent,
        platforms.RDInstitution,
        platforms.RDInstitutionEvent,
        platforms.InstituteTalent,
        platforms.InstituteRecord,
        platforms.Tenancy,
        platforms.IncubatorTalent,
        platforms.SignedProject,
    )
    load_demo()
    first = {model: model.objects.count() for model in models}

    load_demo()

    # No new audit events either: every record was already as planned.
    assert {model: model.objects.count() for model in models} == first


def test_the_demo_accounts_are_listed_and_log_in_with_the_demo_password(demo):
    for spec in DEMO_ACCOUNTS:
        assert spec.username in demo
        user = authenticate(username=spec.username, password=DEMO_PASSWORD)
        assert user is not None, spec.username
        assert user.is_superuser == user.is_staff == (spec.username == "admin")


def visible(username: str):
    return Organisation.objects.visible_to(User.objects.get(username=username))


def test_town_officer_sees_their_town_only(demo):
    danghu = Organisation.objects.filter(town__name="当湖街道")

    assert danghu.exists()
    assert set(visible("danghu")) == set(danghu)


def test_zone_liaison_sees_their_custom_departments_only(demo):
    towns = Organisation.objects.filter(town__name__in=["乍浦镇", "独山港镇"])

    assert towns.filter(town__name="乍浦镇").exists()
    assert towns.filter(town__name="独山港镇").exists()
    assert set(visible("liaison")) == set(towns)


def test_enterprise_user_sees_their_own_organisation_only(demo):
    assert [o.name for o in visible("dushan")] == ["浙江独山能源有限公司"]


def test_leader_sees_everything(demo):
    assert visible("ni.jianfeng").count() == Organisation.objects.count()
