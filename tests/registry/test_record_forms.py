"""The registry's record form, the base of the areas' record forms: the version it carries,
the towns and organisations it offers (within the user's scope, and what the record already
names), the active code-list items, and the parent of a child record."""

import pytest

from kechuang.core.enums import CodeList
from kechuang.platforms.interfaces import forms as platform_forms
from kechuang.platforms.record_types import AgriPlatformType
from kechuang.registry.interfaces import record_forms
from kechuang.registry.models import Organisation, Person, Qualification
from kechuang.seismic.interfaces import forms as seismic_forms
from kechuang.services.interfaces import forms as services_forms
from kechuang.services.record_types import CommissionerType
from tests.factories import CodeItemFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


class OrganisationRecordForm(record_forms.RecordForm):
    town_fields = ("town",)
    active_code_items = True

    class Meta:
        model = Organisation
        fields = ["name", "town", "chains"]


class PersonRecordForm(record_forms.RecordForm):
    owner_fields = ("organisation",)

    class Meta:
        model = Person
        fields = ["name", "organisation", "talent_level"]


class EveryOrganisationForm(record_forms.RecordForm):
    owner_fields = record_forms.ALL_ORGANISATIONS

    class Meta:
        model = Person
        fields = ["name", "organisation"]


class QualificationRecordForm(record_forms.ChildMixin, record_forms.RecordForm):
    parent = "organisation"
    active_code_items = True

    class Meta:
        model = Qualification
        fields = ["kind", "valid_from"]


def choices(form, name):
    return set(form.fields[name].queryset)


def test_a_versioned_record_carries_its_version_and_another_does_not(world):
    world.ours.version = 4
    world.ours.save(update_fields=["version"])
    edit = OrganisationRecordForm(instance=world.ours, user=world.staff)
    assert edit.fields["version"].initial == 4
    assert isinstance(edit.fields["version"].widget, record_forms.forms.HiddenInput)
    assert OrganisationRecordForm(user=world.staff).fields["version"].initial is None
    qualification = world.records[world.ours.pk]["qualification"]
    assert "version" not in QualificationRecordForm(instance=qualification, user=world.staff).fields


def test_the_form_knows_its_user(world):
    assert PersonRecordForm(user=world.officer).user == world.officer


def test_a_town_officer_is_offered_their_towns_only_and_must_give_one(world):
    form = OrganisationRecordForm({"name": "新公司"}, user=world.officer)
    assert choices(form, "town") == {world.east}
    assert not form.is_valid()
    assert "town" in form.errors
    form = OrganisationRecordForm({"name": "新公司", "town": world.west.pk}, user=world.officer)
    assert not form.is_valid()
    assert "town" in form.errors
    form = OrganisationRecordForm({"name": "新公司", "town": world.east.pk}, user=world.officer)
    assert form.is_valid(), form.errors


def test_who_reaches_every_town_is_offered_them_all_and_may_leave_it_empty(world):
    form = OrganisationRecordForm({"name": "新公司"}, user=world.staff)
    assert {world.east, world.west} <= choices(form, "town")
    assert form.is_valid(), form.errors


def test_owner_fields_offer_the_organisations_the_user_sees(world):
    form = PersonRecordForm({"name": "张三", "organisation": world.theirs.pk}, user=world.officer)
    assert world.ours in choices(form, "organisation")
    assert world.theirs not in choices(form, "organisation")
    assert not form.is_valid()
    assert "organisation" in form.errors
    assert world.theirs in choices(PersonRecordForm(user=world.staff), "organisation")


def test_the_organisation_a_record_already_names_stays_on_offer(world):
    """Keeping it is no new reach: the record already names it."""
    person = world.records[world.theirs.pk]["person"]
    data = {"name": person.name, "organisation": world.theirs.pk, "version": person.version}
    form = PersonRecordForm(data, instance=person, user=world.officer)
    assert form.is_valid(), form.errors
    other = OrganisationFactory(town=world.west)
    assert other not in choices(form, "organisation")


