from django.urls import path

from . import views
from .declarations import DECLARED

app_name = "registry"
urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/export.xlsx", views.organisation_export, name="organisation-export"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    # The declared record types (``declarations.py``).
    *(url for record_type in DECLARED for url in record_type.instance.urls()),
]
