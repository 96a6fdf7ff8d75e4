from __future__ import annotations

from django.urls import path, re_path

from samen.deelnames import map as kaart
from samen.deelnames import views

app_name = "deelnames"

urlpatterns = [
    path("voorzieningen/<uuid:uuid>/deelnemers", views.deelnemers, name="deelnemers"),
    re_path(
        r"^voorzieningen/(?P<uuid>[0-9a-f-]{36})/deelnemers\.(?P<fmt>csv-nl|csv|xlsx)$",
        views.deelnemers_export,
        name="deelnemers-export",
    ),
    path("voorzieningen/<uuid:uuid>/deelnemen", views.aanmelden, name="aanmelden"),
    path("voorzieningen/<uuid:uuid>/kaart", kaart.kaart, name="kaart"),
    path("deelnames/upload", views.upload, name="upload"),
    path("ondersteuning", views.ondersteuning, name="ondersteuning"),
    path("voortgang", views.voortgang, name="voortgang"),
    path("deelnames/<uuid:uuid>", views.deelname, name="deelname"),
]
