from __future__ import annotations

from django.urls import path

from samen.besluiten import views

app_name = "besluiten"

urlpatterns = [
    path("besluiten", views.lijst, name="lijst"),
    path("besluiten/<uuid:uuid>", views.besluit_detail, name="besluit"),
    path("verzoeken/<uuid:uuid>", views.verzoek_detail, name="verzoek"),
    path("verzoeken/<uuid:uuid>/steun", views.verzoek_steun, name="verzoek-steun"),
    path("voorzieningen/<uuid:uuid>/verzoek", views.verzoek_nieuw, name="verzoek-nieuw"),
]
