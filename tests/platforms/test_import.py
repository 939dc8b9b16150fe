"""Excel imports and exports of the platform records: checked then written all or nothing,
with row errors naming row and column; an export is exactly the filtered list in the import
template's columns and re-imports unchanged; both need the area's permissions."""

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.accounts.enums import DataScope, UserKind
from kechuang.audit.chain import verify
from kechuang.audit.models import AuditEvent
from kechuang.core.enums import ImportStatus
from kechuang.platforms.enums import RDLevel, TalentRole, TenancyEnd
from kechuang.platforms.models import (
    Incubator,
    InstituteRecord,
    InstituteTalent,
    RDInstitution,
    SignedProject,
    Tenancy,
)
from kechuang.platforms.record_types import (
    IncubatorType,
    InstituteRecordType,
    InstituteTalentType,
    RDInstitutionType,
    SignedProjectType,
    TenancyType,
)
from kechuang.platforms.reference import ROLE_GRANTS
from kechuang.registry.models import Person
from tests.excel import confirm, upload
from tests.excel import download as exported
from tests.excel import workbook_of as workbook
from tests.factories import OrganisationFactory, role, user

from .factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(make_user):
    return World(make_user)


def east_importer(w):
    """A staff member of the east town's office who may import, with their own office's scope."""
    perms = [*ROLE_GRANTS["staff"], "registry.view_organisation"]
    return user(
        "east-importer",
        kind=UserKind.STAFF,
        department=w.east.office,
        roles=[role("east-importer", DataScope.DEPARTMENT, perms)],
    )


def rd_row(**values):
    return {
        "name": "新研发中心",
        "level": RDLevel.JIAXING_RD_CENTRE,
        "certified_year": 2022,
        "certified_on": "2022-11-30",
        **values,
    }


def test_rd_institutions_are_checked_then_imported_with_their_audit(client, w):
    client.force_login(w.staff)
    ours, theirs = w.ours["enterprise"], w.theirs["enterprise"]
    before = RDInstitution.objects.count()
    content = workbook(
        RDInstitutionType.instance.excel_columns,
        [
            rd_row(host_uscc=ours.uscc, name="东嘉兴研发中心", batch="第一批"),
            rd_row(
                host_name=theirs.name,
                name="西省级中心",
                level="省高新技术企业研究开发中心",
                document_number="浙科发〔2022〕9号",
            ),
        ],
    )

    response, job = upload(client, "platforms.rdinstitution", content)

    assert response.status_code == 302
    assert job.status == ImportStatus.READY, job.errors
    assert [(p["name"], p["action"]) for p in job.preview] == [
        ("东嘉兴研发中心", "create"),
        ("西省级中心", "create"),
    ]
    assert RDInstitution.objects.count() == before  # the check writes nothing

    job = confirm(client, job)

    assert (job.status, job.created_count) == (ImportStatus.DONE, 2)
    east = RDInstitution.objects.get(name="东嘉兴研发中心")
    assert (east.host, east.level.code, east.batch) == (ours, RDLevel.JIAXING_RD_CENTRE, "第一批")
    assert (east.certified_on, east.created_by) == (dt.date(2022, 11, 30), w.staff)
    west = RDInstitution.objects.get(name="西省级中心")
    assert (west.host, west.level.code) == (theirs, RDLevel.PROVINCIAL_RD_CENTRE)
    summary = AuditEvent.objects.get(action="import")
    created = AuditEvent.objects.filter(batch=summary.batch, action="create")
    assert sorted(created.values_list("object_repr", flat=True)) == ["东嘉兴研发中心", "西省级中心"]
    assert verify() is None


def test_one_bad_row_among_good_ones_writes_nothing(client, w):
    client.force_login(w.staff)
    ours = w.ours["enterprise"]
    before = RDInstitution.objects.count()
    rows = [rd_row(host_uscc=ours.uscc, name=f"中心{n}", certified_year=2000 + n) for n in range(5)]
    rows[1]["level"] = "宇宙级"
    rows[2]["certified_on"] = "去年"
    rows[3]["end_reason"] = "revoked"
    rows[4] = rd_row(host_name="查无此企业")

    _, job = upload(
        client, "platforms.rdinstitution", workbook(RDInstitutionType.instance.excel_columns, rows)
    )

    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "级别"),
        (4, "认定日期"),
        (5, "终止原因"),
        (6, "依托单位名称"),
    ]
    assert "查无此企业" in job.errors[-1]["message"]
    assert RDInstitution.objects.count() == before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_rows_of_the_same_record_twice_are_refused(client, w):
    client.force_login(w.staff)
    row = rd_row(host_uscc=w.ours["enterprise"].uscc)

    _, job = upload(
        client,
        "platforms.rdinstitution",
        workbook(RDInstitutionType.instance.excel_columns, [row, row]),
    )

    assert job.status == ImportStatus.INVALID
    assert [e["row"] for e in job.errors] == [3]
    assert "依托单位名称、级别、认定年度" in job.errors[0]["column"]


