"""The record-type declaration (``registry.record_types``): what it derives from the model —
one strict parser per cell type, filters named the same for pages and API, the first order of
the list, the menu — checked on the earthquake-prevention types declared with it."""

import datetime as dt

import pytest
from django.utils import translation

from kechuang.accounts.enums import RoleCode
from kechuang.core.domain.imports import RowError
from kechuang.core.interfaces.excel import cell_text
from kechuang.registry.interfaces.record_import import Row
from kechuang.registry.record_types import (
    CodeItemsCell,
    DateCell,
    RecordType,
    TownCell,
    YearCell,
    YesNoCell,
    menu,
)
from kechuang.seismic.enums import OutreachKind, ShelterFacility, TrainingKind
from kechuang.seismic.record_types import (
    AssessmentType,
    HouseDesignType,
    OutreachEventType,
    SafetyEvaluationType,
    ShelterType,
    StationUpgradeType,
    TrainingType,
)
from tests.factories import TownFactory
from tests.seismic.factories import shelter_facility

pytestmark = pytest.mark.django_db


def reader(record_type: RecordType, user, values: dict):
    """A row of ``values`` (by field name) as the declared import reads it."""
    importer = record_type.Importer(user)
    cells = [[values.get(c.field, "") for c in record_type.excel_columns]]
    importer.positions = {c.field: i for i, c in enumerate(record_type.excel_columns)}
    importer.prepare(cells)
    return importer, Row(importer, dict(values), dict(values))


def cell(record_type, name):
    return record_type.instance.cell(name)


def test_each_field_reads_with_the_parser_of_its_type():
    assert isinstance(cell(HouseDesignType, "year"), YearCell)
    assert isinstance(cell(HouseDesignType, "selected"), YesNoCell)
    assert isinstance(cell(TrainingType, "held_on"), DateCell)
    assert isinstance(cell(TrainingType, "town"), TownCell)
    assert isinstance(cell(ShelterType, "facilities"), CodeItemsCell)


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"year": "1800", "title": "户型"}, "年度", "不是有效年度"),
        ({"year": "2020.5", "title": "户型"}, "年度", "不是整数"),
        ({"year": "2020", "title": "户型", "selected": "也许"}, "入选", "“是”或“否”"),
        ({"year": "2020", "title": ""}, "户型图名称", "为空"),
    ],
)
def test_a_bad_cell_names_its_column(make_user, values, column, words):
    importer, row = reader(HouseDesignType.instance, make_user(RoleCode.STAFF), values)
    with pytest.raises(RowError) as raised:
        importer.read(row)
    assert raised.value.column == column
    assert words in raised.value.message


def test_a_date_outside_1900_to_2100_is_refused(make_user):
    values = {"held_on": "2150-01-01", "title": "培训", "attendees": "3"}
    importer, row = reader(TrainingType.instance, make_user(RoleCode.STAFF), values)
    with pytest.raises(RowError) as raised:
        importer.read(row)
    assert raised.value.column == "培训日期"


def test_a_choice_reads_its_code_or_its_label_in_either_language(make_user):
    staff = make_user(RoleCode.STAFF)
    base = {"held_on": "2020-05-12", "title": "宣传", "participants": ""}
    with translation.override("zh-hans"):
        chinese = str(OutreachKind.DRILL.label)
    for text in ("drill", chinese, "Drill"):
        importer, row = reader(OutreachEventType.instance, staff, {**base, "kind": text})
        assert importer.read(row)["kind"] == "drill", text


def test_an_empty_cell_of_a_field_with_a_default_takes_the_default(make_user):
    values = {"held_on": "2020-05-12", "title": "宣传", "kind": "drill"}
    importer, row = reader(OutreachEventType.instance, make_user(RoleCode.STAFF), values)
    assert importer.read(row)["participants"] == 0
    values = {"held_on": "2020-07-15", "title": "培训", "attendees": "30"}
    importer, row = reader(TrainingType.instance, make_user(RoleCode.STAFF), values)
    read = importer.read(row)
    assert (read["kind"], read["town_id"]) == (TrainingKind.RURAL_BUILDERS, None)


