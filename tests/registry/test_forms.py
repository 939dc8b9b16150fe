import pytest
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.registry.domain.uscc import make_uscc
from kechuang.registry.models import Organisation

pytestmark = pytest.mark.django_db


def form_data(org, **changes):
    data = {
        "kind": org.kind,
        "uscc": org.uscc,
        "name": org.name,
        "town": org.town_id,
        "version": org.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_create_shows_field_errors_in_chinese(client, world):
    client.force_login(world.staff)

    response = client.post(
        reverse("registry:organisation-create"),
        {"kind": "enterprise", "uscc": "91110000710926094Q", "name": ""},
    )

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert errors["name"] == ["该字段是必填项。"]
    assert errors["uscc"] == [
        "按前17位计算，第18位校验码应为“P”，实际为“Q”。可能有字符输入有误，请核对。"
    ]
    assert Organisation.objects.filter(uscc="91110000710926094Q").count() == 0


def test_create_normalises_the_code_and_records_the_creator(client, world):
    client.force_login(world.staff)
    code = make_uscc(42)

    response = client.post(
        reverse("registry:organisation-create"),
        {
            "kind": "enterprise",
            "uscc": f" {code.lower()} ",
            "name": "新建公司",
            "town": world.east.pk,
        },
    )

    org = Organisation.objects.get(uscc=code)
    assert response.status_code == 302
    assert (org.name, org.created_by, org.version) == ("新建公司", world.staff, 1)
    assert AuditEvent.objects.for_object(org).filter(action="create").count() == 1


def test_duplicate_code_is_a_field_error(client, world):
    client.force_login(world.staff)

    response = client.post(
        reverse("registry:organisation-create"),
        {"kind": "enterprise", "uscc": world.ours.uscc, "name": "重复"},
    )

    assert response.context["form"].errors["uscc"] == ["具有 统一社会信用代码 的 单位 已存在。"]


def test_concurrent_edits_one_wins_the_other_is_told(client, world):
    client.force_login(world.staff)
    url = reverse("registry:organisation-edit", args=[world.ours.pk])
    opened = Organisation.objects.get(pk=world.ours.pk)

    first = client.post(url, form_data(opened, name="第一次修改"))
    second = client.post(url, form_data(opened, name="第二次修改"))

    world.ours.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert "已有其他人修改" in second.content.decode()
    assert (world.ours.name, world.ours.version) == ("第一次修改", 2)


def test_api_update_needs_the_current_version(client, world):
    client.force_login(world.staff)
    url = f"/api/v1/organisations/{world.ours.pk}/"

    missing = client.patch(url, {"name": "甲"}, content_type="application/json")
    ok = client.patch(url, {"name": "甲", "version": 1}, content_type="application/json")
    stale = client.patch(url, {"name": "乙", "version": 1}, content_type="application/json")

    world.ours.refresh_from_db()
    assert (missing.status_code, ok.status_code, stale.status_code) == (400, 200, 409)
    assert (world.ours.name, world.ours.version) == ("甲", 2)


def test_year_figures_for_the_same_year_twice_is_a_field_error(client, world):
    client.force_login(world.staff)

    response = client.post(
        reverse("registry:enterpriseyear-create", args=[world.ours.pk]),
        {"year": 2020, "output_value": "1.00"},
    )

    assert response.context["form"].errors["year"] == ["2020年度的数据已存在。"]


def test_qualification_period_is_checked(client, world):
    client.force_login(world.staff)
    kind = world.records[world.ours.pk]["qualification"].kind

    response = client.post(
        reverse("registry:qualification-create", args=[world.ours.pk]),
        {"kind": kind.pk, "valid_from": "2021-01-01", "valid_until": "2020-01-01"},
    )

    assert response.context["form"].errors["valid_until"] == ["有效期止早于有效期起。"]


def test_detail_page_shows_the_history(client, world):
    client.force_login(world.staff)
    url = reverse("registry:organisation-edit", args=[world.ours.pk])
    client.post(url, form_data(world.ours, name="改过的名字"))

    page = client.get(
        reverse("registry:organisation-detail", args=[world.ours.pk])
    ).content.decode()

    assert "变更历史" in page
    assert "东方材料有限公司 → 改过的名字" in page


def test_history_names_fields_and_related_records(client, world):
    client.force_login(world.staff)
    url = reverse("registry:organisation-edit", args=[world.ours.pk])
    client.post(url, form_data(world.ours, town=world.west.pk))

    history = client.get(reverse("registry:organisation-detail", args=[world.ours.pk])).context[
        "history"
    ]

    event, changes = history[0]
    assert event.action == "update"
    assert [(c.label, c.before, c.after) for c in changes] == [("镇街道", "东镇", "西镇")]


def test_organisation_history_includes_its_figures_and_qualifications(client, world):
    client.force_login(world.staff)
    figure = world.records[world.ours.pk]["year"]

    client.post(
        reverse("registry:enterpriseyear-edit", args=[world.ours.pk, figure.pk]),
        {"year": 2020, "output_value": "2500.00", "above_scale": "on"},
    )

    history = client.get(reverse("registry:organisation-detail", args=[world.ours.pk])).context[
        "history"
    ]
    event, changes = history[0]
    assert event.model == "registry.enterpriseyear"
    assert {(c.label, c.before, c.after) for c in changes} == {
        ("工业总产值（万元）", "1000.00", "2500.00"),
        ("规上企业", "否", "是"),
    }
