"""Addresses of the earthquake-prevention pages, named as :mod:`kechuang.core.record_urls` names
them (``seismic:<model>-list``, ``-create``, ``-detail``, ``-edit``, ``-export``). Inspections are
recorded on their project's page and station upgrades on their station's: their forms live under
the parent's address, and ``<model>-edit`` with the record alone leads there. Also
``seismic:inspection-close`` (close a rectification) and ``seismic:dashboard``."""

from django.urls import path

from kechuang.core.record_urls import children, records

from . import models, views, views_dashboard
from .interfaces import forms
from .record_types import (
    BudgetLineType,
    HouseDesignType,
    OutreachEventType,
    SafetyEvaluationType,
    TrainingType,
)

app_name = "seismic"

urlpatterns = [
    path("", views_dashboard.Dashboard.as_view(), name="dashboard"),
    *records("zonation", views.TownZonationList, views.TownZonationDetail, forms.TownZonationForm),
    *records(
        "construction-projects",
        views.ConstructionProjectList,
        views.ConstructionProjectDetail,
        forms.ConstructionProjectForm,
    ),
    *children("construction-projects", "inspections", forms.InspectionForm, views.InspectionEdit),
    *SafetyEvaluationType.instance.urls(),
    *records("inspections", views.InspectionList, views.InspectionDetail),
    path(
        "inspections/<int:pk>/edit/",
        views.ChildEditRedirect.as_view(model=models.Inspection, parent="project"),
        name="inspection-edit",
    ),
    path(
        "inspections/<int:pk>/close/",
        views.CloseRectification.as_view(),
        name="inspection-close",
    ),
    *records(
        "raised-fortification",
        views.RaisedFortificationList,
        views.RaisedFortificationDetail,
        forms.RaisedFortificationForm,
    ),
    *records(
        "demonstration-sites",
        views.DemonstrationSiteList,
        views.DemonstrationSiteDetail,
        forms.DemonstrationSiteForm,
    ),
    *records("shelters", views.ShelterList, views.ShelterDetail, forms.ShelterForm),
    *records(
        "stations",
        views.MonitoringStationList,
        views.MonitoringStationDetail,
        forms.MonitoringStationForm,
    ),
    *children("stations", "upgrades", forms.StationUpgradeForm),
    *records("station-upgrades", views.StationUpgradeList, views.StationUpgradeDetail),
    path(
        "station-upgrades/<int:pk>/edit/",
        views.ChildEditRedirect.as_view(model=models.StationUpgrade, parent="station"),
        name="stationupgrade-edit",
    ),
    *TrainingType.instance.urls(),
    *HouseDesignType.instance.urls(),
    *OutreachEventType.instance.urls(),
    *BudgetLineType.instance.urls(),
    *records(
        "plans-and-documents",
        views.PlanDocumentList,
        views.PlanDocumentDetail,
        forms.PlanDocumentForm,
    ),
    *records("assessments", views.AssessmentList, views.AssessmentDetail, forms.AssessmentForm),
]
