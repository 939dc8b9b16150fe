"""Excel imports of the services records: checked first — a file with a bad row is refused as a
whole, each bad row named with its column — then every row written, or none; a row updates the
record of the same natural key; an exported list re-imports unchanged. Activities and
assignments name their commissioner among those the importer may write for: a commissioner's
login imports only its own commissioner's records."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from kechuang.accounts.enums import DataScope, RoleCode, UserKind
from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent
from kechuang.core.domain.imports import importer_for
from kechuang.core.enums import CodeList, ImportStatus
from kechuang.core.models import ImportJob
from kechuang.registry.domain.uscc import make_uscc
from kechuang.registry.record_types import RECORD_TYPES
from kechuang.services.enums import (
    ActivityKind,
    CommissionerKind,
    HostKind,
    InstitutionStatus,
    LeaderKind,
)
from kechuang.services.models import (
    Activity,
    Commissioner,
    FieldVisit,
    ServiceAssignment,
    TrainingInstitution,
)
from kechuang.services.reference import ROLE_GRANTS
from tests.excel import confirm, upload
from tests.excel import workbook_of as workbook
from tests.factories import OrganisationFactory, PersonFactory, role, user

from .factories import (
    ActivityFactory,
    FieldVisitFactory,
    ServiceAssignmentFactory,
    TrainingInstitutionFactory,
    item,
)

pytestmark = pytest.mark.django_db


def columns_of(key: str):
    """The columns of an import (a declared record type's come from its declaration)."""
    return importer_for(key).columns


def imported(client, key, column_list, rows) -> ImportJob:
    _, job = upload(client, key, workbook(column_list, rows))
    assert job.status == ImportStatus.READY, job.errors
    return confirm(client, job)


def errors(job) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in job.errors]


def importing_commissioner(login):
    """A commissioner's login with the shipped commissioner grants (importing its own activity
    log among them), self data scope."""
    perms = ROLE_GRANTS[RoleCode.COMMISSIONER]
    assert "services.import_activity" in perms
    login.roles.set([role(f"importing-{login.pk}", DataScope.SELF, perms)])
    return login


def activity_row(commissioner, **values):
    return {
        "commissioner": commissioner.name,
        "held_on": "2020-08-01",
        "kind": "技术培训",
        "place": "村文化礼堂",
        "trainees": 30,
        "materials": 50,
        **values,
    }


# Commissioners ---------------------------------------------------------------------------------------


def test_commissioners_are_checked_then_imported_with_their_audit(client, w):
    client.force_login(w.staff)
    university = OrganisationFactory(name="嘉兴学院")
    cooperative = OrganisationFactory(name="平湖市农业技术合作社")
    rows = [
        {
            "name": "王农技",
            "kind": "individual",
            "employer_name": university.name,
            "field": "",
            "phone": "13800000000",
            "appointed_on": "2020-03-01",
            "year": 2020,
            "dispatched_by": "浙江省科学技术厅",
        },
        {"name": "设施农业团队", "kind": "team", "employer_name": "浙江大学"},
        {
            "name": "合作社法人特派员",
            "kind": "legal_entity",
            "organisation_uscc": cooperative.uscc,
        },
    ]
    before = Commissioner.objects.count()

    response, job = upload(
        client, "services.commissioner", workbook(columns_of("services.commissioner"), rows)
    )

    assert response.status_code == 302
    assert job.status == ImportStatus.READY, job.errors
    assert Commissioner.objects.count() == before  # the check writes nothing
    job = confirm(client, job)
    assert (job.status, job.created_count) == (ImportStatus.DONE, 3)
    wang = Commissioner.objects.get(name="王农技")
    assert (wang.employer, wang.employer_name, wang.year, wang.created_by) == (
        university,
        "",
        2020,
        w.staff,
    )
    team = Commissioner.objects.get(name="设施农业团队")
    assert (team.kind, team.employer, team.employer_name) == (
        CommissionerKind.TEAM,
        None,
        "浙江大学",
    )
    assert Commissioner.objects.get(name="合作社法人特派员").organisation == cooperative
    summary = AuditEvent.objects.get(action="import")
    created = AuditEvent.objects.filter(batch=summary.batch, action="create")
    assert created.count() == 3
    assert verify() is None


