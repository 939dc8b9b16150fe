"""The expert portal: an assigned expert sees the assignment and opens the application; a
conflicted expert — by the undertaker, a cooperating organisation, a declared organisation or
their own declaration — cannot list it, open it or export it; experts reach no staff page."""

import io

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from kechuang.projects.enums import State
from kechuang.projects.models import Assignment
from tests.factories import OrganisationFactory

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertFactory,
    ProjectWorld,
    ReviewFactory,
    put_in_state,
)

pytestmark = pytest.mark.django_db

PORTAL = "projects:expert-portal"


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages are asserted in English (the msgids), whatever the catalogues hold."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(make_user):
    w = ProjectWorld(make_user)
    put_in_state(w.application, State.IN_REVIEW)
    w.application.content = "研制一种能够自主巡检的机器人，识别体温异常。"
    w.application.save()
    return w


def assignment_url(assignment) -> str:
    return reverse("projects:expert-assignment", args=[assignment.pk])


def portal_rows(client) -> str:
    response = client.get(reverse(PORTAL))
    assert response.status_code == 200
    return response.content.decode()


def exported_text(client) -> str:
    response = client.get(reverse("projects:expert-portal-export"))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def test_an_assigned_expert_sees_the_assignment_and_opens_the_application(client, world):
    assignment = AssignmentFactory(application=world.application, expert=world.expert_record)
    world.call.form_fields.create(code="plan", label="实施计划", required=False)
    world.application.answers = {"plan": "分三期实施。"}
    world.application.save()
    client.force_login(world.expert)

    page = portal_rows(client)
    assert world.application.name in page
    assert assignment_url(assignment) in page
    assert world.call.name in page

    response = client.get(assignment_url(assignment))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        world.application.name,
        world.enterprise.name,
        world.partner.name,  # the cooperating organisation
        world.application.leader_name,
        "自主巡检的机器人",
        "分三期实施。",
        "创新性",  # the call's criteria make up the form
        "可行性",
    ):
        assert text in html
    assert 'data-testid="review-form"' in html
    assert 'data-testid="conflict-form"' in html

    assert world.application.name in exported_text(client)


def test_the_portal_groups_by_phase_with_the_due_date_and_the_review_state(client, world):
    phase = world.call.phases.get()
    phase.closes_at = timezone.now() + timezone.timedelta(days=3)
    phase.save()
    done = put_in_state(ApplicationFactory(call=world.call, name="已评审的项目"), State.IN_REVIEW)
    AssignmentFactory(application=world.application, expert=world.expert_record, phase=phase)
    submitted = AssignmentFactory(application=done, expert=world.expert_record, phase=phase)
    ReviewFactory(assignment=submitted, state="submitted", submitted_at=timezone.now())
    client.force_login(world.expert)

    page = portal_rows(client)
    assert f'data-testid="phase-{phase.pk}"' in page
    assert timezone.localtime(phase.closes_at).strftime("%Y-%m-%d %H:%M") in page
    assert 'data-review-state="submitted"' in page
    assert 'data-review-state="none"' in page
    assert "1 review to do" in page


def conflict_by_undertaker(world):
    world.expert_record.organisation = world.enterprise
    world.expert_record.save()


def conflict_by_cooperator(world):
    world.expert_record.organisation = world.partner
    world.expert_record.save()


def conflict_by_declared_undertaker(world):
    world.expert_record.declared_organisations.add(world.enterprise)


def conflict_by_declared_cooperator(world):
    world.expert_record.declared_organisations.add(world.partner)


CONFLICTS = {
    "same organisation as the undertaker": conflict_by_undertaker,
    "a cooperating organisation": conflict_by_cooperator,
    "declared the undertaker": conflict_by_declared_undertaker,
    "declared a cooperator": conflict_by_declared_cooperator,
}


@pytest.mark.parametrize("kind", CONFLICTS)
def test_a_conflicted_expert_cannot_list_open_or_export_the_application(client, world, kind):
    # Assigned first, conflicted afterwards (a cooperator added, a declaration made): the
    # assignment vanishes from the expert's sight.
    assignment = AssignmentFactory(application=world.application, expert=world.expert_record)
    other = put_in_state(ApplicationFactory(call=world.call, name="另一个项目"), State.IN_REVIEW)
    kept = AssignmentFactory(application=other, expert=world.expert_record)
    CONFLICTS[kind](world)
    client.force_login(world.expert)

    page = portal_rows(client)
    assert world.application.name not in page
    assert assignment_url(assignment) not in page
    assert other.name in page  # the unconflicted assignment stays

    assert client.get(assignment_url(assignment)).status_code == 404
    assert client.get(assignment_url(kept)).status_code == 200
    review = reverse("projects:expert-review", args=[assignment.pk])
    assert client.post(review, {"opinion": "x"}).status_code == 404
    conflict = reverse("projects:expert-conflict", args=[assignment.pk])
    assert client.post(conflict, {"note": "x"}).status_code == 404

    exported = exported_text(client)
    assert world.application.name not in exported
    assert other.name in exported


