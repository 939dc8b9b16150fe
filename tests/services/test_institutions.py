"""Training institutions: the admission checklist's overall status (computed, in Python and in
SQL alike), recording checks, rectifications found on visits."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kechuang.audit.models import AuditEvent
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem
from kechuang.services.domain import institutions
from kechuang.services.domain.errors import ServicesError
from kechuang.services.enums import AdmissionStatus, CheckResult, Criterion
from kechuang.services.models import InstitutionCheck, TrainingInstitution
from kechuang.services.reference import CRITERIA

from .factories import (
    InstitutionCheckFactory,
    InstitutionVisitFactory,
    TrainingInstitutionFactory,
    item,
)

pytestmark = pytest.mark.django_db

MET, NOT_MET, NA = CheckResult.MET, CheckResult.NOT_MET, CheckResult.NOT_APPLICABLE


def criteria():
    return list(institutions.active_criteria())


def with_results(results, **fields):
    """An institution with ``results`` (None: no check) on the active criteria, in order."""
    institution = TrainingInstitutionFactory(**fields)
    for criterion, result in zip(criteria(), results, strict=False):
        if result is not None:
            InstitutionCheckFactory(institution=institution, criterion=criterion, result=result)
    return institution


def sql_status(institution):
    return TrainingInstitution.objects.with_admission().get(pk=institution.pk).admission_status


def test_the_reference_data_has_the_checklist(reference_data):
    assert [c.code for c in criteria()] == [code for code, _name, _en in CRITERIA]
    assert {c.name for c in criteria()} >= {"办学场地安全", "消防验收", "预收费监管"}


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ((), AdmissionStatus.PENDING),
        ((MET,) * 7, AdmissionStatus.ADMITTED),
        ((MET, NA, MET, MET, NA, MET, MET), AdmissionStatus.ADMITTED),
        ((MET, MET, MET, MET, MET, MET, None), AdmissionStatus.PENDING),
        ((MET, NOT_MET, MET, MET, MET, MET, MET), AdmissionStatus.NOT_ADMITTED),
        ((NOT_MET,), AdmissionStatus.NOT_ADMITTED),  # not met wins over missing results
        ((NA,) * 7, AdmissionStatus.ADMITTED),
    ],
)
def test_overall_status(reference_data, results, expected):
    institution = with_results(results)
    assert institutions.admission_status(institution) == expected
    assert sql_status(institution) == expected


def test_sql_annotation_agrees_with_the_rule_for_every_pattern(reference_data):
    # Every pattern of results over the first three criteria, the other four met.
    patterns = list(itertools.product((None, MET, NOT_MET, NA), repeat=3))
    made = [with_results((*p, MET, MET, MET, MET)) for p in patterns]
    annotated = dict(
        TrainingInstitution.objects.with_admission()
        .filter(pk__in=[i.pk for i in made])
        .values_list("pk", "admission_status")
    )
    for institution, pattern in zip(made, patterns, strict=True):
        expected = institutions.status_of((*pattern, MET, MET, MET, MET))
        assert institutions.admission_status(institution) == expected
        assert annotated[institution.pk] == expected, pattern
    counts = {
        status: TrainingInstitution.objects.admission(status)
        .filter(pk__in=[i.pk for i in made])
        .count()
        for status in AdmissionStatus.values
    }
    assert counts == {
        AdmissionStatus.NOT_ADMITTED: 4**3 - 3**3,  # any of the three not met
        AdmissionStatus.PENDING: 3**3 - 2**3,  # none not met, some missing
        AdmissionStatus.ADMITTED: 2**3,
    }


def test_only_active_criteria_count(reference_data):
    institution = with_results((MET, MET, MET, MET, MET, MET, NOT_MET))
    assert sql_status(institution) == AdmissionStatus.NOT_ADMITTED
    CodeItem.objects.filter(
        code_list=CodeList.INSTITUTION_CRITERION, code=Criterion.PREPAYMENT_SUPERVISION
    ).update(active=False)
    assert institutions.admission_status(institution) == AdmissionStatus.ADMITTED
    assert sql_status(institution) == AdmissionStatus.ADMITTED

    # A criterion added to the list leaves every institution pending until it is checked.
    new = item(CodeList.INSTITUTION_CRITERION, "insurance")
    assert institutions.admission_status(institution) == AdmissionStatus.PENDING
    assert sql_status(institution) == AdmissionStatus.PENDING
    InstitutionCheckFactory(institution=institution, criterion=new, result=NA)
    assert sql_status(institution) == AdmissionStatus.ADMITTED


def test_checklist_lists_every_active_criterion(reference_data):
    institution = with_results((MET, None, NOT_MET))
    rows = institutions.checklist(institution)
    assert [r.criterion.code for r in rows] == [code for code, _n, _e in CRITERIA]
    assert [r.result for r in rows[:4]] == [MET, None, NOT_MET, None]


def test_record_check_creates_then_replaces(w):
    institution = TrainingInstitutionFactory(town=w.east)
    check = institutions.record_check(
        institution, Criterion.FIRE_ACCEPTANCE, NOT_MET, w.east_officer, note="未通过消防验收"
    )
    assert (check.result, check.checked_by, check.created_by) == (
        NOT_MET,
        w.east_officer,
        w.east_officer,
    )
    again = institutions.record_check(
        institution, Criterion.FIRE_ACCEPTANCE, MET, w.staff, checked_on=dt.date(2021, 6, 1)
    )
    assert again.pk == check.pk
    assert InstitutionCheck.objects.filter(institution=institution).count() == 1
    again.refresh_from_db()
    assert (again.result, again.checked_by, again.checked_on, again.version) == (
        MET,
        w.staff,
        dt.date(2021, 6, 1),
        2,
    )


def test_record_check_refusals(w):
    institution = TrainingInstitutionFactory(town=w.east)
    with pytest.raises(PermissionDenied):
        institutions.record_check(institution, Criterion.SITE_SAFETY, MET, w.west_officer)
    with pytest.raises(PermissionDenied):
        institutions.record_check(institution, Criterion.SITE_SAFETY, MET, w.a_user)
    with pytest.raises(ServicesError, match="not a check result"):
        institutions.record_check(institution, Criterion.SITE_SAFETY, "maybe", w.staff)
    with pytest.raises(ServicesError, match="not an item"):
        institutions.record_check(institution, "no_such_criterion", MET, w.staff)
    CodeItem.objects.filter(
        code_list=CodeList.INSTITUTION_CRITERION, code=Criterion.SITE_SAFETY
    ).update(active=False)
    with pytest.raises(ServicesError, match="not an item"):
        institutions.record_check(institution, Criterion.SITE_SAFETY, MET, w.staff)
    assert not InstitutionCheck.objects.filter(institution=institution).exists()


def test_one_check_per_criterion_in_the_database(reference_data):
    check = InstitutionCheckFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionCheck.objects.create(
            institution=check.institution, criterion=check.criterion, result=NOT_MET
        )


def test_close_rectification(w):
    visit = InstitutionVisitFactory(
        institution__town=w.east,
        visited_on=dt.date(2021, 5, 10),
        rectification_required=True,
        rectification_due=dt.date(2021, 6, 10),
    )
    with pytest.raises(PermissionDenied):
        institutions.close_rectification(visit, w.west_officer, on=dt.date(2021, 6, 1))
    with pytest.raises(ServicesError, match="before the visit"):
        institutions.close_rectification(visit, w.east_officer, on=dt.date(2021, 5, 1))
    before = AuditEvent.objects.count()
    institutions.close_rectification(
        visit, w.east_officer, on=dt.date(2021, 6, 1), note="已清理消防通道"
    )
    assert (visit.rectified_on, visit.closure_note, visit.version) == (
        dt.date(2021, 6, 1),
        "已清理消防通道",
        2,
    )
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.changes["rectified_on"] == [None, "2021-06-01"]
    with pytest.raises(ServicesError, match="already closed"):
        institutions.close_rectification(visit, w.east_officer, on=dt.date(2021, 6, 2))

    nothing_required = InstitutionVisitFactory(institution__town=w.east)
    with pytest.raises(ServicesError, match="required no rectification"):
        institutions.close_rectification(nothing_required, w.staff)


def test_visit_validation_and_constraints(reference_data):
    visit = InstitutionVisitFactory.build(
        institution=TrainingInstitutionFactory(), rectified_on=dt.date(2021, 6, 1)
    )
    with pytest.raises(ValidationError) as caught:
        visit.full_clean()
    assert "rectified_on" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        visit.save()
    early = InstitutionVisitFactory.build(
        institution=TrainingInstitutionFactory(),
        rectification_required=True,
        rectification_due=dt.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        early.full_clean()
    assert "rectification_due" in caught.value.message_dict


def test_credit_code_is_validated_and_optional(reference_data):
    bad = TrainingInstitutionFactory.build(town=TrainingInstitutionFactory().town, uscc="123")
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert "uscc" in caught.value.message_dict
    # Several institutions without a code: stored as NULL, not a repeated empty string.
    TrainingInstitutionFactory(uscc="")
    TrainingInstitutionFactory(uscc="")
    assert TrainingInstitution.objects.filter(uscc__isnull=True).count() >= 2