def test_a_commissioner_row_breaking_the_models_rules_refuses_the_file(client, w):
    client.force_login(w.staff)
    cooperative = OrganisationFactory()
    rows = [
        {"name": "好的特派员", "kind": "individual"},
        {"name": "法人无单位", "kind": "legal_entity"},
        {"name": "个人有法人", "kind": "individual", "organisation_uscc": cooperative.uscc},
        {"name": "年度不符", "kind": "individual", "appointed_on": "2020-03-01", "year": 2021},
        {"name": "未知类型", "kind": "外星人"},
        {"name": w.a.name, "kind": "team"},  # linked to a registry person below
    ]
    w.a.person = PersonFactory()
    w.a.save()
    before = Commissioner.objects.count()

    _, job = upload(
        client, "services.commissioner", workbook(columns_of("services.commissioner"), rows)
    )

    assert job.status == ImportStatus.INVALID
    assert errors(job) == [
        (3, "法人单位名称"),
        (4, "法人单位名称"),
        (5, "选派年度"),
        (6, "类型"),
        (7, "类型"),
    ]
    assert Commissioner.objects.count() == before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_a_commissioner_row_updates_the_commissioner_of_that_name(client, w):
    client.force_login(w.staff)

    job = imported(
        client,
        "services.commissioner",
        columns_of("services.commissioner"),
        [{"name": w.a.name, "kind": "individual", "phone": "13900000000"}],
    )

    w.a.refresh_from_db()
    assert (job.created_count, job.updated_count) == (0, 1)
    assert (w.a.phone, w.a.version, w.a.user) == ("13900000000", 2, w.a_user)


# Activities ------------------------------------------------------------------------------------------


def test_activities_name_their_commissioner_and_assignment(client, w):
    client.force_login(w.staff)
    rows = [
        activity_row(w.a, assignment="2020-03-01"),  # the town is the assignment's
        activity_row(w.b, town=w.west.name, kind=ActivityKind.POLICY_OUTREACH, place=""),
    ]

    job = imported(client, "services.activity", columns_of("services.activity"), rows)

    assert job.created_count == 2
    mine = Activity.objects.get(commissioner=w.a, held_on=dt.date(2020, 8, 1))
    assert (mine.assignment, mine.town, mine.trainees, mine.materials) == (w.a_east, w.east, 30, 50)
    assert mine.kind.code == ActivityKind.TECHNICAL_TRAINING
    theirs = Activity.objects.get(commissioner=w.b, held_on=dt.date(2020, 8, 1))
    assert (theirs.assignment, theirs.town, theirs.kind.code) == (
        None,
        w.west,
        ActivityKind.POLICY_OUTREACH,
    )


def test_one_bad_activity_row_refuses_the_whole_file(client, w):
    client.force_login(w.staff)
    future = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    rows = [
        activity_row(w.a, town=w.east.name),
        activity_row(w.a, town=w.east.name, held_on=future),
        activity_row(w.a, town=w.east.name, kind="跳广场舞"),
        activity_row(w.a, town=w.east.name, trainees=-3),
        activity_row(w.a, assignment="2020-03-01", held_on="2019-05-05"),
        activity_row(w.a, assignment="2018-01-01"),
        activity_row(w.a),  # neither a town nor an assignment
        {**activity_row(w.a), "commissioner": "查无此人"},
        activity_row(w.a, town="火星镇"),
        activity_row(w.a, town=w.east.name),  # the first row again
    ]
    before = Activity.objects.count()

    _, job = upload(client, "services.activity", workbook(columns_of("services.activity"), rows))

    assert job.status == ImportStatus.INVALID
    assert errors(job) == [
        (3, "日期"),
        (4, "活动类型"),
        (5, "培训人数"),
        (6, "日期"),
        (7, "派驻开始日期"),
        (8, "镇街道"),
        (9, "科技特派员"),
        (10, "镇街道"),
        (11, "科技特派员、日期、活动类型、镇街道、地点"),
    ]
    assert "查无此人" in job.errors[6]["message"]
    assert Activity.objects.count() == before
    job = confirm(client, job)  # a refused file cannot be confirmed
    assert job.status == ImportStatus.INVALID
    assert Activity.objects.count() == before