def test_all_organisations_scopes_every_organisation_field(world):
    form = EveryOrganisationForm(user=world.officer)
    assert world.theirs not in choices(form, "organisation")
    assert world.ours in choices(form, "organisation")
    # Without owner fields, an organisation field is left as the model offers it.
    unscoped = type(
        "Unscoped",
        (record_forms.RecordForm,),
        {"Meta": type("Meta", (), {"model": Person, "fields": ["name", "organisation"]})},
    )
    assert world.theirs in choices(unscoped(user=world.officer), "organisation")


def test_active_code_items_offer_the_active_ones_and_what_the_record_has(world):
    kept = CodeItemFactory(code_list=CodeList.INDUSTRY_CHAIN, code="kept-chain")
    retired = CodeItemFactory(code_list=CodeList.INDUSTRY_CHAIN, code="retired-chain")
    held = CodeItemFactory(code_list=CodeList.INDUSTRY_CHAIN, code="held-chain")
    other_list = CodeItemFactory(code_list=CodeList.TALENT_LEVEL, code="not-a-chain")
    world.ours.chains.add(held)
    retired.active = held.active = False
    retired.save(update_fields=["active"])
    held.save(update_fields=["active"])

    new = choices(OrganisationRecordForm(user=world.staff), "chains")
    assert kept in new
    assert retired not in new and held not in new
    assert other_list not in new  # the field's own code list still limits it
    edit = choices(OrganisationRecordForm(instance=world.ours, user=world.staff), "chains")
    assert kept in edit and held in edit
    assert retired not in edit

    # Off by default: a form that does not ask for it offers the retired items too.
    person_form = PersonRecordForm(user=world.staff)
    retired_level = CodeItemFactory(code_list=CodeList.TALENT_LEVEL, code="old", active=False)
    assert retired_level in choices(person_form, "talent_level")


def test_a_child_form_keeps_its_parent_in_the_unique_checks(world):
    form = QualificationRecordForm({"valid_from": "2024-01-01"}, user=world.staff)
    form.instance.organisation = world.ours  # as the view sets it
    assert form.errors  # validated (the kind is missing)
    assert "organisation" not in form.fields
    assert "organisation" not in form._get_validation_exclusions()
    plain = type(
        "Plain",
        (record_forms.RecordForm,),
        {"Meta": type("Meta", (), {"model": Qualification, "fields": ["kind", "valid_from"]})},
    )
    plain_form = plain({"valid_from": "2024-01-01"}, user=world.staff)
    assert plain_form.errors
    assert "organisation" in plain_form._get_validation_exclusions()


@pytest.mark.parametrize("module", [platform_forms, seismic_forms, services_forms])
def test_every_area_record_form_is_the_registry_one(module):
    assert issubclass(module.RecordForm, record_forms.RecordForm)
    assert issubclass(module.ChildForm, record_forms.ChildMixin)
    assert issubclass(module.ChildForm, module.RecordForm)


def test_a_platform_record_keeps_the_owner_outside_the_editors_sight(world):
    """A platform edit once refused the host it already had when the editor did not see it;
    the shared form keeps it on offer (and still refuses another one out of sight)."""
    from kechuang.platforms import models

    platform = models.AgriPlatform.objects.create(
        name="农业平台", kind="platform", host=world.theirs, established_on="2020-01-01"
    )
    form = AgriPlatformType.instance.Form(instance=platform, user=world.officer)
    offered = form.fields["host"].queryset
    assert offered.filter(pk=world.theirs.pk).exists()
    assert offered.filter(pk=world.ours.pk).exists()
    assert not offered.filter(pk=OrganisationFactory(town=world.west).pk).exists()


def test_services_code_lists_offer_the_active_items(world):
    field = CodeItemFactory(code_list=CodeList.TECH_FIELD, code="retired-field", active=False)
    form = CommissionerType.instance.Form(user=world.staff)
    assert field not in choices(form, "field")
    commissioner = form.Meta.model.objects.create(
        kind="individual", name="李四", person=PersonFactory(organisation=world.ours), field=field
    )
    edit = CommissionerType.instance.Form(instance=commissioner, user=world.staff)
    assert field in choices(edit, "field")
