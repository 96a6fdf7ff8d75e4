from __future__ import annotations

from django.urls import path, re_path

from samen.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("gemeenten", views.gemeente_lijst, name="gemeenten"),
    path("gemeenten/<str:code>", views.gemeente_detail, name="gemeente"),
    re_path(
        r"^gemeenten/(?P<code>[A-Za-z0-9]+)/geld\.(?P<fmt>csv-nl|csv|xlsx)$",
        views.gemeente_geld_export,
        name="gemeente-geld-export",
    ),
    re_path(
        r"^gemeenten/(?P<code>[A-Za-z0-9]+)/facturen\.(?P<fmt>csv-nl|csv|xlsx)$",
        views.gemeente_facturen_export,
        name="gemeente-facturen-export",
    ),
    path("taken/<uuid:uuid>", views.taak_status, name="taak"),
    path("toegankelijkheid", views.toegankelijkheid, name="toegankelijkheid"),
    path("privacy", views.privacy, name="privacy"),
    path("contact", views.contact, name="contact"),
    path("mijn-werk", views.mijn_werk, name="mijn-werk"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
]