def test_a_commissioner_imports_only_its_own_activities(client, w):
    client.force_login(importing_commissioner(w.a_user))
    before = Activity.objects.count()

    _, job = upload(
        client,
        "services.activity",
        workbook(
            columns_of("services.activity"),
            [activity_row(w.a, town=w.east.name), activity_row(w.b, town=w.west.name)],
        ),
    )

    assert job.status == ImportStatus.INVALID
    assert errors(job) == [(3, "科技特派员")]
    assert Activity.objects.count() == before

    job = imported(
        client,
        "services.activity",
        columns_of("services.activity"),
        [activity_row(w.a, town=w.east.name)],
    )
    assert job.created_count == 1
    assert Activity.objects.filter(commissioner=w.a, created_by=w.a_user).count() == 1


def test_a_team_members_login_imports_the_teams_activities(client, w):
    client.force_login(importing_commissioner(w.m1_user))

    job = imported(
        client,
        "services.activity",
        columns_of("services.activity"),
        [activity_row(w.team, town=w.east.name)],
    )

    assert job.created_count == 1
    assert Activity.objects.get(created_by=w.m1_user).commissioner == w.team


def test_a_commissioner_cannot_update_another_commissioners_activity_by_import(client, w):
    """Even with the same natural key, the other commissioner is not one it may name."""
    client.force_login(importing_commissioner(w.b_user))
    theirs = w.a_acts[0]
    row = activity_row(
        w.a,
        held_on=theirs.held_on.isoformat(),
        kind=theirs.kind.name,
        town=w.east.name,
        place=theirs.place,
        trainees=999,
    )

    _, job = upload(client, "services.activity", workbook(columns_of("services.activity"), [row]))

    assert job.status == ImportStatus.INVALID
    theirs.refresh_from_db()
    assert theirs.trainees == 30


def test_imports_need_the_import_permission(client, w):
    client.force_login(w.a_user)  # the commissioner imports its activity log, nothing else
    response, job = upload(
        client,
        "services.serviceassignment",
        workbook(columns_of("services.serviceassignment"), []),
    )
    assert (response.status_code, job) == (403, None)
    client.force_login(w.east_officer)
    assert (
        client.get(reverse("core:import-upload", args=["services.fieldvisit"])).status_code == 403
    )


# Assignments, institutions, field visits ---------------------------------------------------------------


def test_assignments_are_imported_and_checked(client, w):
    client.force_login(w.staff)
    farm = OrganisationFactory(name="平湖市绿丰果蔬专业合作社")
    rows = [
        {
            "commissioner": w.b.name,
            "town": w.east.code,
            "village": "新埭村",
            "enterprise_name": farm.name,
            "started_on": "2021-03-01",
            "tasks": "草莓种植技术",
        },
        {
            "commissioner": w.b.name,
            "town": w.east.name,
            "started_on": "2021-03-01",
            "ended_on": "2020-01-01",
        },
    ]

    _, job = upload(
        client,
        "services.serviceassignment",
        workbook(columns_of("services.serviceassignment"), rows),
    )
    assert errors(job) == [(3, "结束日期")]

    job = imported(
        client, "services.serviceassignment", columns_of("services.serviceassignment"), rows[:1]
    )
    created = ServiceAssignment.objects.get(commissioner=w.b, village="新埭村")
    assert (job.created_count, created.town, created.enterprise) == (1, w.east, farm)