def test_an_expert_who_declares_a_conflict_loses_the_assignment(client, world):
    assignment = AssignmentFactory(application=world.application, expert=world.expert_record)
    client.force_login(world.expert)

    response = client.post(reverse("projects:expert-conflict", args=[assignment.pk]), {"note": ""})
    assert response.status_code == 400  # the reason is required
    assert not Assignment.objects.get(pk=assignment.pk).declared_conflict

    response = client.post(
        reverse("projects:expert-conflict", args=[assignment.pk]),
        {"note": "曾在该企业任职，离职不满三年。"},
    )
    assert response.status_code == 302
    assert response.url == reverse(PORTAL)
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.declared_conflict and stored.conflict_note == "曾在该企业任职，离职不满三年。"

    told = portal_rows(client)  # the message names the project, the list does not
    assert "You declared a conflict of interest" in told
    assert assignment_url(assignment) not in told
    assert world.application.name not in portal_rows(client)
    assert client.get(assignment_url(assignment)).status_code == 404
    assert world.application.name not in exported_text(client)


def test_an_expert_not_assigned_gets_404(client, world, make_user):
    assignment = AssignmentFactory(application=world.application)  # another expert's
    client.force_login(world.expert)
    assert world.application.name not in portal_rows(client)
    assert client.get(assignment_url(assignment)).status_code == 404
    assert (
        client.post(reverse("projects:expert-review", args=[assignment.pk]), {}).status_code == 404
    )


def test_the_portal_is_for_experts_only(client, world):
    client.force_login(world.applicant)
    assert client.get(reverse(PORTAL)).status_code == 403
    assert client.get(reverse("projects:expert-portal-export")).status_code == 403
    client.force_login(world.staff)  # staff without an expert record
    assert client.get(reverse(PORTAL)).status_code == 403


def staff_pages(world, assignment) -> dict[str, list]:
    phase = assignment.phase
    pages = {
        "projects:expert-list": [],
        "projects:expert-detail": [world.expert_record.pk],
        "projects:expert-export": [],
        "projects:assignment": [phase.pk],
        "projects:assignment-candidates": [phase.pk, world.application.pk],
        "projects:call-results": [world.call.pk],
        "projects:call-results-export": [world.call.pk],
        "projects:meeting-list": [],
        # The application pages (another module's): experts have no role permission there.
        "projects:application-list": [],
        "projects:application-detail": [world.application.pk],
        "projects:application-export": [],
        "projects:call-detail": [world.call.pk],
    }
    return pages


def test_an_expert_reaches_no_staff_page(client, world):
    assignment = AssignmentFactory(application=world.application, expert=world.expert_record)
    client.force_login(world.expert)
    reached = []
    for name, args in staff_pages(world, assignment).items():
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:  # the page is not there (yet): nothing to reach
            continue
        status = client.get(url).status_code
        if status not in (403, 404):
            reached.append((name, status))
    assert reached == []
    posts = [
        reverse("projects:assignment-remove", args=[assignment.pk]),
        reverse("projects:assignment-add", args=[assignment.phase_id, world.application.pk]),
    ]
    for url in posts:
        assert client.post(url, {"expert": world.expert_record.pk}).status_code == 403
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_conflicted_expert_is_never_offered_as_a_candidate(client, world):
    expert = ExpertFactory(name="同单位专家", organisation=world.enterprise)
    outsider = ExpertFactory(name="外单位专家", organisation=OrganisationFactory())
    phase = world.call.phases.get()
    client.force_login(world.staff)
    response = client.get(
        reverse("projects:assignment-candidates", args=[phase.pk, world.application.pk])
    )
    html = response.content.decode()
    assert f'data-conflicted="{expert.pk}"' in html
    assert f'data-candidate="{expert.pk}"' not in html
    assert f'data-candidate="{outsider.pk}"' in html
    assert "The expert works for the undertaking organisation." in html


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def attach(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.core.domain import attachments

    upload = SimpleUploadedFile("申报书.pdf", PDF, content_type="application/pdf")
    return attachments.store(world.application, upload, world.staff)


@pytest.mark.parametrize("kind", CONFLICTS)
def test_a_conflicted_expert_cannot_download_the_applications_attachments(client, world, kind):
    attachment = attach(world)
    assignment = AssignmentFactory(application=world.application, expert=world.expert_record)
    CONFLICTS[kind](world)
    client.force_login(world.expert)
    url = reverse("core:attachment-download", args=[attachment.pk])
    assert client.get(url).status_code == 404
    assert client.get(assignment_url(assignment)).status_code == 404


def test_an_assigned_expert_reads_the_attachments_without_changing_them(client, world):
    attachment = attach(world)
    assignment = AssignmentFactory(application=world.application, expert=world.expert_record)
    client.force_login(world.expert)
    page = client.get(assignment_url(assignment)).content.decode()
    assert "申报书.pdf" in page
    assert 'data-testid="attachment-delete"' not in page
    assert 'data-testid="attachment-file"' not in page
    response = client.get(reverse("core:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    delete = reverse("core:attachment-delete", args=[attachment.pk])
    assert client.post(delete).status_code == 403
