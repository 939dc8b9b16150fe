from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/export.xlsx", views.organisation_export, name="organisation-export"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:org_pk>/years/new/", views.year_edit, name="year-create"),
    path("organisations/<int:org_pk>/years/<int:pk>/", views.year_edit, name="year-edit"),
    path(
        "organisations/<int:org_pk>/qualifications/new/",
        views.qualification_edit,
        name="qualification-create",
    ),
    path(
        "organisations/<int:org_pk>/qualifications/<int:pk>/",
        views.qualification_edit,
        name="qualification-edit",
    ),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/new/", views.person_edit, name="person-create"),
    path("people/export.xlsx", views.person_export, name="person-export"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
]