def test_training_institutions_by_name_with_their_credit_code(client, w):
    client.force_login(w.staff)
    holder = TrainingInstitutionFactory(uscc=make_uscc(70_000_001), town=w.east)
    code = make_uscc(70_000_002)
    rows = [
        {
            "name": "平湖市青少年科创学堂",
            "uscc": code.lower(),
            "town": w.east.name,
            "status": str(InstitutionStatus.RECTIFYING.label),
            "courses": "机器人、编程",
        },
        {"name": "另一学堂", "uscc": holder.uscc, "town": w.east.name},
        {"name": "错码学堂", "uscc": "91330482MA0000000X", "town": w.east.name},
        {"name": "第三学堂", "uscc": code, "town": w.east.name},
        {"name": "无镇学堂", "town": ""},
    ]

    _, job = upload(
        client,
        "services.traininginstitution",
        workbook(columns_of("services.traininginstitution"), rows),
    )
    assert errors(job) == [
        (3, "统一社会信用代码"),
        (4, "统一社会信用代码"),
        (5, "统一社会信用代码"),
        (6, "镇街道"),
    ]
    assert holder.name in job.errors[0]["message"]

    imported(
        client,
        "services.traininginstitution",
        columns_of("services.traininginstitution"),
        rows[:1],
    )
    institution = TrainingInstitution.objects.get(name="平湖市青少年科创学堂")
    assert (institution.uscc, institution.status, institution.town) == (
        code,
        InstitutionStatus.RECTIFYING,
        w.east,
    )


def test_field_visit_hosts_are_registry_organisations_or_names(client, w):
    client.force_login(w.staff)
    company = OrganisationFactory(name="平湖光电科技有限公司", town=w.east)
    rows = [
        {
            "visited_on": "2020-04-15",
            "leader_name": "局长",
            "host_uscc": company.uscc,
            "host_name": company.name,
            "town": w.east.name,
            "purpose": "三服务",
        },
        {
            "visited_on": "2020-04-16",
            "leader_name": "副市长",
            "leader_kind": str(LeaderKind.VISITING.label),
            "leader_body": "市政府",
            "host_kind": str(HostKind.PARK.label),
            "host_name": "平湖经济技术开发区科创园",
        },
        {"visited_on": "2020-04-17", "leader_name": "局长", "host_name": company.name},
    ]
    bad = [
        {
            "visited_on": "2020-04-18",
            "leader_name": "来访领导",
            "leader_kind": "visiting",
            "host_name": "x",
        },
        {"visited_on": "2020-04-18", "leader_name": "局长"},
        {"visited_on": "2020-04-18", "leader_name": "局长", "host_uscc": make_uscc(70_000_009)},
    ]

    _, job = upload(client, "services.fieldvisit", workbook(columns_of("services.fieldvisit"), bad))
    assert errors(job) == [
        (2, "领导所在单位"),
        (3, "走访对象名称"),
        (4, "走访对象统一社会信用代码"),
    ]

    job = imported(client, "services.fieldvisit", columns_of("services.fieldvisit"), rows)
    assert job.created_count == 3
    first, park, by_name = FieldVisit.objects.order_by("visited_on")
    assert (first.host_organisation, first.host_name, first.town) == (company, "", w.east)
    assert (park.host_organisation, park.host_name, park.host_kind) == (
        None,
        "平湖经济技术开发区科创园",
        HostKind.PARK,
    )
    assert (park.leader_kind, park.leader_body) == (LeaderKind.VISITING, "市政府")
    assert (by_name.host_organisation, by_name.host_name) == (company, "")


# Exports re-import -------------------------------------------------------------------------------------


