from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
