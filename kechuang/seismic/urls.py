"""Addresses of the earthquake-prevention pages: the declared record types' (``record_types``:
``seismic:<model>-list``, ``-create``, ``-detail``, ``-edit``, ``-export``; inspections are
recorded on their project's page and station upgrades on their station's, their forms under the
parent's address, and ``<model>-edit`` with the record alone leads there), closing an
inspection's rectification (``seismic:inspection-close``) and the dashboard
(``seismic:dashboard``)."""

from django.urls import path

from . import views, views_dashboard
from .record_types import DECLARED

app_name = "seismic"

urlpatterns = [
    path("", views_dashboard.Dashboard.as_view(), name="dashboard"),
    path(
        "inspections/<int:pk>/close/",
        views.CloseRectification.as_view(),
        name="inspection-close",
    ),
    *(pattern for declared in DECLARED for pattern in declared.instance.urls()),
]
