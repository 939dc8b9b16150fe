import pytest

from kechuang.core.domain.choices import code_list_choices
from kechuang.core.enums import CodeList
from kechuang.registry.interfaces.filters import town_choices
from tests.factories import CodeItemFactory, TownFactory

pytestmark = pytest.mark.django_db


def test_choices_are_cached_and_forgotten_when_an_item_is_saved(django_assert_num_queries):
    CodeItemFactory(code_list=CodeList.INDUSTRY_CHAIN, code="new_materials", name="新材料")
    chains = code_list_choices(CodeList.INDUSTRY_CHAIN)
    assert chains() == [("new_materials", "新材料")]

    with django_assert_num_queries(0):
        assert chains() == [("new_materials", "新材料")]

    CodeItemFactory(code_list=CodeList.INDUSTRY_CHAIN, code="aerospace", name="航空航天", sort=9)
    assert chains() == [("new_materials", "新材料"), ("aerospace", "航空航天")]


def test_town_choices_follow_new_towns():
    TownFactory(code="330482101", name="乍浦镇")
    assert town_choices() == [("330482101", "乍浦镇")]

    TownFactory(code="330482102", name="新埭镇")

    assert town_choices() == [("330482101", "乍浦镇"), ("330482102", "新埭镇")]


def test_labels_follow_the_language():
    from django.utils import translation

    CodeItemFactory(code_list=CodeList.TITLE, code="professor", name="教授", name_en="Professor")
    titles = code_list_choices(CodeList.TITLE)

    with translation.override("en"):
        assert titles() == [("professor", "Professor")]
    with translation.override("zh-hans"):
        assert titles() == [("professor", "教授")]
