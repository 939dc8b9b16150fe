import pytest

from kechuang.registry.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_in_array_matches_like_in():
    first, second, _third = OrganisationFactory.create_batch(3)

    found = Organisation.objects.filter(uscc__in_array=[first.uscc, second.uscc, "NOPE"])

    assert sorted(found.values_list("pk", flat=True)) == sorted([first.pk, second.pk])
    assert Organisation.objects.filter(uscc__in_array=[]).count() == 0


def test_ilike_contains_ignores_case_and_matches_chinese():
    OrganisationFactory(name="Acme 新材料 Ltd")
    OrganisationFactory(name="其他公司")

    assert list(
        Organisation.objects.filter(name__ilike_contains="acme").values_list("name", flat=True)
    ) == ["Acme 新材料 Ltd"]
    assert list(
        Organisation.objects.filter(name__ilike_contains="新材料").values_list("name", flat=True)
    ) == ["Acme 新材料 Ltd"]
    assert Organisation.objects.filter(name__ilike_contains="50%").count() == 0
