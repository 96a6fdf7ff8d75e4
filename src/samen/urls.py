from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from samen.api import views as api_views

admin.site.site_header = "Samen beheer"
admin.site.site_title = "Samen beheer"
admin.site.index_title = "Beheer"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("samen.api.urls")),
    path("api/v1/", include("samen.portfolio.api_urls")),
    path("api/v1/", include("samen.besluiten.api_urls")),
    path("api/v1/", include("samen.deelnames.api_urls")),
    path("api/v1/", include("samen.fonds.api_urls")),
    path("api/v1/", include("samen.abonnementen.api_urls")),
    path("api/v1/", include("samen.inning.api_urls")),
    path("api/v1/", include("samen.aanbieders.api_urls")),
    path("api/v1/", include("samen.audit.api_urls")),
    path("api/v1/", include("samen.gremia.api_urls")),
    path("api/v1/", include("samen.ledenvergadering.api_urls")),
    path("api/v1/", include("samen.overeenkomsten.api_urls")),
    path("api/v1/", include("samen.financiering.api_urls")),
    path("api/v1/", include("samen.tolk.api_urls")),
    path("api/v1", api_views.root),
    path("", include("samen.accounts.urls")),
    path("", include("samen.besluiten.urls")),
    path("", include("samen.deelnames.urls")),
    path("", include("samen.fonds.urls")),
    path("", include("samen.abonnementen.urls")),
    path("", include("samen.inning.urls")),
    path("", include("samen.aanbieders.urls")),
    path("", include("samen.portfolio.urls")),
    path("", include("samen.audit.urls")),
    path("", include("samen.meldingen.urls")),
    path("", include("samen.gremia.urls")),
    path("", include("samen.ledenvergadering.urls")),
    path("", include("samen.overeenkomsten.urls")),
    path("", include("samen.financiering.urls")),
    path("", include("samen.tolk.urls")),
    path("", include("samen.web.urls")),
]

handler400 = "samen.web.views.error_400"
handler403 = "samen.web.views.error_403"
handler404 = "samen.web.views.error_404"
handler500 = "samen.web.views.error_500"
