"""The contact-list download; ``services/urls.py`` includes these patterns, so the name is
``services:traininginstitution-contacts``."""

from django.urls import path

from .views_export import InstitutionContactsExportView

urlpatterns = [
    path(
        "training-institutions/contacts.xlsx",
        InstitutionContactsExportView.as_view(),
        name="traininginstitution-contacts",
    ),
]
