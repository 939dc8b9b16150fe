"""Pages of the R&D institution certification workflow (included by urls.py)."""

from django.urls import path

from . import views_applications as views

urlpatterns = [
    path("applications/", views.ApplicationListView.as_view(), name="application-list"),
    path("applications/new/", views.application_edit, name="application-create"),
    path(
        "applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"
    ),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path(
        "applications/<int:pk>/transitions/<slug:transition_id>/",
        views.ApplicationTransitionView.as_view(),
        name="application-transition",
    ),
]
