"""Addresses of the expert pool, the assignment of experts, review results, the expert portal
and the acceptance meetings (namespace ``projects``, included by ``urls.py``)."""

from django.urls import path

from . import views_review as v

urlpatterns = [
    # The expert pool
    path("experts/", v.ExpertList.as_view(), name="expert-list"),
    path("experts/new/", v.expert_edit, name="expert-create"),
    path("experts/export/", v.expert_export, name="expert-export"),
    path("experts/<int:pk>/", v.ExpertDetail.as_view(), name="expert-detail"),
    path("experts/<int:pk>/edit/", v.expert_edit, name="expert-edit"),
    # Assigning experts, per review phase of a call
    path("review-phases/<int:pk>/assignment/", v.assignment_page, name="assignment"),
    path("review-phases/<int:pk>/assignment/auto/", v.assignment_auto, name="assignment-auto"),
    path(
        "review-phases/<int:pk>/assignment/<int:application_pk>/",
        v.assignment_candidates,
        name="assignment-candidates",
    ),
    path(
        "review-phases/<int:pk>/assignment/<int:application_pk>/add/",
        v.assignment_add,
        name="assignment-add",
    ),
    path("assignments/<int:pk>/remove/", v.assignment_remove, name="assignment-remove"),
    # Review results of a call
    path("calls/<int:pk>/results/", v.call_results, name="call-results"),
    path("calls/<int:pk>/results/export/", v.call_results_export, name="call-results-export"),
    # The expert portal
    path("expert/", v.expert_portal, name="expert-portal"),
    path("expert/export/", v.expert_portal_export, name="expert-portal-export"),
    path("expert/assignments/<int:pk>/", v.expert_assignment, name="expert-assignment"),
    path("expert/assignments/<int:pk>/review/", v.expert_review_save, name="expert-review"),
    path(
        "expert/assignments/<int:pk>/conflict/",
        v.expert_declare_conflict,
        name="expert-conflict",
    ),
    # Acceptance meetings
    path("meetings/", v.MeetingList.as_view(), name="meeting-list"),
    path("meetings/new/", v.meeting_edit, name="meeting-create"),
    path("meetings/<int:pk>/", v.MeetingDetail.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", v.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/sessions/new/", v.session_edit, name="session-create"),
    path("meetings/<int:pk>/sessions/<int:session_pk>/edit/", v.session_edit, name="session-edit"),
    path(
        "meetings/<int:pk>/sessions/<int:session_pk>/delete/",
        v.session_delete,
        name="session-delete",
    ),
    path("meetings/<int:pk>/schedule/", v.meeting_schedule, name="meeting-schedule"),
    path(
        "meetings/<int:pk>/agenda/<int:slot_pk>/remove/",
        v.meeting_unschedule,
        name="meeting-unschedule",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:slot_pk>/conclude/",
        v.meeting_conclude,
        name="meeting-conclude",
    ),
    path("meetings/<int:pk>/panel/add/", v.meeting_panel_add, name="meeting-panel-add"),
    path(
        "meetings/<int:pk>/panel/<int:member_pk>/remove/",
        v.meeting_panel_remove,
        name="meeting-panel-remove",
    ),
    path("meetings/<int:pk>/sign-in.xlsx", v.meeting_sign_in, name="meeting-sign-in"),
    path("meetings/<int:pk>/score-sheet.xlsx", v.meeting_score_sheet, name="meeting-score-sheet"),
]
