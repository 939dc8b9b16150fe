"""The services record types declared in ``kechuang/services/record_types.py``: what their
declarations give beyond the hand-wired pages they replaced (the institution visits' Excel
export of exactly the filtered list), and what stays the area's own (an institution's checks
are recorded on its checklist page, not as a section of their own)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kechuang.registry.record_types import menu
from kechuang.services.models import InstitutionVisit

from .factories import (
    InstitutionCheckFactory,
    InstitutionContactFactory,
    InstitutionVisitFactory,
    TrainingInstitutionFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args) -> str:
    return reverse(f"services:{name}", args=args)


def sheet(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.fixture
def visits(w):
    east = TrainingInstitutionFactory(name="东科创学堂", town=w.east)
    west = TrainingInstitutionFactory(name="西科创学堂", town=w.west)
    open_one = InstitutionVisitFactory(
        institution=east,
        visited_on=dt.date(2021, 5, 10),
        visitors="张三",
        rectification_required=True,
        rectification_due=dt.date(2021, 6, 10),
    )
    InstitutionVisitFactory(institution=east, visited_on=dt.date(2021, 4, 1))
    InstitutionVisitFactory(institution=west, visited_on=dt.date(2021, 4, 2))
    return east, west, open_one


def test_the_institution_visits_export_exactly_the_filtered_list(client, w, visits):
    east, _west, _open_one = visits
    client.force_login(w.east_officer)  # exports the institutions, so their visits too

    listed = client.get(url("institutionvisit-list"))
    response = client.get(url("institutionvisit-export") + "?open_rectification=true")

    assert url("institutionvisit-export") in listed.content.decode()
    assert response.status_code == 200
    rows = sheet(response)
    assert rows[0][:3] == ["机构名称", "走访日期", "走访人员"]
    assert [row[:3] for row in rows[1:]] == [["东科创学堂", dt.date(2021, 5, 10), "张三"]]
    everything = sheet(client.get(url("institutionvisit-export")))
    assert len(everything) - 1 == InstitutionVisit.objects.filter(institution=east).count()


def test_the_visits_export_needs_the_institutions_export_permission(client, w, visits):
    client.force_login(w.a_user)
    assert client.get(url("institutionvisit-export")).status_code == 403


def test_an_institutions_page_shows_its_checks_as_the_checklist(client, w):
    institution = TrainingInstitutionFactory(town=w.east)
    InstitutionContactFactory(institution=institution)
    InstitutionVisitFactory(institution=institution)
    check = InstitutionCheckFactory(institution=institution)
    client.force_login(w.staff)

    page = client.get(institution.get_absolute_url())

    keys = [section.key for section in page.context["sections"]]
    assert keys == ["institutioncontact", "institutionvisit"]
    assert page.context["checklist"]
    checklist = url("traininginstitution-checklist", institution.pk)
    for address in (
        url("institutioncheck-create", institution.pk),
        url("institutioncheck-edit", institution.pk, check.pk),
        url("institutioncheck-edit", check.pk),
    ):
        assert client.get(address).url == checklist


def test_the_menu_lists_the_declared_services(w):
    keys = [entry["key"] for entry in menu("services", w.staff)]
    assert {"traininginstitution", "institutionvisit"} <= set(keys)
    assert not {"institutioncontact", "institutioncheck"} & set(keys)


def test_the_follow_ups_menu_entry_opens_on_the_open_ones(w):
    entries = {entry["key"]: entry["url"] for entry in menu("services", w.staff)}
    assert entries["followup"] == url("followup-list") + "?state=open"
    assert "fieldvisit" in entries
    assert "visitissue" not in entries


def test_a_visits_page_shows_its_issues_with_their_follow_ups_count(client, w):
    from .factories import FieldVisitFactory, FollowUpFactory, VisitIssueFactory

    visit = FieldVisitFactory(town=w.east)
    issue = VisitIssueFactory(visit=visit)
    FollowUpFactory(issue=issue)
    FollowUpFactory(issue=issue)
    client.force_login(w.staff)

    page = client.get(visit.get_absolute_url())

    sections = {section.key: section for section in page.context["sections"]}
    assert list(sections) == ["visitissue", "followup"]
    (shown,) = sections["visitissue"].records
    assert shown.follow_up_count == 2
    assert len(sections["followup"].records) == 2


def test_the_menu_lists_the_declared_records_in_the_areas_order(w):
    keys = [entry["key"] for entry in menu("services", w.staff)]
    assert keys == [
        "commissioner",
        "serviceassignment",
        "activity",
        "traininginstitution",
        "institutionvisit",
        "fieldvisit",
        "followup",
        "policy",
    ]
    officer = [entry["key"] for entry in menu("services", w.east_officer)]
    assert "commissioner" in officer and "policy" not in officer


def test_an_individual_commissioners_page_has_no_members_section(client, w):
    client.force_login(w.staff)
    page = client.get(w.a.get_absolute_url())
    assert [s.key for s in page.context["sections"]] == ["serviceassignment", "activity"]


def test_my_activities_form_is_the_declared_activity_form(w):
    from kechuang.services.record_types import ActivityType
    from kechuang.services.views_mine import MyActivityForm

    assert issubclass(MyActivityForm, ActivityType.instance.Form)
    form = MyActivityForm(user=w.a_user, commissioners=w.a.__class__.objects.filter(pk=w.a.pk))
    assert "commissioner" not in form.fields  # the login's own


def test_a_closed_visit_cannot_be_moved_past_its_closing(client, w):
    """The form has the visit's date but not the closing date (a step of its own): moving the
    visit after the closing is refused on the visit's date, with the rule's words, not by the
    database."""
    institution = TrainingInstitutionFactory(town=w.east)
    visit = InstitutionVisitFactory(
        institution=institution,
        visited_on=dt.date(2024, 3, 1),
        rectification_required=True,
        rectification_due=dt.date(2024, 3, 31),
        rectified_on=dt.date(2024, 3, 10),
    )
    client.force_login(w.staff)
    edit = url("institutionvisit-edit", institution.pk, visit.pk)
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(visited_on="2024-04-01", rectification_due="2024-04-30", version=visit.version)

    response = client.post(edit, {k: v for k, v in data.items() if v != ""})

    assert response.status_code == 200
    assert response.context["form"].errors["visited_on"] == ["整改关闭日期不能早于走访日期。"]
    visit.refresh_from_db()
    assert visit.visited_on == dt.date(2024, 3, 1)