def test_an_export_of_the_filtered_list_reimports_unchanged(client, w):
    client.force_login(w.staff)
    url = reverse("platforms:rdinstitution-export") + f"?town={w.east.code}"

    content, rows = exported(client, url)

    assert rows[0] == [c.header for c in RDInstitutionType.instance.excel_columns]
    assert [row[2] for row in rows[1:]] == ["东研发中心"]
    _, job = upload(client, "platforms.rdinstitution", content)
    assert [p["action"] for p in job.preview] == ["update"]
    job = confirm(client, job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 1)
    assert w.ours["rd"].version == RDInstitution.objects.get(pk=w.ours["rd"].pk).version


def test_a_reimport_updates_the_record_of_the_same_key(client, w):
    client.force_login(w.staff)
    rd = w.ours["rd"]
    row = rd_row(
        host_uscc=rd.host.uscc,
        name="东研发中心（更名）",
        level=rd.level.code,
        certified_year=rd.certified_year,
        certified_on=rd.certified_on.isoformat(),
    )

    _, job = upload(
        client, "platforms.rdinstitution", workbook(RDInstitutionType.instance.excel_columns, [row])
    )
    job = confirm(client, job)

    rd.refresh_from_db()
    assert (job.updated_count, rd.name, rd.version) == (1, "东研发中心（更名）", 2)
    update = AuditEvent.objects.for_object(rd).get(action="update")
    assert update.changes["name"] == ["东研发中心", "东研发中心（更名）"]


def test_hosts_outside_the_importers_scope_are_not_found(client, w):
    client.force_login(east_importer(w))
    rows = [rd_row(host_uscc=w.theirs["enterprise"].uscc)]

    _, job = upload(
        client, "platforms.rdinstitution", workbook(RDInstitutionType.instance.excel_columns, rows)
    )

    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["column"] == "依托单位统一社会信用代码"


def test_imports_and_exports_need_the_areas_permissions(client, w):
    client.force_login(w.our_manager)

    assert client.get(reverse("core:import-upload", args=["platforms.tenancy"])).status_code == 403
    response, job = upload(client, "platforms.institutetalent", b"x")
    assert (response.status_code, job) == (403, None)
    assert client.get(reverse("platforms:institutetalent-export")).status_code == 403
    client.force_login(w.officer)  # town officers may view, not export
    assert client.get(reverse("platforms:tenancy-export")).status_code == 403


def test_incubators_get_a_code_and_are_matched_by_name_when_it_is_missing(client, w):
    client.force_login(w.staff)
    row = {"name": "沪上飞地孵化器", "kind": "off_site", "off_site_city": "上海"}
    bad = {"name": "无处孵化器", "kind": "incubator"}

    _, job = upload(
        client, "platforms.incubator", workbook(IncubatorType.instance.excel_columns, [row, bad])
    )
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "镇街道")]

    _, job = upload(
        client, "platforms.incubator", workbook(IncubatorType.instance.excel_columns, [row])
    )
    confirm(client, job)
    code = Incubator.objects.get(name="沪上飞地孵化器").code
    _, job = upload(
        client,
        "platforms.incubator",
        workbook(IncubatorType.instance.excel_columns, [{**row, "address": "上海市徐汇区"}]),
    )
    job = confirm(client, job)

    incubator = Incubator.objects.get(name="沪上飞地孵化器")
    assert (job.created_count, job.updated_count) == (0, 1)
    assert (incubator.code, incubator.address) == (code, "上海市徐汇区")


def test_tenancies_by_incubator_and_enterprise_name_then_exported_as_filtered(client, w):
    client.force_login(w.staff)
    newcomer = OrganisationFactory(name="新孵企业有限公司")
    rows = [
        {
            "incubator": "东孵化器",
            "enterprise_name": "新孵企业有限公司",
            "entered_on": "2024-01-02",
        },
        {
            "incubator": "east-incubator",
            "enterprise_uscc": w.theirs["enterprise"].uscc,
            "entered_on": "2020-01-01",
            "exited_on": "2023-06-30",
            "exit_reason": "Graduated",
        },
    ]

    _, job = upload(client, "platforms.tenancy", workbook(TenancyType.instance.excel_columns, rows))
    job = confirm(client, job)

    assert (job.status, job.created_count) == (ImportStatus.DONE, 2)
    assert Tenancy.objects.get(enterprise=newcomer).incubator == w.ours["incubator"]
    graduated = Tenancy.objects.get(
        enterprise=w.theirs["enterprise"], incubator=w.ours["incubator"]
    )
    assert graduated.exit_reason == TenancyEnd.GRADUATED
    url = reverse("platforms:tenancy-export") + f"?incubator={w.ours['incubator'].pk}"
    _, exported_rows = exported(client, url + "&current_on=2024-06-01")
    names = sorted(row[2] for row in exported_rows[1:])
    assert names == ["东平台测试企业有限公司", "新孵企业有限公司"]


