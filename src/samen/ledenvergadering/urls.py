from __future__ import annotations

from django.urls import path

from samen.ledenvergadering import views

app_name = "ledenvergadering"

urlpatterns = [
    path("ledenvergaderingen", views.overzicht, name="overzicht"),
    path("ledenvergaderingen/nieuw", views.nieuw, name="nieuw"),
    path("ledenvergaderingen/stemgewichten", views.stemgewichten, name="stemgewichten"),
    path("ledenvergaderingen/<uuid:uuid>", views.detail, name="detail"),
    path(
        "ledenvergaderingen/<uuid:uuid>/voorstellen",
        views.voorstel_toevoegen,
        name="voorstel_toevoegen",
    ),
    path("ledenvergaderingen/<uuid:uuid>/actie", views.actie, name="actie"),
    path("ledenvergaderingen/<uuid:uuid>/uitslag.<str:fmt>", views.export, name="export"),
]
