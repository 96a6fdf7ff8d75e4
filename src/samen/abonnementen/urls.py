from __future__ import annotations

from django.urls import path, re_path

from samen.abonnementen import views

app_name = "abonnementen"

urlpatterns = [
    path("abonnementen", views.overzicht, name="overzicht"),
    path("abonnementen/<uuid:uuid>", views.arrangement, name="arrangement"),
    path("abonnementen/<uuid:uuid>/wat-als", views.wat_als, name="wat-als"),
    path("facturen", views.facturen, name="facturen"),
    re_path(r"^facturen\.(?P<fmt>csv-nl|csv|xlsx)$", views.facturen_export, name="export"),
    path("facturen/<uuid:uuid>", views.factuur, name="factuur"),
    path("facturen/<uuid:uuid>.pdf", views.factuur_pdf, name="pdf"),
    path("facturen/runs/<uuid:uuid>", views.run, name="run"),
    path("facturen/<uuid:uuid>.xml", views.factuur_ubl, name="ubl"),
    path("facturen/gegevens", views.factuurgegevens_overzicht, name="factuurgegevens-overzicht"),
    path("facturen/gegevens/<str:code>", views.factuurgegevens, name="factuurgegevens"),
]
