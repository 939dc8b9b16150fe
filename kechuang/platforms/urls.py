"""Addresses of the platform pages (named as :mod:`kechuang.core.record_urls` names them:
``platforms:<model>-list``, ``-create``, ``-detail``, ``-edit``, ``-export``); an R&D institution's
lifecycle steps are ``platforms:rdinstitution-upgrade`` (``-rename``, ``-merge``, ``-revoke``)."""

from django.urls import path

from kechuang.core.record_urls import records

from . import views, views_rd
from .application_urls import urlpatterns as application_patterns
from .interfaces import forms
from .record_types import DECLARED

app_name = "platforms"


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
    # The declared record types (``record_types.py``).
    *(pattern for declared in DECLARED for pattern in declared.instance.urls()),
]