def test_code_items_are_read_by_name_or_code_and_an_unknown_one_is_named(make_user):
    water = shelter_facility(ShelterFacility.WATER, "应急供水")
    power = shelter_facility(ShelterFacility.POWER, "应急供电")
    town = TownFactory(name="东震镇")
    staff = make_user(RoleCode.STAFF)
    values = {
        "name": "公园",
        "town": town.name,
        "shelter_class": "2",
        "effective_area": "3000",
        "facilities": f"应急供电、{ShelterFacility.WATER}",
    }
    importer, row = reader(ShelterType.instance, staff, values)
    assert importer.read(row)["facilities"] == sorted([water.pk, power.pk])
    importer, row = reader(ShelterType.instance, staff, {**values, "facilities": "直升机坪"})
    with pytest.raises(RowError, match="直升机坪"):
        importer.read(row)


def test_the_year_filter_is_named_year_for_pages_and_api_alike():
    assert {"year", "held_from", "held_to"} <= set(TrainingType.instance.Filter.base_filters)
    assert "year" in SafetyEvaluationType.instance.Filter.base_filters
    # A record with a year field of its own: ?year= is that field.
    assert HouseDesignType.instance.Filter.base_filters["year"].field_name == "year"
    assert TrainingType.instance.ViewSet.filterset_class is TrainingType.instance.Filter


def test_the_list_starts_in_the_models_order_as_a_column_that_sorts_so():
    assert TrainingType.instance.default_sort == "-held_on"
    assert AssessmentType.instance.default_sort == "-year"
    assert ShelterType.instance.default_sort == "town"
    keys = {c.key for c in ShelterType.instance.list_columns if c.sort}
    assert "facilities" not in keys  # many-to-many: no sort


def test_a_child_record_has_no_create_button_of_its_own_and_is_a_section_of_its_parent():
    upgrades = StationUpgradeType.instance
    assert upgrades.List.creatable is False
    assert "station" not in upgrades.Form.base_fields
    from kechuang.seismic.record_types import MonitoringStationType

    assert MonitoringStationType.instance.child_types() == [upgrades]


def test_the_menu_lists_what_the_user_may_see(make_user):
    staff = {e["key"] for e in menu("seismic", make_user(RoleCode.STAFF))}
    owner = {e["key"] for e in menu("seismic", make_user(RoleCode.ORGANISATION))}
    assert {"safetyevaluation", "training", "budgetline"} <= staff
    # An organisation's own projects, their inspections and the reports about them.
    assert owner == {"constructionproject", "inspection", "safetyevaluation"}
    first = [e["key"] for e in menu("seismic", make_user(RoleCode.STAFF))][:2]
    assert first == ["constructionproject", "inspection"]  # the declaration order


def test_the_export_writes_what_the_import_reads_back(make_user):
    from tests.seismic.factories import TrainingFactory

    training = TrainingFactory(town=TownFactory(name="东震镇"), held_on=dt.date(2020, 7, 15))
    row = TrainingType.instance.row(training)
    assert row["town"] == "东震镇" and row["kind"] == training.get_kind_display()
    texts = {field: cell_text(value) for field, value in row.items()}
    importer, parsed = reader(TrainingType.instance, make_user(RoleCode.STAFF), texts)
    read = importer.read(parsed)
    assert (read["held_on"], read["town_id"], read["attendees"]) == (
        training.held_on,
        training.town_id,
        training.attendees,
    )


def test_a_menu_entry_has_its_own_words_and_a_child_record_none(make_user):
    with translation.override("en"):
        entries = {e["key"]: str(e["label"]) for e in menu("platforms", make_user(RoleCode.STAFF))}
    assert entries["signingevent"] == "Investment signings"
    assert "signedproject" not in entries and "majorprojectstage" not in entries
    assert list(entries)[:4] == [
        "rdinstitution",
        "certificationapplication",
        "institute",
        "institutereport",
    ]
    assert entries["institute"] == "New-type R&D institutes"


def test_an_empty_yes_no_cell_takes_the_fields_default(make_user):
    from kechuang.projects.record_types import ExpertType

    staff = make_user(RoleCode.STAFF)
    _importer, empty = reader(HouseDesignType.instance, staff, {"selected": ""})
    assert cell(HouseDesignType, "selected").read(empty, None) == {"selected": False}
    _importer, empty = reader(ExpertType.instance, staff, {"available": ""})
    assert cell(ExpertType, "available").read(empty, None) == {"available": True}  # default
    _importer, said = reader(ExpertType.instance, staff, {"available": "否"})
    assert cell(ExpertType, "available").read(said, None) == {"available": False}
