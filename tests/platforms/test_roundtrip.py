"""An export re-imports unchanged: the lists of incubators, tenancies, new-type R&D institutes,
their talents and R&D institutions, written out with every column filled, read back as
"unchanged" (no update, no audit event of one)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.core.enums import ImportStatus
from kechuang.platforms.enums import IncubatorKind, PlatformLevel, TenancyEnd
from kechuang.platforms.models import Incubator, Institute, InstituteTalent, RDInstitution, Tenancy
from kechuang.registry.models import Zone
from kechuang.registry.reference import HIGH_TECH_ZONE
from tests.excel import confirm, upload
from tests.excel import download as exported
from tests.factories import OrganisationFactory

from .factories import IncubatorFactory, TenancyFactory, World

pytestmark = pytest.mark.django_db

MODELS = {
    "incubator": Incubator,
    "tenancy": Tenancy,
    "institute": Institute,
    "institutetalent": InstituteTalent,
    "rdinstitution": RDInstitution,
}


@pytest.fixture
def w(make_user):
    return World(make_user)


def every_column_filled(w):
    east = w.ours
    operator = OrganisationFactory(name="孵化器运营公司", town=w.east)
    IncubatorFactory(
        code="full-incubator",
        name="满格孵化器",
        kind=IncubatorKind.MAKER_SPACE,
        level=PlatformLevel.PROVINCIAL,
        operator=operator,
        town=w.east,
        zone=Zone.objects.get(code=HIGH_TECH_ZONE),
        address="东平台镇一号",
        floors=6,
        building_area_m2=Decimal("12000.50"),
        incubation_area_m2=Decimal("8000"),
        investment=Decimal("3500.25"),
        opened_on=dt.date(2019, 5, 1),
    )
    IncubatorFactory(code="shanghai-incubator", name="上海飞地", town=None, off_site_city="上海")
    TenancyFactory(
        incubator=east["incubator"],
        enterprise=OrganisationFactory(name="已毕业企业有限公司"),
        entered_on=dt.date(2019, 1, 1),
        exited_on=dt.date(2022, 6, 30),
        exit_reason=TenancyEnd.GRADUATED,
    )


@pytest.mark.parametrize("name", MODELS)
def test_an_export_reimports_unchanged(client, w, name):
    client.force_login(w.staff)
    every_column_filled(w)
    model = MODELS[name]
    before = list(model.objects.order_by("pk").values())
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    content, rows = exported(client, reverse(f"platforms:{name}-export"))

    assert len(rows) - 1 == model.objects.count() >= 2
    _, job = upload(client, f"platforms.{name}", content)
    assert job.status == ImportStatus.READY, job.errors
    assert {p["action"] for p in job.preview} == {"update"}
    job = confirm(client, job)
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 0)
    assert job.unchanged_count == len(before)
    assert list(model.objects.order_by("pk").values()) == before
    assert not AuditEvent.objects.filter(pk__gt=last_event, action="update").exists()
