from __future__ import annotations

from django.urls import path

from samen.accounts import views

app_name = "accounts"

urlpatterns = [
    path("inloggen", views.InloggenView.as_view(), name="login"),
    path("inloggen/tweestaps", views.tweestaps, name="tweestaps"),
    path("inloggen/tweestaps/instellen", views.tweestaps_instellen, name="tweestaps-instellen"),
    path("tweestaps/herstelcodes", views.herstelcodes, name="herstelcodes"),
    path("inloggen/oidc", views.OIDCInloggen.as_view(), name="oidc-login"),
    path("inloggen/oidc/terug", views.OIDCTerug.as_view(), name="oidc-callback"),
    path("uitloggen", views.UitloggenView.as_view(), name="logout"),
]
