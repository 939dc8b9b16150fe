from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

admin.site.site_header = "科创 kechuang"

urlpatterns = [
    path("", include("kechuang.core.urls")),
    path("accounts/", include("kechuang.accounts.urls")),
    path("audit/", include("kechuang.audit.urls")),
    path("registry/", include("kechuang.registry.urls")),
    path("platforms/", include("kechuang.platforms.urls")),
    path("projects/", include("kechuang.projects.urls")),
    path("seismic/", include("kechuang.seismic.urls")),
    path("services/", include("kechuang.services.urls")),
    path("indicators/", include("kechuang.indicators.urls")),
    path("api/v1/", include("kechuang.registry.api_urls")),
    path("api/v1/", include("kechuang.platforms.api_urls")),
    path("api/v1/", include("kechuang.projects.api_urls")),
    path("api/v1/", include("kechuang.indicators.api_urls")),
    path("api/v1/", include("kechuang.seismic.api_urls")),
    path("api/v1/", include("kechuang.services.api_urls")),
    # The schema and its Swagger page are for signed-in users (a token works for the schema);
    # the "split" page loads its start-up script as a file, which the CSP admits.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="api-schema",
    ),
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema",
                template_name="api/swagger_ui.html",
                permission_classes=[IsAuthenticated],
            )
        ),
        name="api-docs",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
