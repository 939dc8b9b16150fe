from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="list"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("<str:indicator_id>/", views.DrillView.as_view(), name="drill"),
    path("<str:indicator_id>/export.xlsx", views.DrillExportView.as_view(), name="export"),
]
