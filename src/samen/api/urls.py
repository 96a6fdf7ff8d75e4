from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from samen.api import views
from samen.gemeenten.api import BevolkingView, GemeenteViewSet

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("gemeenten", GemeenteViewSet, basename="gemeente")

urlpatterns = [
    path("", views.root, name="root"),
    path("openapi.json", views.openapi_document, {"fmt": "json"}, name="openapi-json"),
    path("openapi.yaml", views.openapi_document, {"fmt": "yaml"}, name="openapi-yaml"),
    path("bevolking", BevolkingView.as_view(), name="bevolking"),
    *router.urls,
]
