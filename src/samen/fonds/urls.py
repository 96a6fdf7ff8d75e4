from __future__ import annotations

from django.urls import path, re_path

from samen.fonds import views

app_name = "fonds"

urlpatterns = [
    path("fonds", views.overzicht, name="overzicht"),
    path("fonds/bijdragen", views.bijdragen, name="bijdragen"),
    re_path(r"^fonds/bijdragen\.(?P<fmt>csv|csv-nl|xlsx)$", views.bijdragen_export, name="export"),
    path("fonds/wat-als", views.wat_als, name="wat-als"),
    path("fonds/controle", views.controle, name="controle"),
    path("fonds/meerjarenbegroting", views.meerjarenbegroting, name="meerjarenbegroting"),
    path("fonds/beheer", views.beheer, name="beheer"),
    path("fonds/verantwoording", views.verantwoording, name="verantwoording"),
]
