from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.gremia.api import GremiumViewSet, VergaderingViewSet

app_name = "gremia_api"

router = SimpleRouter(trailing_slash=False)
router.register("gremia", GremiumViewSet, basename="gremium")
router.register("vergaderingen", VergaderingViewSet, basename="vergadering")

urlpatterns = [
    *router.urls,
]
