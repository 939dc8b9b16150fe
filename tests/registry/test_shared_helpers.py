"""The helpers every area's Excel columns, exports and filters share (registry and core)."""

import pytest

from kechuang.core.domain.imports import YES, RowError, parse_yes_no
from kechuang.core.interfaces.excel import yes_no
from kechuang.core.interfaces.filters import SearchFilterSet, parent, search, year_filter
from kechuang.registry.interfaces.columns import organisation_columns
from kechuang.registry.interfaces.exporters import organisation_cells
from kechuang.registry.models import Organisation
from tests.factories import OrganisationFactory


def test_organisation_columns_are_the_credit_code_then_the_name():
    columns = organisation_columns("依托单位", "Host", "host")

    assert [(c.header, c.field, c.header_en) for c in columns] == [
        ("依托单位统一社会信用代码", "host_uscc", "Host USCC"),
        ("依托单位名称", "host_name", "Host name"),
    ]


def test_organisation_cells_write_an_empty_code_for_an_organisation_without_one():
    with_code = Organisation(name="平湖甲公司", uscc="91330482MA2B00001X")
    without_code = Organisation(name="平湖乙研究所", uscc=None)

    assert organisation_cells("host", with_code) == {
        "host_uscc": "91330482MA2B00001X",
        "host_name": "平湖甲公司",
    }
    assert organisation_cells("host", without_code) == {
        "host_uscc": "",
        "host_name": "平湖乙研究所",
    }
    assert organisation_cells("host", None) == {}


@pytest.mark.django_db
def test_search_finds_the_text_in_any_field_and_blank_text_finds_everything():
    first = OrganisationFactory(name="平湖光电科技有限公司")
    second = OrganisationFactory(name="嘉兴材料有限公司")
    everyone = Organisation.objects.filter(pk__in=[first.pk, second.pk])

    assert list(search(everyone, ("name",), " 光电 ")) == [first]
    assert set(search(everyone, ("name", "uscc"), "  ")) == {first, second}
    assert set(search(everyone, ("name",), None)) == {first, second}

    class Filter(SearchFilterSet):
        search_fields = ("name",)

        class Meta:
            model = Organisation
            fields = ["q"]

    assert list(Filter({"q": "材料"}, queryset=everyone).qs) == [second]


def test_parent_and_year_filters():
    assert parent(field_name="institute").field_name == "institute"
    assert parent().extra["widget"].is_hidden
    assert year_filter(field_name="held_on__year").field_name == "held_on__year"


def test_one_yes_no_reading_for_every_import_and_one_writing_for_every_export():
    assert [parse_yes_no(text, "列") for text in ("是", " Y ", "TRUE", "1")] == [True] * 4
    assert [parse_yes_no(text, "列") for text in ("否", "n", "False", "0")] == [False] * 4
    assert parse_yes_no("  ", "列") is None
    assert parse_yes_no("规上", "规上企业", yes=YES | {"规上"}) is True
    with pytest.raises(RowError) as refused:
        parse_yes_no("规上", "列")
    assert refused.value.column == "列"

    assert [yes_no(True), yes_no(False), yes_no(None)] == ["是", "否", ""]
