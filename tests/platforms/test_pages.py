"""The platform pages: who reaches which record (403 without the permission, 404 out of
scope), what a town officer and an institute's manager see and may enter, the records shown on
a parent's page, versioned edits, and lists whose query count does not grow with their rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kechuang.core.domain.concurrency import ConcurrentEditError
from kechuang.platforms.enums import InstituteRecordKind, RDEnd, TalentRole, TenancyEnd
from kechuang.platforms.models import (
    IncubationProject,
    InstituteRecord,
    InstituteTalent,
    RDInstitution,
    Tenancy,
)
from kechuang.platforms.reference import RECORDS
from tests.factories import OrganisationFactory, PersonFactory

from .factories import (
    AcademicianCooperationFactory,
    IncubationProjectFactory,
    IncubatorTalentFactory,
    InstituteRecordFactory,
    InstituteTalentFactory,
    MajorProjectStageFactory,
    RDInstitutionEventFactory,
    RDInstitutionFactory,
    SignedProjectFactory,
    TenancyFactory,
    World,
    ZoneEvaluationFactory,
)

pytestmark = pytest.mark.django_db

# Every record kind has a list but the ones shown only on their parent's page (and the
# certification applications, whose pages are the workflow's).
LISTS = [
    name
    for name in RECORDS
    if name not in {"rdinstitutionevent", "majorprojectstage", "certificationapplication"}
]


@pytest.fixture
def w(make_user):
    return World(make_user)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def detail(name, record) -> str:
    return reverse(f"platforms:{name}-detail", args=[record.pk])


def test_staff_reaches_every_list_detail_and_form(client, w):
    agri = AcademicianCooperationFactory().platform
    stage = MajorProjectStageFactory(project=w.ours["major"])
    project = SignedProjectFactory(event=w.event)
    client.force_login(w.staff)

    for name in LISTS:
        page(client, reverse(f"platforms:{name}-list"))
    records = {
        "rdinstitution": w.ours["rd"],
        "institute": w.ours["institute"],
        "incubator": w.ours["incubator"],
        "zoneevaluation": ZoneEvaluationFactory(created_by=w.staff),
        "agriplatform": agri,
        "academiciancooperation": agri.academicians.get(),
        "signingevent": w.event,
        "majorproject": w.ours["major"],
    }
    for name, record in records.items():
        assert str(record) in page(client, detail(name, record))
        page(client, reverse(f"platforms:{name}-edit", args=[record.pk]))
        page(client, reverse(f"platforms:{name}-create"))
    children = [
        ("institutetalent", w.ours["institute"], w.ours["talent"]),
        ("incubationproject", w.ours["institute"], w.ours["project"]),
        ("instituterecord", w.ours["institute"], w.ours["record"]),
        ("tenancy", w.ours["incubator"], w.ours["tenancy"]),
        ("signedproject", w.event, project),
        ("majorprojectstage", w.ours["major"], stage),
    ]
    for name, parent, child in children:
        page(client, reverse(f"platforms:{name}-create", args=[parent.pk]))
        page(client, reverse(f"platforms:{name}-edit", args=[parent.pk, child.pk]))


def test_the_model_urls_resolve(w):
    assert w.ours["rd"].get_absolute_url() == f"/platforms/rd-institutions/{w.ours['rd'].pk}/"
    for record in (w.ours["institute"], w.ours["incubator"], w.event, w.ours["major"]):
        assert record.get_absolute_url().startswith("/platforms/")


def test_town_officer_sees_only_the_towns_records(client, w):
    client.force_login(w.officer)

    rd = page(client, reverse("platforms:rdinstitution-list"))
    incubators = page(client, reverse("platforms:incubator-list"))
    tenants = page(client, reverse("platforms:tenancy-list"))
    majors = page(client, reverse("platforms:majorproject-list"))

    assert "东研发中心" in rd and "西研发中心" not in rd
    assert "东孵化器" in incubators and "西孵化器" not in incubators
    assert "东平台测试企业" in tenants and "西平台测试企业" not in tenants
    assert "东重大项目" in majors and "西重大项目" not in majors
    for name in ("rdinstitution", "institute", "incubator", "majorproject"):
        key = {"rdinstitution": "rd"}.get(name, name.replace("majorproject", "major"))
        assert client.get(detail(name, w.theirs[key])).status_code == 404, name
        assert client.get(detail(name, w.ours[key])).status_code == 200, name


def test_town_officer_may_not_edit(client, w):
    client.force_login(w.officer)

    assert client.get(reverse("platforms:rdinstitution-create")).status_code == 403
    edit = reverse("platforms:rdinstitution-edit", args=[w.ours["rd"].pk])
    assert client.post(edit, {"name": "改名"}).status_code == 403
    assert edit not in page(client, detail("rdinstitution", w.ours["rd"]))


def test_another_organisations_user_gets_403_or_404(client, w):
    client.force_login(w.their_manager)
    ours = w.ours
    urls = [
        detail("rdinstitution", ours["rd"]),
        detail("institute", ours["institute"]),
        detail("incubator", ours["incubator"]),
        reverse("platforms:institutetalent-create", args=[ours["institute"].pk]),
        reverse("platforms:institutetalent-edit", args=[ours["institute"].pk, ours["talent"].pk]),
        reverse("platforms:instituterecord-create", args=[ours["institute"].pk]),
        reverse("platforms:tenancy-create", args=[ours["incubator"].pk]),
        reverse("platforms:rdinstitution-edit", args=[ours["rd"].pk]),
        reverse("platforms:zoneevaluation-list"),
        reverse("platforms:majorproject-list"),
        detail("majorproject", ours["major"]),
        detail("signingevent", w.event),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "东新型研究院" not in response.content.decode(), url


def test_institute_manager_sees_only_their_institute(client, w):
    client.force_login(w.our_manager)

    institutes = page(client, reverse("platforms:institute-list"))
    talents = page(client, reverse("platforms:institutetalent-list"))
    own = page(client, detail("institute", w.ours["institute"]))

    assert "东新型研究院" in institutes and "西新型研究院" not in institutes
    assert w.ours["talent"].person.name in talents
    assert w.theirs["talent"].person.name not in talents
    assert reverse("platforms:institutetalent-create", args=[w.ours["institute"].pk]) in own
    assert reverse("platforms:institute-edit", args=[w.ours["institute"].pk]) not in own


def test_institute_manager_enters_talents_projects_and_records_for_their_institute(client, w):
    institute = w.ours["institute"]
    person = PersonFactory(organisation=institute.organisation, name="王研究员")
    client.force_login(w.our_manager)

    talent = client.post(
        reverse("platforms:institutetalent-create", args=[institute.pk]),
        {"person": person.pk, "role": TalentRole.ENGAGED, "joined_on": "2023-02-01"},
    )
    project = client.post(
        reverse("platforms:incubationproject-create", args=[institute.pk]),
        {"name": "光电孵化项目", "status": "signed", "started_on": "2023-01-05"},
    )
    record = client.post(
        reverse("platforms:instituterecord-create", args=[institute.pk]),
        {
            "kind": InstituteRecordKind.JOINT_LAB,
            "name": "联合实验室",
            "partner": institute.organisation.uscc,
            "occurred_on": "2023-03-01",
        },
    )
    # A partner outside the manager's reach is refused, as the API refuses it.
    outside = client.post(
        reverse("platforms:instituterecord-create", args=[institute.pk]),
        {
            "kind": InstituteRecordKind.JOINT_LAB,
            "name": "越权伙伴",
            "partner": w.ours["enterprise"].uscc,
            "occurred_on": "2023-03-01",
        },
    )

    assert [r.status_code for r in (talent, project, record)] == [302, 302, 302]
    assert outside.status_code == 200 and outside.context["form"].errors["partner"]
    assert not InstituteRecord.objects.filter(name="越权伙伴").exists()
    added = InstituteTalent.objects.get(person=person)
    assert (added.institute, added.created_by) == (institute, w.our_manager)
    assert IncubationProject.objects.get(name="光电孵化项目").institute == institute
    assert InstituteRecord.objects.get(name="联合实验室").partner == institute.organisation
    shown = page(client, detail("institute", institute))
    assert "王研究员" in shown and "光电孵化项目" in shown and "联合实验室" in shown


def test_institute_manager_cannot_enter_records_for_another_institute(client, w):
    theirs = w.theirs["institute"]
    client.force_login(w.our_manager)

    response = client.post(
        reverse("platforms:instituterecord-create", args=[theirs.pk]),
        {"kind": InstituteRecordKind.SERVICE, "name": "越权记录", "occurred_on": "2023-03-01"},
    )
    edit = client.post(
        reverse("platforms:institutetalent-edit", args=[theirs.pk, w.theirs["talent"].pk]),
        {"person": w.theirs["talent"].person_id, "role": "engaged", "joined_on": "2020-01-01"},
    )
    # Another institute's record named under one's own institute's address.
    mixed = client.get(
        reverse(
            "platforms:institutetalent-edit",
            args=[w.ours["institute"].pk, w.theirs["talent"].pk],
        )
    )

    assert (response.status_code, edit.status_code, mixed.status_code) == (404, 404, 404)
    assert not InstituteRecord.objects.filter(name="越权记录").exists()
    assert InstituteTalent.objects.get(pk=w.theirs["talent"].pk).role == TalentRole.INTRODUCED


def test_an_enterprise_user_may_not_add_to_an_institute(client, w):
    """Seeing an incubator is not enough to enter its records for an organisation user whose
    organisation does not run it: out of scope, 404."""
    client.force_login(w.our_enterprise)

    response = client.get(reverse("platforms:tenancy-create", args=[w.ours["incubator"].pk]))

    assert response.status_code == 404


def test_incubator_page_shows_tenants_with_who_is_incubated_today(client, w):
    incubator = w.ours["incubator"]
    today = timezone.localdate()
    TenancyFactory(
        incubator=incubator,
        enterprise=OrganisationFactory(name="已毕业企业"),
        entered_on=dt.date(2019, 1, 1),
        exited_on=today - dt.timedelta(days=1),
        exit_reason=TenancyEnd.GRADUATED,
    )
    TenancyFactory(
        incubator=incubator,
        enterprise=OrganisationFactory(name="明日入驻企业"),
        entered_on=today + dt.timedelta(days=1),
    )
    IncubatorTalentFactory(incubator=incubator, name="高层次人才甲")
    client.force_login(w.staff)

    response = client.get(detail("incubator", incubator))
    shown = response.content.decode()
    section = next(s for s in response.context["sections"] if s.key == "tenancy")

    current = {str(t.enterprise): t.current for t in section.records}
    assert current == {"东平台测试企业有限公司": True, "已毕业企业": False, "明日入驻企业": False}
    assert "高层次人才甲" in shown
    listed = page(client, reverse("platforms:incubator-list") + "?q=东孵化器")
    assert response.context["sections"][0].note.startswith("1")
    assert "东孵化器" in listed


def test_rd_page_shows_events_and_the_hosts_other_certifications(client, w):
    rd = w.ours["rd"]
    rd.ended_on, rd.end_reason = dt.date(2023, 1, 1), RDEnd.UPGRADED
    rd.save()
    newer = RDInstitutionFactory(
        host=rd.host, name="东省级研究院", certified_year=2023, certified_on=dt.date(2023, 1, 1)
    )
    RDInstitutionEventFactory(institution=rd, document_number="平科〔2020〕1号")
    client.force_login(w.staff)

    response = client.get(detail("rdinstitution", rd))
    shown = response.content.decode()
    others = response.context["sections"][1]

    assert "平科〔2020〕1号" in shown
    assert [(r.name, r.in_force_today) for r in others.records] == [(newer.name, True)]
    assert response.context["object"].in_force_today is False


def test_a_stale_edit_is_refused_with_a_clear_message(client, w):
    rd = w.ours["rd"]
    client.force_login(w.staff)
    url = reverse("platforms:rdinstitution-edit", args=[rd.pk])
    form = {
        "host": rd.host.uscc,
        "name": "东研发中心（改）",
        "level": rd.level_id,
        "certified_year": 2020,
        "certified_on": "2020-12-01",
        "version": rd.version,
    }

    first = client.post(url, form)
    second = client.post(url, {**form, "name": "东研发中心（另一人）"})

    rd.refresh_from_db()
    assert first.status_code == 302
    assert (rd.name, rd.version) == ("东研发中心（改）", 2)
    assert second.status_code == 200
    assert str(ConcurrentEditError.message) in second.content.decode()


def test_form_checks_dates_and_organisations(client, w):
    OrganisationFactory(name="同名企业", uscc=None)
    OrganisationFactory(name="同名企业", uscc=None)
    client.force_login(w.staff)
    url = reverse("platforms:rdinstitution-create")

    response = client.post(
        url,
        {
            "host": "同名企业",
            "name": "新中心",
            "level": w.ours["rd"].level_id,
            "certified_year": 2020,
            "certified_on": "2021-05-01",
            "ended_on": "2020-01-01",  # not a field: a certification ends by its lifecycle
        },
    )

    errors = response.context["form"].errors
    assert set(errors) == {"host", "certified_year"}
    assert "同名企业" in errors["host"][0]
    assert "2021" in errors["certified_year"][0]
    assert not RDInstitution.objects.filter(name="新中心").exists()


def test_a_tenancy_is_entered_on_the_incubators_page(client, w):
    incubator = w.ours["incubator"]
    newcomer = OrganisationFactory(name="新入驻企业有限公司")
    client.force_login(w.staff)

    response = client.post(
        reverse("platforms:tenancy-create", args=[incubator.pk]),
        {"enterprise": "新入驻企业有限公司", "entered_on": "2024-03-01"},
    )

    assert response.status_code == 302
    assert response["Location"] == incubator.get_absolute_url()
    assert Tenancy.objects.get(enterprise=newcomer).incubator == incubator


def test_the_menu_and_the_home_page_offer_the_platforms(client, w):
    client.force_login(w.staff)

    home = page(client, reverse("core:home"))

    assert 'data-testid="nav-platforms"' in home
    assert reverse("platforms:rdinstitution-list") in home
    assert reverse("platforms:tenancy-list") + "?current_on=" in home


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def add_rows(w, n: int) -> None:
    for _ in range(n):
        rd = RDInstitutionFactory(host=OrganisationFactory(town=w.east))
        RDInstitutionEventFactory(institution=rd)
        TenancyFactory(incubator=w.ours["incubator"])
        IncubatorTalentFactory(incubator=w.ours["incubator"])
        SignedProjectFactory(event=w.event)
        MajorProjectStageFactory(project=w.ours["major"])
        AcademicianCooperationFactory()
        ZoneEvaluationFactory()
        InstituteTalentFactory(institute=w.ours["institute"])
        IncubationProjectFactory(institute=w.ours["institute"])
        InstituteRecordFactory(institute=w.ours["institute"])


QUERY_COUNTED = [
    *[reverse(f"platforms:{name}-list") for name in LISTS],
    reverse("platforms:rdinstitution-list") + "?in_force_on=2024-01-01&sort=-level",
    "/api/v1/rd-institutions/",
    "/api/v1/rd-institution-events/",
    "/api/v1/institutes/",
    "/api/v1/institute-talents/",
    "/api/v1/incubators/",
    "/api/v1/tenancies/?current_on=2024-01-01",
    "/api/v1/incubator-talents/",
    "/api/v1/zone-evaluations/",
    "/api/v1/agri-platforms/",
    "/api/v1/academician-cooperations/",
    "/api/v1/signing-events/",
    "/api/v1/signed-projects/",
    "/api/v1/major-projects/",
    "/api/v1/major-project-stages/",
]


@pytest.mark.parametrize("url", QUERY_COUNTED)
def test_list_query_count_does_not_grow_with_rows(client, w, url):
    client.force_login(w.staff)
    add_rows(w, 2)
    few = count_queries(client, url)

    add_rows(w, 6)
    many = count_queries(client, url)

    assert many == few


@pytest.mark.parametrize(
    "name", ["institute", "incubator", "signingevent", "majorproject", "rdinstitution"]
)
def test_detail_query_count_does_not_grow_with_children(client, w, name):
    records = {
        "institute": w.ours["institute"],
        "incubator": w.ours["incubator"],
        "signingevent": w.event,
        "majorproject": w.ours["major"],
        "rdinstitution": w.ours["rd"],
    }
    client.force_login(w.staff)
    add_rows(w, 2)
    few = count_queries(client, detail(name, records[name]))

    add_rows(w, 6)
    many = count_queries(client, detail(name, records[name]))

    assert many == few


def test_an_institutes_records_are_grouped_by_kind(client, w):
    institute = w.ours["institute"]
    InstituteRecordFactory(institute=institute, kind=InstituteRecordKind.CONTRACT, name="合同甲")
    InstituteRecordFactory(institute=institute, kind=InstituteRecordKind.CONTRACT, name="合同乙")
    client.force_login(w.staff)

    response = client.get(detail("institute", institute))
    records = next(s for s in response.context["sections"] if s.key == "instituterecord")
    shown = response.content.decode()

    kinds = [record.kind for record in records.records]
    assert kinds == sorted(kinds)  # one run of rows per kind, each under its heading
    assert shown.count(str(InstituteRecordKind.CONTRACT.label)) == 1
    assert shown.index("合同甲") < shown.index("合同乙")


def test_an_institute_manager_files_a_kpi_report_shown_as_self_reported(client, make_user):
    import datetime as dt

    from kechuang.accounts.enums import RoleCode
    from kechuang.indicators import engine
    from kechuang.platforms.enums import ReportPeriod
    from kechuang.platforms.models import InstituteReport
    from tests.platforms.factories import InstituteFactory

    institute = InstituteFactory()
    manager = make_user(RoleCode.ORGANISATION, organisation=institute.organisation)
    client.force_login(manager)
    url = reverse("platforms:institutereport-create", args=[institute.pk])

    response = client.post(
        url,
        {
            "year": 2020,
            "period": ReportPeriod.YEAR,
            "tech_income": "1240",
            "patents_granted": 12,
            "submitted_on": "2021-01-20",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    report = InstituteReport.objects.get(institute=institute)
    assert report.created_by == manager
    result = engine.get("institutes.reported_tech_income").evaluate(dt.date(2020, 12, 31))
    assert result.value == 1240
    assert result.as_json()["self_reported"] is True
    other = InstituteFactory()
    response = client.get(reverse("platforms:institutereport-create", args=[other.pk]))
    assert response.status_code in (403, 404)


def test_a_long_section_shows_the_first_records_of_each_group_and_links_to_the_rest(client, w):
    from kechuang.core.record_views import SECTION_ROWS

    institute = w.ours["institute"]
    for n in range(SECTION_ROWS + 5):
        InstituteRecordFactory(
            institute=institute, kind=InstituteRecordKind.SERVICE, name=f"服务{n:02d}"
        )
    client.force_login(w.staff)

    html = page(client, detail("institute", institute))

    assert html.count("服务") >= SECTION_ROWS
    assert "服务14" not in html and "服务00" in html
    assert f"?institute={institute.pk}&amp;kind=service" in html
    assert 'data-testid="section-more"' in html


def test_an_rd_institutions_events_have_a_list_and_pages_but_no_form(client, w):
    """The events come from the lifecycle steps only: shown on the certification's page, in
    their own list and on their own page, never added or edited by hand."""
    from django.urls import NoReverseMatch

    rd = w.ours["rd"]
    event = RDInstitutionEventFactory(institution=rd, document_number="平科〔2021〕2号")
    client.force_login(w.staff)

    listed = page(client, reverse("platforms:rdinstitutionevent-list") + f"?institution={rd.pk}")
    shown = page(client, detail("rdinstitutionevent", event))
    sections = client.get(detail("rdinstitution", rd)).context["sections"]
    section = next(s for s in sections if s.key == "rdinstitutionevent")

    assert "平科〔2021〕2号" in listed and "平科〔2021〕2号" in shown
    assert (section.add_url, section.edit_url, [r.pk for r in section.records]) == (
        "",
        None,
        [event.pk],
    )
    with pytest.raises(NoReverseMatch):
        reverse("platforms:rdinstitutionevent-create", args=[rd.pk])


def test_every_declared_list_and_record_page_answers(client, w):
    """Each record type of the area's declarations (but the applications, whose pages are the
    workflow's): its list, and the page of one of its records."""
    from kechuang.platforms.models import InstituteReport
    from kechuang.platforms.record_types import DECLARED, CertificationApplicationType

    add_rows(w, 1)
    InstituteReport.objects.create(
        institute=w.ours["institute"], year=2023, submitted_on=dt.date(2024, 1, 20)
    )
    client.force_login(w.staff)
    for declared in DECLARED:
        if declared is CertificationApplicationType:
            continue
        name = declared.model._meta.model_name
        listed = page(client, reverse(f"platforms:{name}-list"))
        record = declared.model.objects.order_by("pk").first()
        assert record is not None, name
        assert detail(name, record) in listed, name
        page(client, detail(name, record))


def test_the_incubator_list_counts_who_is_incubated_today(client, w):
    incubator = w.ours["incubator"]
    TenancyFactory(incubator=incubator, entered_on=dt.date(2019, 1, 1))
    TenancyFactory(
        incubator=incubator,
        entered_on=dt.date(2019, 1, 1),
        exited_on=dt.date(2020, 1, 1),
        exit_reason=TenancyEnd.GRADUATED,
    )
    client.force_login(w.staff)

    response = client.get(reverse("platforms:incubator-list") + "?q=东孵化器")
    export = client.get(reverse("platforms:incubator-export") + "?q=东孵化器")

    assert [i.current_tenants for i in response.context["object_list"]] == [2]
    assert export.status_code == 200
