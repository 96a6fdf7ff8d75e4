from __future__ import annotations

from django.urls import path, re_path

from samen.gremia import views

app_name = "gremia"

FMT = r"(?P<fmt>csv|csv-nl|xlsx|json)"
UUID = r"(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"

urlpatterns = [
    path("gremia", views.lijst, name="lijst"),
    path("gremia/beheer", views.beheer, name="beheer"),
    path("gremia/secretariaat", views.secretariaat, name="secretariaat"),
    path("gremia/<uuid:uuid>", views.detail, name="detail"),
    path("gremia/<uuid:uuid>/beheer", views.beheer_gremium, name="beheer_gremium"),
    path("gremia/<uuid:uuid>/reglementen", views.reglementen, name="reglementen"),
    re_path(
        rf"^gremia/{UUID}/samenstelling\.{FMT}$",
        views.samenstelling_export,
        name="samenstelling_export",
    ),
    path("reglementen/<uuid:uuid>/pdf", views.reglement_pdf, name="reglement_pdf"),
    path("vergaderingen", views.vergaderingen, name="vergaderingen"),
    path("vergaderingen/<uuid:uuid>", views.vergadering, name="vergadering"),
    path("vergaderingen/<uuid:uuid>/beheer", views.vergadering_beheer, name="vergadering_beheer"),
    re_path(
        rf"^vergaderingen/{UUID}/besluitenlijst\.{FMT}$",
        views.besluitenlijst_export,
        name="besluitenlijst_export",
    ),
]