def exported(name: str, queryset) -> bytes:
    """The list's export (from its record type's declaration)."""
    buffer = io.BytesIO()
    RECORD_TYPES[queryset.model].export.write(buffer, queryset)
    return buffer.getvalue()


@pytest.fixture
def everything(w):
    """Records of every imported kind, with the values that are easiest to lose on a round
    trip: a legal entity, an employer outside the registry, a visit whose host name differs
    from its organisation's, an activity in an assignment, an institution with a code."""
    cooperative = OrganisationFactory(name="绿丰合作社")
    Commissioner.objects.create(
        name="合作社法人", kind=CommissionerKind.LEGAL_ENTITY, organisation=cooperative
    )
    w.team.employer = OrganisationFactory(name="嘉兴职业技术学院")
    w.team.field = item(CodeList.TECH_FIELD, "agriculture")
    w.team.save()
    ServiceAssignmentFactory(
        commissioner=w.b,
        town=w.west,
        enterprise=cooperative,
        started_on=dt.date(2021, 1, 1),
        ended_on=None,
    )
    ActivityFactory(commissioner=w.b, town=w.west, assignment=None, place="", summary="")
    TrainingInstitutionFactory(uscc=make_uscc(70_000_020), town=w.east)
    TrainingInstitutionFactory(town=w.west, status=InstitutionStatus.SUSPENDED)
    FieldVisitFactory(host_organisation=cooperative, host_name="合作社草莓基地", town=None)
    FieldVisitFactory(
        host_organisation=None, host_name="科创园", host_kind=HostKind.PARK, town=w.west
    )
    FieldVisitFactory(leader_kind=LeaderKind.VISITING, leader_body="嘉兴市科技局")
    return w


@pytest.mark.parametrize(
    ("name", "key", "model"),
    [
        ("commissioner", "services.commissioner", Commissioner),
        ("serviceassignment", "services.serviceassignment", ServiceAssignment),
        ("activity", "services.activity", Activity),
        ("traininginstitution", "services.traininginstitution", TrainingInstitution),
        ("fieldvisit", "services.fieldvisit", FieldVisit),
    ],
)
def test_an_export_reimports_unchanged(client, everything, name, key, model):
    w = everything
    client.force_login(w.staff)
    records = model.objects.order_by("pk")
    versions = dict(records.values_list("pk", "version"))

    _, job = upload(client, key, exported(name, records))

    assert job.status == ImportStatus.READY, job.errors
    assert {p["action"] for p in job.preview} == {"update"}
    job = confirm(client, job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, len(versions))
    assert dict(model.objects.values_list("pk", "version")) == versions


def test_the_exports_write_the_import_templates_headers(w):
    from python_calamine import CalamineWorkbook

    for name, column_list in [
        ("activity", columns_of("services.activity")),
        ("fieldvisit", columns_of("services.fieldvisit")),
    ]:
        model = {"activity": Activity, "fieldvisit": FieldVisit}[name]
        content = exported(name, model.objects.order_by("pk"))
        rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        assert rows[0] == [c.header for c in column_list]
        assert len(rows) == 1 + model.objects.count()


def test_a_town_clerk_imports_for_the_commissioners_serving_in_the_town(client, w):
    """Whoever may change commissioners (here a custom role of a town office) writes for
    those within their data scope."""
    clerk = user(
        "clerk",
        kind=UserKind.STAFF,
        department=w.east.office,
        roles=[
            role(
                "east-clerk",
                DataScope.DEPARTMENT,
                [
                    "services.view_commissioner",
                    "services.change_commissioner",
                    "services.add_activity",
                    "services.view_activity",
                    "services.import_activity",
                ],
            )
        ],
    )
    client.force_login(clerk)

    _, job = upload(
        client,
        "services.activity",
        workbook(
            columns_of("services.activity"),
            [activity_row(w.a, town=w.east.name), activity_row(w.b, town=w.west.name)],
        ),
    )

    assert errors(job) == [(3, "科技特派员")]  # 西特派员 serves elsewhere


