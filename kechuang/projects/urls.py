"""Addresses of the plan-project pages (namespace ``projects``), grouped as the page modules of
``views/`` are: one record the user works with per part."""

from django.urls import path

from kechuang.core.record_views import RecordExportView

from .record_types import ExpertType
from .views import (
    applicant_portal,
    applications,
    assignments,
    calls,
    extensions,
    meetings,
    results,
    reviews,
    staff_portal,
)

app_name = "projects"


def export(list_view):
    """Exactly the filtered list of ``list_view`` as Excel (its ``export``)."""
    return RecordExportView.as_view(list_view=list_view)


urlpatterns = [
    # Calls (申报指南)
    path("calls/", calls.CallListView.as_view(), name="call-list"),
    path("calls/export.xlsx", export(calls.CallListView), name="call-export"),
    path("calls/new/", calls.CallEditView.as_view(), name="call-create"),
    path("calls/<int:pk>/", calls.CallDetailView.as_view(), name="call-detail"),
    path("calls/<int:pk>/edit/", calls.CallEditView.as_view(), name="call-edit"),
    # Applications: the project through its life
    path("calls/<int:call_pk>/apply/", applications.application_create, name="application-create"),
    path("applications/", applications.ApplicationListView.as_view(), name="application-list"),
    path(
        "applications/export.xlsx",
        applications.ApplicationExportView.as_view(),
        name="application-export",
    ),
    path(
        "applications/<int:pk>/",
        applications.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application-edit"),
    path(
        "applications/<int:pk>/transitions/<slug:transition_id>/",
        applications.ApplicationTransitionView.as_view(),
        name="application-transition",
    ),
    # Extension requests of a running project
    path(
        "applications/<int:pk>/extensions/",
        extensions.extension_request,
        name="extension-request",
    ),
    path("extensions/<int:pk>/decide/", extensions.extension_decide, name="extension-decide"),
    # The bureau's portal (queues and batch actions) and the applicant's
    path("portal/", staff_portal.staff_portal, name="staff-portal"),
    path("portal/batch/", staff_portal.staff_batch, name="staff-batch"),
    path("portal/applicant/", applicant_portal.applicant_portal, name="applicant-portal"),
    # The expert pool (declared: ``record_types.py``)
    *ExpertType.instance.urls(),
    # Assigning experts, per review phase of a call
    path("review-phases/<int:pk>/assignment/", assignments.assignment_page, name="assignment"),
    path(
        "review-phases/<int:pk>/assignment/auto/",
        assignments.assignment_auto,
        name="assignment-auto",
    ),
    path(
        "review-phases/<int:pk>/assignment/<int:application_pk>/",
        assignments.assignment_candidates,
        name="assignment-candidates",
    ),
    path(
        "review-phases/<int:pk>/assignment/<int:application_pk>/add/",
        assignments.assignment_add,
        name="assignment-add",
    ),
    path("assignments/<int:pk>/remove/", assignments.assignment_remove, name="assignment-remove"),
    # Review results of a call
    path("calls/<int:pk>/results/", results.call_results, name="call-results"),
    path(
        "calls/<int:pk>/results/export/",
        results.call_results_export,
        name="call-results-export",
    ),
    # The expert portal: an expert's assignments and reviews
    path("expert/", reviews.expert_portal, name="expert-portal"),
    path("expert/export/", reviews.expert_portal_export, name="expert-portal-export"),
    path("expert/assignments/<int:pk>/", reviews.expert_assignment, name="expert-assignment"),
    path("expert/assignments/<int:pk>/review/", reviews.expert_review_save, name="expert-review"),
    path(
        "expert/assignments/<int:pk>/conflict/",
        reviews.expert_declare_conflict,
        name="expert-conflict",
    ),
    # Acceptance meetings: sessions, agenda, panel, conclusions and sheets
    path("meetings/", meetings.MeetingList.as_view(), name="meeting-list"),
    path("meetings/export.xlsx", export(meetings.MeetingList), name="meeting-export"),
    path("meetings/new/", meetings.meeting_edit, name="meeting-create"),
    path("meetings/<int:pk>/", meetings.MeetingDetail.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/sessions/new/", meetings.session_edit, name="session-create"),
    path(
        "meetings/<int:pk>/sessions/<int:session_pk>/edit/",
        meetings.session_edit,
        name="session-edit",
    ),
    path(
        "meetings/<int:pk>/sessions/<int:session_pk>/delete/",
        meetings.session_delete,
        name="session-delete",
    ),
    path("meetings/<int:pk>/schedule/", meetings.meeting_schedule, name="meeting-schedule"),
    path(
        "meetings/<int:pk>/agenda/<int:slot_pk>/remove/",
        meetings.meeting_unschedule,
        name="meeting-unschedule",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:slot_pk>/conclude/",
        meetings.meeting_conclude,
        name="meeting-conclude",
    ),
    path("meetings/<int:pk>/panel/add/", meetings.meeting_panel_add, name="meeting-panel-add"),
    path(
        "meetings/<int:pk>/panel/<int:member_pk>/remove/",
        meetings.meeting_panel_remove,
        name="meeting-panel-remove",
    ),
    path("meetings/<int:pk>/sign-in.xlsx", meetings.meeting_sign_in, name="meeting-sign-in"),
    path(
        "meetings/<int:pk>/score-sheet.xlsx",
        meetings.meeting_score_sheet,
        name="meeting-score-sheet",
    ),
]
