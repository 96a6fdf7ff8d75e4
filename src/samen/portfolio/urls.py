from __future__ import annotations

from django.urls import path, re_path

from samen.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("voorzieningen", views.catalogus, name="catalogus"),
    path("voorzieningen/nieuw", views.nieuw, name="nieuw"),
    re_path(
        r"^voorzieningen/export\.(?P<fmt>csv-nl|csv|xlsx|json)$",
        views.catalogus_export,
        name="catalogus-export",
    ),
    path("voorzieningen/<uuid:uuid>", views.detail, name="detail"),
    path("voorzieningen/<uuid:uuid>/gemeente", views.mijn_gemeente, name="gemeente"),
    path("voorzieningen/<uuid:uuid>/bewerken", views.bewerken, name="bewerken"),
    path("voorzieningen/<uuid:uuid>/fase", views.fase, name="fase"),
    path(
        "voorzieningen/<uuid:uuid>/fase/terugdraaien",
        views.fase_terugdraaien,
        name="fase-terugdraaien",
    ),
    path("voorzieningen/<uuid:uuid>/scoren", views.scoren, name="scoren"),
    path("prioritering", views.prioritering, name="prioritering"),
    re_path(
        r"^prioritering/export\.(?P<fmt>csv-nl|csv|xlsx|json)$",
        views.prioritering_export,
        name="prioritering-export",
    ),
    path("prioritering/weging/nieuw", views.weging_nieuw, name="weging-nieuw"),
    path(
        "prioritering/weging/<uuid:uuid>/publiceren",
        views.weging_publiceren,
        name="weging-publiceren",
    ),
    path("routekaart", views.routekaart, name="routekaart"),
    path("routekaart/vergelijken", views.routekaart_vergelijken, name="routekaart-vergelijken"),
    path("routekaart/nieuw", views.routekaart_nieuw, name="routekaart-nieuw"),
    path(
        "routekaart/<uuid:uuid>/publiceren",
        views.routekaart_publiceren,
        name="routekaart-publiceren",
    ),
]