@pytest.mark.parametrize(
    ("key", "column_list"),
    [
        ("services.commissioner", columns_of("services.commissioner")),
        ("services.serviceassignment", columns_of("services.serviceassignment")),
        ("services.activity", columns_of("services.activity")),
        ("services.traininginstitution", columns_of("services.traininginstitution")),
        ("services.fieldvisit", columns_of("services.fieldvisit")),
    ],
)
def test_the_import_pages_and_templates_are_served(client, w, key, column_list):
    from python_calamine import CalamineWorkbook

    client.force_login(w.staff)

    page = client.get(reverse("core:import-upload", args=[key]))
    template = client.get(reverse("core:import-template", args=[key]))

    assert page.status_code == 200
    assert template.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(template.content)).get_sheet_by_index(0)
    assert rows.to_python()[0] == [c.header for c in column_list]


def test_a_town_clerk_imports_only_into_the_town_and_hosts_within_scope(client, w):
    """A town office's importer files institutions and field visits under its own town, names
    a field visit's town, and links only organisations it sees: the file is refused as a whole,
    each bad row named with its column."""
    clerk = user(
        "town-importer",
        kind=UserKind.STAFF,
        department=w.east.office,
        roles=[
            role(
                "east-importer",
                DataScope.DEPARTMENT,
                [
                    *(f"services.{a}_traininginstitution" for a in ("view", "add", "change")),
                    *(f"services.{a}_fieldvisit" for a in ("view", "add", "change")),
                    "services.import_traininginstitution",
                    "services.import_fieldvisit",
                ],
            )
        ],
    )
    west_firm = OrganisationFactory(name="西镇走访企业", town=w.west)
    east_firm = OrganisationFactory(name="东镇走访企业", town=w.east)
    client.force_login(clerk)

    def institution(name, town):
        return {"name": name, "operator": "某公司", "town": town.name}

    _, institutions = upload(
        client,
        "services.traininginstitution",
        workbook(
            columns_of("services.traininginstitution"),
            [institution("东镇学校", w.east), institution("西镇学校", w.west)],
        ),
    )

    def visit(host, town, **values):
        row = {"visited_on": "2021-03-01", "leader_name": "局长", "host_name": host}
        return {**row, "town": town.name if town else "", **values}

    _, visits = upload(
        client,
        "services.fieldvisit",
        workbook(
            columns_of("services.fieldvisit"),
            [
                visit(east_firm.name, w.east),
                visit("某园区", w.west),
                visit("某孵化器", None),
                visit("", w.east, host_uscc=west_firm.uscc),
            ],
        ),
    )

    assert errors(institutions) == [(3, "镇街道")]
    assert errors(visits) == [(3, "镇街道"), (4, "镇街道"), (5, "走访对象统一社会信用代码")]
    assert not TrainingInstitution.objects.exists() and not FieldVisit.objects.exists()


def test_a_credit_code_held_outside_the_importers_scope_is_refused_without_its_name(client, w):
    west = TrainingInstitutionFactory(name="西镇机密学校", town=w.west, uscc=make_uscc(7331))
    clerk = user(
        "code-importer",
        kind=UserKind.STAFF,
        department=w.east.office,
        roles=[
            role(
                "east-code-importer",
                DataScope.DEPARTMENT,
                [
                    *(f"services.{a}_traininginstitution" for a in ("view", "add", "change")),
                    "services.import_traininginstitution",
                ],
            )
        ],
    )
    client.force_login(clerk)

    _, job = upload(
        client,
        "services.traininginstitution",
        workbook(
            columns_of("services.traininginstitution"),
            [{"name": "东镇学校", "uscc": west.uscc, "town": w.east.name}],
        ),
    )

    assert errors(job) == [(2, "统一社会信用代码")]
    assert "西镇机密学校" not in job.errors[0]["message"]