def test_institute_talents_import_adds_people_not_yet_recorded(client, w):
    client.force_login(w.staff)
    known = w.ours["talent"]
    rows = [
        {
            "institute": "东新型研究院",
            "person": known.person.name,
            "role": TalentRole.INTRODUCED,
            "joined_on": "2020-09-01",
        },
        {
            "institute": "east-institute",
            "person": "李新人",
            "role": "office_staff",
            "joined_on": "2024-02-01",
        },
        {
            "institute": "东新型研究院",
            "person": "李新人",
            "role": "engaged",
            "joined_on": "2024-02-01",
        },
    ]

    _, job = upload(
        client,
        "platforms.institutetalent",
        workbook(InstituteTalentType.instance.excel_columns, rows),
    )
    assert [p["action"] for p in job.preview] == ["update", "create", "create"], job.errors
    job = confirm(client, job)

    assert (job.created_count, job.updated_count) == (2, 1)
    newcomer = Person.objects.get(name="李新人")
    assert newcomer.organisation == w.ours["institute"].organisation
    assert set(InstituteTalent.objects.filter(person=newcomer).values_list("role", flat=True)) == {
        "office_staff",
        "engaged",
    }
    known.refresh_from_db()
    assert known.joined_on == dt.date(2020, 9, 1)
    created = AuditEvent.objects.filter(model="registry.person", action="create")
    assert created.filter(object_id=str(newcomer.pk)).count() == 1


def test_institute_records_and_signed_projects_import(client, w):
    client.force_login(w.staff)
    records = [
        {
            "institute": "东新型研究院",
            "kind": "joint_lab",
            "name": "联合实验室",
            "partner_uscc": w.ours["enterprise"].uscc,
            "occurred_on": "2023-03-01",
            "joint_application": "是",
            "amount": "120.5",
        }
    ]
    projects = [
        {
            "event": "东方签约活动",
            "name": "智能装备项目",
            "field": "smart_equipment",
            "origin": "长三角地区",
            "investment": 30000,
        }
    ]

    _, job = upload(
        client,
        "platforms.instituterecord",
        workbook(InstituteRecordType.instance.excel_columns, records),
    )
    confirm(client, job)
    _, job = upload(
        client,
        "platforms.signedproject",
        workbook(SignedProjectType.instance.excel_columns, projects),
    )
    confirm(client, job)

    record = InstituteRecord.objects.get(name="联合实验室")
    assert (record.partner, record.joint_application, str(record.amount)) == (
        w.ours["enterprise"],
        True,
        "120.50",
    )
    project = SignedProject.objects.get(name="智能装备项目")
    assert (project.event, project.field.code, project.origin.code) == (
        w.event,
        "smart_equipment",
        "yangtze_delta",
    )
    _, rows = exported(client, reverse("platforms:signedproject-export") + "?q=智能")
    assert [row[2] for row in rows[1:]] == ["智能装备项目"]


def test_another_institutes_records_cannot_be_imported_by_name_out_of_scope(client, w):
    client.force_login(east_importer(w))
    rows = [
        {
            "institute": "西新型研究院",
            "kind": "service",
            "name": "越权",
            "occurred_on": "2023-01-01",
        }
    ]

    _, job = upload(
        client,
        "platforms.instituterecord",
        workbook(InstituteRecordType.instance.excel_columns, rows),
    )

    assert job.status == ImportStatus.INVALID
    assert "西新型研究院" in job.errors[0]["message"]
    assert not InstituteRecord.objects.filter(name="越权").exists()


def test_the_export_is_the_scoped_filtered_list(client, w):
    client.force_login(w.leader)

    _, every = exported(client, reverse("platforms:rdinstitution-export"))
    _, east = exported(client, reverse("platforms:rdinstitution-export") + "?q=东")

    assert sorted(row[2] for row in every[1:]) == ["东研发中心", "西研发中心"]
    assert [row[2] for row in east[1:]] == ["东研发中心"]
    assert AuditEvent.objects.filter(action="export").count() == 2


def test_talents_of_a_partners_people_reimport_unchanged(client, w):
    """A talent whose person belongs to the partner university is the same person again."""
    from kechuang.platforms.models import InstituteTalent

    institute = w.ours["institute"]
    professor = Person.objects.create(name="陈立新", organisation=institute.partner)
    InstituteTalent.objects.create(
        institute=institute,
        person=professor,
        role=TalentRole.INTRODUCED,
        joined_on=dt.date(2020, 5, 1),
    )
    client.force_login(w.staff)
    url = reverse("platforms:institutetalent-export") + f"?institute={institute.pk}"

    content, rows = exported(client, url)
    _, job = upload(client, "platforms.institutetalent", content)
    job = confirm(client, job)

    assert job.created_count == 0
    assert Person.objects.filter(name="陈立新").count() == 1
    assert InstituteTalent.objects.filter(institute=institute).count() == len(rows) - 1
