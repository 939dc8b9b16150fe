from django.urls import path

from . import attachment_views, import_views, inbox_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("imports/<str:key>/new/", import_views.upload, name="import-upload"),
    path("imports/<str:key>/template.xlsx", import_views.template, name="import-template"),
    path("imports/job/<int:pk>/", import_views.job_detail, name="import-job"),
    path("imports/job/<int:pk>/confirm/", import_views.job_confirm, name="import-confirm"),
    path("attachments/<int:pk>/", attachment_views.download, name="attachment-download"),
    path("attachments/<int:pk>/delete/", attachment_views.delete, name="attachment-delete"),
    path(
        "attachments/upload/<str:app_label>/<str:model>/<int:object_id>/",
        attachment_views.upload,
        name="attachment-upload",
    ),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox_views.open_notification, name="inbox-open"),
    path("inbox/read-all/", inbox_views.read_all, name="inbox-read-all"),
]
