"""The demo data set: the published figures come out of the registry's queries, a second load
changes nothing, and each demo account sees what its role's data scope allows.

The expected values are read from seed-facts.yaml (the shared spec beside the repository, or
the copy in docs/), so the test and the spec cannot drift apart.
"""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from kechuang.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from kechuang.accounts.models import User
from kechuang.audit.models import AuditEvent
from kechuang.registry.domain.queries import (
    above_scale,
    enterprises_in_chain,
    holders,
    output_value_sum,
)
from kechuang.registry.enums import IndustryChain, QualificationKind
from kechuang.registry.models import EnterpriseYear, Organisation, Person, Qualification

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]
FACTS_FILES = (
    REPO_ROOT.parent / "shared" / "spec" / "seed-facts.yaml",
    REPO_ROOT / "docs" / "seed-facts.yaml",
)
WAN_PER_YI = Decimal(10_000)  # figures are kept in 万元, published in 亿元


def seed_facts() -> dict[str, dict]:
    path = next(p for p in FACTS_FILES if p.exists())
    return {fact["id"]: fact for fact in yaml.safe_load(path.read_text(encoding="utf-8"))}


def yu_range(value: int) -> range:
    """“N余”: more than N, below the next step of N's last non-zero digit (80余 → 81..89)."""
    step = 1
    while value % (step * 10) == 0:
        step *= 10
    return range(value + 1, value + step)


def assert_fact(fact: dict, key: str, actual) -> None:
    expected = fact["value"][key]
    op = fact["op"]
    if isinstance(op, dict):
        op = op.get(key, op.get("default"))
    if isinstance(expected, float):
        expected = Decimal(str(expected))
    if op == "eq":
        assert actual == expected, f"{fact['id']}.{key}"
    elif op == "yu":
        assert actual in yu_range(expected), f"{fact['id']}.{key}: {actual}"
    else:
        pytest.fail(f"{fact['id']}.{key}: op {op!r} is not checked here")


def yi_yuan(wan_yuan: Decimal) -> Decimal:
    return (wan_yuan / WAN_PER_YI).quantize(Decimal("0.01"))


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module's read-only tests and rolled back after them.

    Each test still runs in its own savepoint (the ``django_db`` mark) inside this transaction,
    so nothing a test does, and none of the demo data, outlives the module.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def test_new_materials_figures(demo):
    fact = seed_facts()["industry.new_materials"]
    year, on = fact["as_of"], dt.date(fact["as_of"], 12, 31)
    chain = enterprises_in_chain(IndustryChain.NEW_MATERIALS)

    assert_fact(fact, "enterprises", chain.count())
    assert_fact(fact, "above_scale", above_scale(chain, year).count())
    assert_fact(fact, "output_yi_yuan", yi_yuan(output_value_sum(chain, year)))
    assert_fact(fact, "high_tech", holders(chain, QualificationKind.NATIONAL_HIGH_TECH, on).count())
    assert_fact(
        fact, "provincial_tech", holders(chain, QualificationKind.PROVINCIAL_TECH, on).count()
    )


def test_electronic_info_figures(demo):
    fact = seed_facts()["industry.electronic_info"]
    year = fact["as_of"]
    leaders = above_scale(enterprises_in_chain(IndustryChain.ELECTRONIC_INFO), year)

    assert_fact(fact, "above_scale", leaders.count())
    assert_fact(fact, "output_yi_yuan", yi_yuan(output_value_sum(leaders, year)))


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
    models = (Organisation, EnterpriseYear, Qualification, Person, User, AuditEvent)
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
