"""Addresses of the platform pages: each declared record type's (``record_types.py``:
``platforms:<model>-list``, ``-create``, ``-detail``, ``-edit``, ``-export``), an R&D
institution's lifecycle steps (``platforms:rdinstitution-upgrade``, ``-rename``, ``-merge``,
``-revoke``); the certification applications' pages are ``platforms:application-list``
(``-export``, ``-create``, ``-detail``, ``-edit``, ``-transition``)."""

from django.urls import path

from . import views_rd
from .record_types import DECLARED

app_name = "platforms"


urlpatterns = [
    # An R&D institution's lifecycle steps; its events come from them only.
    *[
        path(
            f"rd-institutions/<int:pk>/{key}/",
            views_rd.RDStepView.as_view(key=key),
            name=f"rdinstitution-{key}",
        )
        for key in views_rd.STEPS
    ],
    # The declared record types (``record_types.py``).
    *(pattern for declared in DECLARED for pattern in declared.instance.urls()),
]
