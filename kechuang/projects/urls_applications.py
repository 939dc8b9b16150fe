"""Addresses of calls, applications (projects through their life) and the staff and applicant
portals (included by urls.py under the ``projects`` namespace)."""

from django.urls import path

from . import views, views_portal

urlpatterns = [
    path("calls/", views.CallListView.as_view(), name="call-list"),
    path("calls/new/", views.CallEditView.as_view(), name="call-create"),
    path("calls/<int:pk>/", views.CallDetailView.as_view(), name="call-detail"),
    path("calls/<int:pk>/edit/", views.CallEditView.as_view(), name="call-edit"),
    path("calls/<int:call_pk>/apply/", views.application_create, name="application-create"),
    path("applications/", views.ApplicationListView.as_view(), name="application-list"),
    path(
        "applications/export.xlsx",
        views.ApplicationExportView.as_view(),
        name="application-export",
    ),
    path(
        "applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"
    ),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path(
        "applications/<int:pk>/transitions/<slug:transition_id>/",
        views.ApplicationTransitionView.as_view(),
        name="application-transition",
    ),
    path("applications/<int:pk>/extensions/", views.extension_request, name="extension-request"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
    path("portal/", views_portal.staff_portal, name="staff-portal"),
    path("portal/batch/", views_portal.staff_batch, name="staff-batch"),
    path("portal/applicant/", views_portal.applicant_portal, name="applicant-portal"),
]
