import pytest

from kechuang.core.domain.choices import code_list_choices
from kechuang.core.enums import CodeList
from kechuang.registry.interfaces.filters import town_choices
from tests.factories import CodeItemFactory, TownFactory

# The reference data (tests/conftest.py), loaded again if a transactional test emptied the
# tables before these ran in the same worker: new items come after it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_choices_are_cached_and_forgotten_when_an_item_is_saved(django_assert_num_queries):
    chains = code_list_choices(CodeList.INDUSTRY_CHAIN)
    shipped = chains()
    assert ("new_materials", "新材料") in shipped

    with django_assert_num_queries(0):
        assert chains() == shipped

    CodeItemFactory(code_list=CodeList.INDUSTRY_CHAIN, code="quantum", name="量子信息", sort=99)
    assert chains() == [*shipped, ("quantum", "量子信息")]


def test_town_choices_follow_new_towns():
    shipped = town_choices()
    assert ("330482101", "乍浦镇") in shipped

    TownFactory(code="330482999", name="新设镇")

    assert town_choices() == [*shipped, ("330482999", "新设镇")]


def test_labels_follow_the_language():
    from django.utils import translation

    titles = code_list_choices(CodeList.TITLE)

    with translation.override("en"):
        assert ("professor", "Professor") in titles()
    with translation.override("zh-hans"):
        assert ("professor", "教授") in titles()
