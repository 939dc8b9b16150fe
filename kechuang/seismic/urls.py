"""Addresses of the earthquake-prevention pages, named as :mod:`kechuang.core.record_urls` names
them (``seismic:<model>-list``, ``-create``, ``-detail``, ``-edit``, ``-export``). Inspections are
recorded on their project's page and station upgrades on their station's: their forms live under
the parent's address, and ``<model>-edit`` with the record alone leads there. Also
``seismic:inspection-close`` (close a rectification) and ``seismic:dashboard``."""

from django.urls import path

from kechuang.core.record_urls import children, records
from kechuang.registry.record_types import ChildEditRedirect

from . import models, views, views_dashboard
from .interfaces import forms
from .record_types import DECLARED

app_name = "seismic"

urlpatterns = [
    path("", views_dashboard.Dashboard.as_view(), name="dashboard"),
    *records(
        "construction-projects",
        views.ConstructionProjectList,
        views.ConstructionProjectDetail,
        forms.ConstructionProjectForm,
    ),
    *children("construction-projects", "inspections", forms.InspectionForm, views.InspectionEdit),
    *records("inspections", views.InspectionList, views.InspectionDetail),
    path(
        "inspections/<int:pk>/edit/",
        ChildEditRedirect.as_view(model=models.Inspection, parent="project"),
        name="inspection-edit",
    ),
    path(
        "inspections/<int:pk>/close/",
        views.CloseRectification.as_view(),
        name="inspection-close",
    ),
    # The declared record types (``record_types.py``).
    *(pattern for declared in DECLARED for pattern in declared.instance.urls()),
]
