from django.urls import path

from . import api

urlpatterns = [
    path("indicators/", api.IndicatorListView.as_view(), name="indicator-list"),
    path(
        "indicators/<str:indicator_id>/",
        api.IndicatorDetailView.as_view(),
        name="indicator-detail",
    ),
]
