from django.urls import path

from . import import_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("imports/<str:key>/new/", import_views.upload, name="import-upload"),
    path("imports/<str:key>/template.xlsx", import_views.template, name="import-template"),
    path("imports/job/<int:pk>/", import_views.job_detail, name="import-job"),
    path("imports/job/<int:pk>/confirm/", import_views.job_confirm, name="import-confirm"),
]
