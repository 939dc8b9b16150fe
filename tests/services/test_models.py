"""Commissioners and their assignments (who is active in a year), the models' own rules, and
the area's reference data and grants."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kechuang.accounts.enums import RoleCode
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.services import reference
from kechuang.services.enums import ActivityKind, CommissionerKind
from kechuang.services.models import Commissioner, ServiceAssignment
from tests.factories import OrganisationFactory, PersonFactory

from .factories import (
    CommissionerFactory,
    CommissionerMemberFactory,
    ServiceAssignmentFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_active_in_a_year_means_an_assignment_overlapping_it(reference_data):
    def serving(name, started_on, ended_on):
        return ServiceAssignmentFactory(
            commissioner=CommissionerFactory(name=name), started_on=started_on, ended_on=ended_on
        ).commissioner

    serving("2019年内", dt.date(2019, 3, 1), dt.date(2019, 12, 31))
    serving("跨2020年初", dt.date(2019, 6, 1), dt.date(2020, 1, 1))
    serving("跨2020年末", dt.date(2020, 12, 31), dt.date(2021, 6, 30))
    serving("未结束", dt.date(2018, 1, 1), None)
    serving("2021年起", dt.date(2021, 1, 1), None)
    twice = serving("两次派驻", dt.date(2020, 3, 1), dt.date(2020, 6, 30))
    ServiceAssignmentFactory(
        commissioner=twice, started_on=dt.date(2020, 9, 1), ended_on=dt.date(2020, 12, 1)
    )
    CommissionerFactory(name="未派驻")

    active = Commissioner.objects.active_in(2020)
    assert names(active) == ["两次派驻", "未结束", "跨2020年初", "跨2020年末"]
    assert active.count() == 4  # the commissioner with two assignments counted once
    assert names(Commissioner.objects.active_in(2019)) == ["2019年内", "未结束", "跨2020年初"]
    assert ServiceAssignment.objects.in_year(2020).count() == 5


def test_an_assignment_cannot_end_before_it_starts(reference_data):
    bad = ServiceAssignmentFactory.build(
        commissioner=CommissionerFactory(),
        town=ServiceAssignmentFactory().town,
        started_on=dt.date(2020, 5, 1),
        ended_on=dt.date(2020, 4, 1),
    )
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert "ended_on" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()


def test_commissioner_kinds(reference_data):
    organisation = OrganisationFactory()
    entity = Commissioner(name="法人特派员", kind=CommissionerKind.LEGAL_ENTITY)
    with pytest.raises(ValidationError) as caught:
        entity.full_clean()
    assert "organisation" in caught.value.message_dict
    entity.organisation = organisation
    entity.full_clean()

    team = Commissioner(name="团队", kind=CommissionerKind.TEAM, person=PersonFactory())
    with pytest.raises(ValidationError) as caught:
        team.full_clean()
    assert "person" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        team.save()

    individual = Commissioner(name="个人", organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        individual.save()

    wrong_year = Commissioner(name="个人", year=2019, appointed_on=dt.date(2020, 3, 1))
    with pytest.raises(ValidationError) as caught:
        wrong_year.full_clean()
    assert "year" in caught.value.message_dict


def test_only_teams_have_members_and_a_login_is_in_a_team_once(make_user):
    member = CommissionerMemberFactory.build(commissioner=CommissionerFactory())
    with pytest.raises(ValidationError) as caught:
        member.full_clean()
    assert "commissioner" in caught.value.message_dict

    team, login = TeamFactory(), make_user(RoleCode.COMMISSIONER)
    CommissionerMemberFactory(commissioner=team, user=login)
    CommissionerMemberFactory(commissioner=team)  # members without a login: any number
    CommissionerMemberFactory(commissioner=team)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionerMemberFactory(commissioner=team, user=login)
    assert team.acts_for(login)
    assert not CommissionerFactory().acts_for(login)


def test_reference_load_is_idempotent_and_keeps_administrators_edits(reference_data):
    kinds = CodeItem.objects.filter(code_list=CodeList.SERVICE_ACTIVITY_KIND)
    assert list(kinds.order_by("sort").values_list("name", flat=True)) == [
        "政策宣传",
        "技术培训",
        "现场指导",
        "技术咨询",
        "其他",
    ]
    kinds.filter(code=ActivityKind.OTHER).update(name="其他服务", active=False)
    CodeItem.objects.create(
        code_list=CodeList.SERVICE_ACTIVITY_KIND, code="demonstration", name="示范推广"
    )
    before = CodeItem.objects.count()
    reference.load()
    assert CodeItem.objects.count() == before
    other = kinds.get(code=ActivityKind.OTHER)
    assert (other.name, other.active) == ("其他服务", False)
    assert kinds.filter(code="demonstration").exists()


def test_grants(reference_data):
    def perms(code):
        role = reference_data.role(code)
        return {
            f"{app}.{codename}"
            for app, codename in role.permissions.values_list("content_type__app_label", "codename")
            if app == "services"
        }

    commissioner = perms(RoleCode.COMMISSIONER)
    assert commissioner == {
        "services.view_commissioner",
        "services.view_commissionermember",
        "services.view_serviceassignment",
        "services.view_activity",
        "services.add_activity",
        "services.change_activity",
        "services.import_activity",
        "services.export_activity",
    }
    officer = perms(RoleCode.TOWN_OFFICER)
    assert "services.change_fieldvisit" in officer
    assert "services.add_institutioncheck" in officer
    assert "services.view_activity" in officer
    assert "services.change_activity" not in officer
    assert not any("policy" in p for p in officer)
    for code in (RoleCode.STAFF, RoleCode.LEADER, RoleCode.ADMIN):
        assert set(reference.FULL) <= perms(code)
        assert "services.adopt_policyversion" in perms(code)


def test_field_names_and_help_texts_are_english_msgids():
    """Chinese comes from the catalogue: a msgid written in Chinese would show untranslated to
    an English reader."""
    import re

    from django.apps import apps
    from django.utils import translation

    from kechuang.core.models import TrackedModel

    cjk = re.compile(r"[\u3400-\u9fff]")
    shared = {field.name for field in TrackedModel._meta.get_fields()}
    with translation.override(None):
        texts = [
            (model.__name__, field.name, str(text))
            for model in apps.get_app_config("services").get_models()
            for field in model._meta.get_fields()
            if not field.auto_created and field.name not in shared
            for text in (getattr(field, "verbose_name", ""), getattr(field, "help_text", ""))
        ]
    assert texts
    assert [t for t in texts if cjk.search(t[2])] == []
