"""Review forms and scores, in the domain and through the expert's pages: score = Σ value ×
weight; the call's aggregation (mean, median, mean without the highest and the lowest) with
hand-computed numbers; values outside 0..max refused; submission needs every criterion and an
opinion; a submitted review is final; a stale version is refused; other experts' reviews only
when the phase shows them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kechuang.accounts.enums import RoleCode
from kechuang.projects.domain import reviews, scoring
from kechuang.projects.domain.reviews import ReviewError
from kechuang.projects.enums import Aggregation, ReviewState, State
from kechuang.projects.models import Review
from tests.factories import OrganisationFactory

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertFactory,
    ProjectWorld,
    put_in_state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(make_user):
    w = ProjectWorld(make_user)
    put_in_state(w.application, State.IN_REVIEW)
    w.innovation = w.call.criteria.get(code="innovation")  # weight 0.6, max 100
    w.feasibility = w.call.criteria.get(code="feasibility")  # weight 0.4, max 100
    w.phase = w.call.phases.get()
    w.assignment = AssignmentFactory(
        application=w.application, expert=w.expert_record, phase=w.phase
    )
    return w


def values(world, innovation, feasibility) -> dict:
    return {world.innovation.pk: innovation, world.feasibility.pk: feasibility}


def form_data(world, innovation="", feasibility="", opinion="", version=0, submit=False):
    data = {
        f"criterion_{world.innovation.pk}": innovation,
        f"criterion_{world.feasibility.pk}": feasibility,
        "opinion": opinion,
        "version": version,
    }
    data["submit" if submit else "save"] = "1"
    return data


def review_url(world):
    return reverse("projects:expert-review", args=[world.assignment.pk])


def page_url(world):
    return reverse("projects:expert-assignment", args=[world.assignment.pk])


def other_expert(world, make_user, name, **extra):
    user = make_user(RoleCode.EXPERT)
    expert = ExpertFactory(name=name, user=user, organisation=OrganisationFactory(), **extra)
    assignment = AssignmentFactory(application=world.application, expert=expert, phase=world.phase)
    return user, assignment


# Scores ---------------------------------------------------------------------------------------


def test_score_is_the_sum_of_value_times_weight(world):
    review = reviews.save_review(
        world.assignment, world.expert, values(world, "80", "90"), "创新性较强。", submit=True
    )
    # 80 × 0.6 + 90 × 0.4 = 48 + 36 = 84
    assert scoring.review_score(review) == Decimal("84.00")
    result = scoring.application_scores(world.application)
    assert [e.score for e in result.experts] == [Decimal("84.00")]
    assert result.aggregate == Decimal("84.00")
    assert result.complete


def test_a_draft_does_not_count_until_submitted(world):
    reviews.save_review(world.assignment, world.expert, values(world, "80", "90"), "")
    result = scoring.application_scores(world.application)
    assert result.aggregate is None
    assert result.submitted == 0 and result.assigned == 1
    assert not result.complete


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        # Scores 84, 70, 91.2, 60, 75 — sorted 60, 70, 75, 84, 91.2.
        (Aggregation.MEAN, Decimal("76.04")),  # 380.2 / 5
        (Aggregation.MEDIAN, Decimal("75.00")),  # the middle one
        (Aggregation.TRIMMED_MEAN, Decimal("76.33")),  # (70 + 75 + 84) / 3 = 76.333…
    ],
)
def test_the_call_aggregates_its_experts_scores(world, make_user, how, expected):
    world.call.aggregation = how
    world.call.reviewers_per_application = 5
    world.call.save()
    given = [("80", "90"), ("70", "70"), ("92", "90"), ("60", "60"), ("75", "75")]
    users = [(world.expert, world.assignment)] + [
        other_expert(world, make_user, f"评审专家{i}") for i in range(4)
    ]
    for (user, assignment), (a, b) in zip(users, given, strict=True):
        reviews.save_review(assignment, user, values(world, a, b), "意见", submit=True)

    result = scoring.application_scores(world.application)
    assert sorted(e.score for e in result.experts) == [
        Decimal("60.00"),
        Decimal("70.00"),
        Decimal("75.00"),
        Decimal("84.00"),
        Decimal("91.20"),
    ]
    assert result.aggregate == expected


def test_aggregation_by_hand():
    scores = [Decimal("90"), Decimal("80"), Decimal("40"), Decimal("85")]
    assert scoring.aggregate(scores, Aggregation.MEAN) == Decimal("73.75")  # 295 / 4
    assert scoring.aggregate(scores, Aggregation.MEDIAN) == Decimal("82.50")  # (80 + 85) / 2
    assert scoring.aggregate(scores, Aggregation.TRIMMED_MEAN) == Decimal("82.50")  # (80+85)/2
    # With fewer than three scores nothing is left once the extremes go: the plain mean.
    assert scoring.aggregate(scores[:2], Aggregation.TRIMMED_MEAN) == Decimal("85.00")
    assert scoring.aggregate([], Aggregation.MEAN) is None


# Values, submission, versions -------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["101", "-1", "100.01", "abc"])
def test_values_outside_the_range_are_refused(world, bad):
    with pytest.raises(ReviewError) as error:
        reviews.save_review(world.assignment, world.expert, values(world, bad, "50"), "")
    assert "创新性" in error.value.message
    assert not Review.objects.exists()


def test_the_highest_value_is_the_criterions_own(world):
    world.feasibility.max_value = Decimal(10)
    world.feasibility.save()
    with pytest.raises(ReviewError, match="from 0 to 10"):
        reviews.save_review(world.assignment, world.expert, values(world, "50", "11"), "")
    review = reviews.save_review(world.assignment, world.expert, values(world, "100", "10"), "")
    assert scoring.review_score(review) == Decimal("64.00")  # 100 × 0.6 + 10 × 0.4


def test_the_page_refuses_a_value_out_of_range_and_keeps_nothing(client, world):
    client.force_login(world.expert)
    response = client.post(review_url(world), form_data(world, "150", "80", "好"))
    assert response.status_code == 400
    assert "创新性: give a value from 0 to 100" in response.content.decode()
    assert not Review.objects.exists()


def test_submission_needs_every_criterion_and_an_opinion(world):
    with pytest.raises(ReviewError) as error:
        reviews.save_review(
            world.assignment, world.expert, values(world, "80", ""), "", submit=True
        )
    assert "Score every criterion before submitting: 可行性." in error.value.message
    assert "Write your opinion before submitting." in error.value.message
    with pytest.raises(ReviewError, match="Write your opinion"):
        reviews.save_review(
            world.assignment, world.expert, values(world, "80", "70"), "  ", submit=True
        )
    # A draft may be incomplete.
    draft = reviews.save_review(world.assignment, world.expert, values(world, "80", ""), "")
    assert draft.state == ReviewState.DRAFT


def test_the_page_saves_a_draft_then_submits(client, world):
    client.force_login(world.expert)
    response = client.post(review_url(world), form_data(world, "80", "", "初步意见"))
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.state == ReviewState.DRAFT
    page = client.get(page_url(world)).content.decode()
    assert "Draft saved." in page
    assert 'value="80.00"' in page  # the draft's value is back in the form
    assert 'name="version" value="1"' in page

    response = client.post(
        review_url(world), form_data(world, "80", "", "初步意见", version=1, submit=True)
    )
    assert response.status_code == 400
    assert "Score every criterion before submitting: 可行性." in response.content.decode()

    response = client.post(
        review_url(world), form_data(world, "80", "90", "同意立项。", version=1, submit=True)
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED and review.opinion == "同意立项。"
    assert scoring.review_score(review) == Decimal("84.00")


def test_a_submitted_review_is_read_only(client, world):
    reviews.save_review(
        world.assignment, world.expert, values(world, "80", "90"), "同意", submit=True
    )
    with pytest.raises(ReviewError, match="has been submitted"):
        reviews.save_review(world.assignment, world.expert, values(world, "10", "10"), "改")

    client.force_login(world.expert)
    page = client.get(page_url(world)).content.decode()
    assert 'data-testid="closed"' in page
    assert "You submitted this review" in page
    assert f'name="criterion_{world.innovation.pk}"' not in page  # no inputs
    assert 'data-testid="submit-review"' not in page
    assert 'data-testid="conflict-form"' not in page
    assert 'data-testid="my-score"' in page and "84.00" in page

    review = Review.objects.get()
    response = client.post(
        review_url(world), form_data(world, "10", "10", "改", version=review.version)
    )
    assert response.status_code == 400
    assert "it can no longer be changed" in response.content.decode()
    review.refresh_from_db()
    assert review.opinion == "同意"
    assert scoring.review_score(review) == Decimal("84.00")


def test_a_stale_version_is_refused(client, world):
    client.force_login(world.expert)
    # Two windows open the empty form (version 0); the first saves.
    assert (
        client.post(review_url(world), form_data(world, "80", "90", "第一个窗口")).status_code
        == 302
    )
    response = client.post(review_url(world), form_data(world, "10", "10", "第二个窗口"))
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    review = Review.objects.get()
    assert review.opinion == "第一个窗口" and review.version == 1

    # The same with a review already saved: one window saves version 1 → 2, the other is stale.
    assert (
        client.post(review_url(world), form_data(world, "81", "90", "更新", version=1)).status_code
        == 302
    )
    response = client.post(review_url(world), form_data(world, "1", "1", "旧", version=1))
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.opinion == "更新" and review.version == 2


def test_the_form_closes_after_the_due_date(client, world):
    world.phase.closes_at = timezone.now() - dt.timedelta(hours=1)
    world.phase.save()
    with pytest.raises(ReviewError, match="were due by"):
        reviews.save_review(world.assignment, world.expert, values(world, "80", "90"), "")
    client.force_login(world.expert)
    page = client.get(page_url(world)).content.decode()
    assert "were due by" in page and 'data-testid="submit-review"' not in page
    response = client.post(review_url(world), form_data(world, "80", "90", "迟到", submit=True))
    assert response.status_code == 400
    assert "the form is closed" in response.content.decode()
    assert not Review.objects.exists()


# Other experts' reviews ----------------------------------------------------------------------


def test_others_reviews_only_when_the_phase_shows_them(client, world, make_user):
    other_user, other = other_expert(world, make_user, "另一位专家")
    reviews.save_review(other, other_user, values(world, "70", "60"), "方案可行。", submit=True)
    drafting_user, drafting = other_expert(world, make_user, "起草中的专家")
    reviews.save_review(drafting, drafting_user, values(world, "10", "10"), "草稿意见")
    client.force_login(world.expert)

    assert reviews.others_reviews(world.assignment, world.expert) == []
    page = client.get(page_url(world)).content.decode()
    assert 'data-testid="others"' not in page
    assert "方案可行。" not in page

    world.phase.show_others_reviews = True
    world.phase.save()
    shown = reviews.others_reviews(world.assignment, world.expert)
    assert [r.assignment.expert.name for r in shown] == ["另一位专家"]  # submitted ones only
    page = client.get(page_url(world)).content.decode()
    assert 'data-testid="others"' in page
    assert "另一位专家" in page and "方案可行。" in page
    assert "66.00" in page  # 70 × 0.6 + 60 × 0.4
    assert "草稿意见" not in page and "起草中的专家" not in page


def test_a_conflicted_experts_review_is_not_shown_to_others(world, make_user):
    world.phase.show_others_reviews = True
    world.phase.save()
    other_user, other = other_expert(world, make_user, "后来冲突的专家")
    reviews.save_review(other, other_user, values(world, "70", "60"), "意见", submit=True)
    other.declared_conflict = True
    other.save()
    assert reviews.others_reviews(world.assignment, world.expert) == []
    assert scoring.application_scores(world.application).aggregate is None


def test_only_an_application_in_review_takes_reviews(world):
    put_in_state(world.application, State.APPROVED)
    world.assignment.refresh_from_db()
    with pytest.raises(ReviewError, match="no longer in expert review"):
        reviews.save_review(world.assignment, world.expert, values(world, "80", "90"), "")


def test_someone_elses_assignment_cannot_be_reviewed(world, make_user):
    from django.core.exceptions import PermissionDenied

    other_app = put_in_state(ApplicationFactory(call=world.call), State.IN_REVIEW)
    theirs = AssignmentFactory(application=other_app, phase=world.phase)
    with pytest.raises(PermissionDenied):
        reviews.save_review(theirs, world.expert, values(world, "80", "90"), "")
