"""Addresses of the platform pages. Names follow the model: ``platforms:<model>-list``,
``-create``, ``-detail``, ``-edit``, ``-export``; records entered on a parent's page are
``platforms:<model>-create`` / ``-edit`` under the parent's address; an R&D institution's
lifecycle steps are ``platforms:rdinstitution-upgrade`` (``-rename``, ``-merge``, ``-revoke``)."""

from django.urls import path

from . import views, views_rd
from .application_urls import urlpatterns as application_patterns
from .interfaces import forms

app_name = "platforms"


def records(prefix: str, list_view, detail_view=None, form_class=None, edit_view=None) -> list:
    """The pages of one kind of record: its list (and export), detail page and form (through
    ``edit_view``, ``RecordEditView`` unless given)."""
    name = list_view.model._meta.model_name
    patterns = [path(f"{prefix}/", list_view.as_view(), name=f"{name}-list")]
    if list_view.export:
        export = views.RecordExportView.as_view(list_view=list_view)
        patterns.append(path(f"{prefix}/export.xlsx", export, name=f"{name}-export"))
    if detail_view:
        patterns.append(path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}-detail"))
    if form_class:
        edit = (edit_view or views.RecordEditView).as_view(form_class=form_class)
        patterns += [
            path(f"{prefix}/new/", edit, name=f"{name}-create"),
            path(f"{prefix}/<int:pk>/edit/", edit, name=f"{name}-edit"),
        ]
    return patterns


def children(parent_prefix: str, segment: str, form_class) -> list:
    """The form of records entered on a parent's page, under the parent's address."""
    name = form_class._meta.model._meta.model_name
    edit = views.ChildEditView.as_view(form_class=form_class)
    base = f"{parent_prefix}/<int:parent_pk>/{segment}"
    return [
        path(f"{base}/new/", edit, name=f"{name}-create"),
        path(f"{base}/<int:pk>/", edit, name=f"{name}-edit"),
    ]


urlpatterns = [
    *application_patterns,
    *records(
        "rd-institutions",
        views.RDInstitutionList,
        views.RDInstitutionDetail,
        forms.RDInstitutionForm,
        views.RDInstitutionEdit,
    ),
    # Its lifecycle steps; its events come from them only (no form of their own).
    *[
        path(
            f"rd-institutions/<int:pk>/{key}/",
            views_rd.RDStepView.as_view(key=key),
            name=f"rdinstitution-{key}",
        )
        for key in views_rd.STEPS
    ],
    *records("institutes", views.InstituteList, views.InstituteDetail, forms.InstituteForm),
    *children("institutes", "talents", forms.InstituteTalentForm),
    *children("institutes", "incubation-projects", forms.IncubationProjectForm),
    *children("institutes", "records", forms.InstituteRecordForm),
    *children("institutes", "reports", forms.InstituteReportForm),
    *records("institute-talents", views.InstituteTalentList),
    *records("incubation-projects", views.IncubationProjectList),
    *records("institute-records", views.InstituteRecordList),
    *records("institute-reports", views.InstituteReportList),
    *records("incubators", views.IncubatorList, views.IncubatorDetail, forms.IncubatorForm),
    *children("incubators", "tenancies", forms.TenancyForm),
    *children("incubators", "talents", forms.IncubatorTalentForm),
    *records("tenancies", views.TenancyList),
    *records("incubator-talents", views.IncubatorTalentList),
    *records(
        "zone-evaluations",
        views.ZoneEvaluationList,
        views.ZoneEvaluationDetail,
        forms.ZoneEvaluationForm,
    ),
    *records(
        "agri-platforms", views.AgriPlatformList, views.AgriPlatformDetail, forms.AgriPlatformForm
    ),
    *records(
        "academician-cooperations",
        views.AcademicianCooperationList,
        views.AcademicianCooperationDetail,
        forms.AcademicianCooperationForm,
    ),
    *records(
        "signing-events", views.SigningEventList, views.SigningEventDetail, forms.SigningEventForm
    ),
    *children("signing-events", "projects", forms.SignedProjectForm),
    *records("signed-projects", views.SignedProjectList),
    *records(
        "major-projects", views.MajorProjectList, views.MajorProjectDetail, forms.MajorProjectForm
    ),
    *children("major-projects", "stages", forms.MajorProjectStageForm),
]
