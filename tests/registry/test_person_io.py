"""The people list (人才) to and from Excel: the export is exactly the filtered list in the
person import's columns and re-imports unchanged; a row edited in Excel updates its person; a
bad cell is named by row and column and nothing is written. Personal data: only the roles that
export organisations export people (the town officer within their town), only staff import."""

import pytest
from django.urls import reverse

from kechuang.accounts.enums import RoleCode
from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList, ImportStatus
from kechuang.core.models import CodeItem
from kechuang.registry.declarations import PersonType
from kechuang.registry.enums import Degree, TalentLevel, Title
from kechuang.registry.models import Person
from tests import excel
from tests.excel import confirm, download, workbook
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db
KEY = "registry.person"
PERSON_COLUMNS = PersonType.instance.excel_columns
HEADERS = [c.header for c in PERSON_COLUMNS]


def item(code_list, code):
    return CodeItem.objects.get(code_list=code_list, code=code)


@pytest.fixture
def people(world, reference_data):
    """The world's two people, and at the east enterprise a fully described professor, a
    person at a university without a credit code, and a person of no organisation."""
    university = OrganisationFactory(name="东镇理工学院", uscc=None, town=world.east)
    return {
        "east": world.records[world.ours.pk]["person"],
        "west": world.records[world.theirs.pk]["person"],
        "professor": PersonFactory(
            name="李教授",
            organisation=world.ours,
            title=item(CodeList.TITLE, Title.PROFESSOR),
            talent_level=item(CodeList.TALENT_LEVEL, TalentLevel.NATIONAL),
            degree=item(CodeList.DEGREE, Degree.DOCTORATE),
            position="首席科学家",
            field="高分子材料",
        ),
        "lecturer": PersonFactory(name="王讲师", organisation=university),
        "alone": PersonFactory(name="赵自由", organisation=None),
    }


@pytest.fixture
def staff(client, make_user):
    user = make_user(RoleCode.STAFF)
    client.force_login(user)
    return user


def exported(client, query="") -> tuple[bytes, list[list]]:
    return download(client, reverse("registry:person-export") + query)


def row(**values) -> list:
    return [values.get(c.field, "") for c in PERSON_COLUMNS]


def upload(client, content: bytes):
    return excel.upload(client, KEY, content, "人才.xlsx")


def test_an_export_reimports_unchanged(client, world, people, staff):
    before = list(Person.objects.order_by("pk").values())
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    content, rows = exported(client)

    assert rows[0] == HEADERS
    assert len(rows) - 1 == Person.objects.count() == 5
    professor = next(r for r in rows if r[0] == "李教授")
    assert professor == [
        "李教授",
        world.ours.uscc,
        "东方材料有限公司",
        "教授",
        "国家级人才",
        "博士",
        "首席科学家",
        "高分子材料",
    ]
    _, job = upload(client, content)
    assert job.status == ImportStatus.READY, job.errors
    assert {p["action"] for p in job.preview} == {"update"}
    job = confirm(client, job)
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 0)
    assert job.unchanged_count == 5
    assert list(Person.objects.order_by("pk").values()) == before
    assert not AuditEvent.objects.filter(pk__gt=last_event, action="update").exists()


def test_an_edited_row_updates_its_person_and_a_new_row_adds_one(client, world, people, staff):
    _, rows = exported(client, "?q=李教授")
    edited = list(rows[1])
    edited[HEADERS.index("职务")] = "研究院院长"
    edited[HEADERS.index("人才层次")] = TalentLevel.PROVINCIAL  # a code is read as well
    added = row(name="孙博士", organisation_name="西方电子有限公司", degree="Doctorate")

    _, job = upload(client, workbook([HEADERS, edited, added]))
    assert [p["action"] for p in job.preview] == ["update", "create"]
    job = confirm(client, job)

    professor = Person.objects.get(pk=people["professor"].pk)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 0)
    assert (professor.position, professor.talent_level.code) == ("研究院院长", "provincial")
    assert professor.version == 2
    update = AuditEvent.objects.for_object(professor).get(action="update")
    assert update.changes["position"] == ["首席科学家", "研究院院长"]
    newcomer = Person.objects.get(name="孙博士")
    assert (newcomer.organisation, newcomer.degree.code) == (world.theirs, Degree.DOCTORATE)
    assert newcomer.created_by == staff
    assert verify() is None


def test_a_bad_cell_is_named_and_nothing_is_written(client, world, people, staff):
    before = Person.objects.count()
    rows = [
        HEADERS,
        row(name="新人甲", organisation_uscc=world.ours.uscc),
        row(name="新人乙", organisation_uscc=world.ours.uscc, talent_level="宇宙级人才"),
        row(name="新人丙", organisation_name="查无此单位"),
        row(name="新人丁", position="长" * 101),
        row(title="教授"),
    ]

    _, job = upload(client, workbook(rows))

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "人才层次"),
        (4, "所属单位名称"),
        (5, "职务"),
        (6, "姓名"),
    ]
    assert "宇宙级人才" in job.errors[0]["message"]
    assert Person.objects.count() == before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_people_sharing_a_name_at_one_organisation_are_not_guessed(client, world, people, staff):
    PersonFactory(name="李教授", organisation=world.ours)

    _, job = upload(
        client, workbook([HEADERS, row(name="李教授", organisation_uscc=world.ours.uscc)])
    )

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "姓名")]


def test_the_export_is_exactly_the_filtered_scoped_list(client, world, people, staff, make_user):
    def names(query=""):
        return sorted(r[0] for r in exported(client, query)[1][1:])

    assert names("?q=东方") == sorted([people["east"].name, "李教授"])
    assert names(f"?organisation={world.theirs.pk}") == [people["west"].name]
    assert names(f"?talent_level={TalentLevel.NATIONAL}") == ["李教授"]
    assert names("?talent_level=nonsense") == []  # a bad filter value: no rows, not all
    client.force_login(make_user(RoleCode.TOWN_OFFICER, department=world.east.office))
    assert names() == sorted([people["east"].name, "李教授", "王讲师"])
    assert AuditEvent.objects.filter(action="export").count() == 5


def test_the_roles_that_export_organisations_export_people(client, world, people, make_user):
    """Leader, staff and the town officer export (as they do organisations); only staff
    import. Without the permission: a 403, and neither button on the list."""
    export_url = reverse("registry:person-export")
    import_url = reverse("core:import-upload", args=[KEY])
    allowed = {
        RoleCode.LEADER: (True, False),
        RoleCode.STAFF: (True, True),
        RoleCode.TOWN_OFFICER: (True, False),
        RoleCode.ORGANISATION: (False, False),
        "zone_liaison": (False, False),
    }
    for code, (exports, imports) in allowed.items():
        fields = {"organisation": world.ours} if code == RoleCode.ORGANISATION else {}
        if code == RoleCode.TOWN_OFFICER:
            fields["department"] = world.east.office
        user = make_user(code, **fields)
        client.force_login(user)
        assert user.has_perm("registry.export_organisation") == exports, code

        page = client.get(reverse("registry:person-list"))

        assert page.status_code == 200, code
        html = page.content.decode()
        assert (export_url in html, import_url in html) == (exports, imports), code
        assert client.get(export_url).status_code == (200 if exports else 403), code
        assert client.get(import_url).status_code == (200 if imports else 403), code
