from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from samen.deelnames.api import DeelnameViewSet, DekkingView

app_name = "deelnames_api"

router = SimpleRouter(trailing_slash=False)
router.register("deelnames", DeelnameViewSet, basename="deelname")

urlpatterns = [
    path("voorzieningen/<uuid:uuid>/dekking", DekkingView.as_view(), name="dekking"),
    *router.urls,
]
