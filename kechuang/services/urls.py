"""Addresses of the services pages, named as the declarations name them
(``services:<model>-list``, ``-export``, ``-detail``, ``-create``, ``-edit``; records entered on
a parent's page have ``-create``/``-edit`` under the parent's address). Steps:
``services:traininginstitution-checklist``, ``institutionvisit-close``, ``followup-close``,
``policy-new-version``, ``policyversion-edit`` (the draft), ``policyversion-start_consultation``,
``policyversion-adopt``, ``policyversion-withdraw``, ``consultationopinion-reply``; and
``services:my-activities`` for a commissioner's own login, and
``services:traininginstitution-contacts`` (the institutions' contact list in Excel)."""

from django.urls import path

from . import views, views_export, views_mine, views_steps
from .record_types import DECLARED

app_name = "services"


def detail(prefix: str, view) -> list:
    """The page of a record entered on its parent's page (it has no list of its own)."""
    name = view.model._meta.model_name
    return [path(f"{prefix}/<int:pk>/", view.as_view(), name=f"{name}-detail")]


urlpatterns = [
    # The training institutions' contact list (before their pages).
    path(
        "training-institutions/contacts.xlsx",
        views_export.InstitutionContactsExportView.as_view(),
        name="traininginstitution-contacts",
    ),
    path("my-activities/", views_mine.MyActivities.as_view(), name="my-activities"),
    # Training institutions
    path(
        "training-institutions/<int:pk>/checklist/",
        views_steps.Checklist.as_view(),
        name="traininginstitution-checklist",
    ),
    path(
        "institution-visits/<int:pk>/close/",
        views_steps.CloseRectification.as_view(),
        name="institutionvisit-close",
    ),
    # Field visits
    path("follow-ups/<int:pk>/close/", views_steps.CloseFollowUp.as_view(), name="followup-close"),
    # Policies
    path(
        "policies/<int:pk>/new-version/",
        views_steps.NewVersion.as_view(),
        name="policy-new-version",
    ),
    *detail("policy-versions", views.PolicyVersionDetail),
    path(
        "policy-versions/<int:pk>/edit/",
        views_steps.EditDraft.as_view(),
        name="policyversion-edit",
    ),
    *[
        path(
            f"policy-versions/<int:pk>/{step.step_id.replace('_', '-')}/",
            step.as_view(),
            name=f"policyversion-{step.step_id}",
        )
        for step in (views_steps.StartConsultation, views_steps.Adopt, views_steps.Withdraw)
    ],
    *detail("consultation-opinions", views.ConsultationOpinionDetail),
    path(
        "consultation-opinions/<int:pk>/reply/",
        views_steps.RecordOpinion.as_view(),
        name="consultationopinion-reply",
    ),
    # The declared record types (``record_types.py``).
    *(pattern for declared in DECLARED for pattern in declared.instance.urls()),
]
