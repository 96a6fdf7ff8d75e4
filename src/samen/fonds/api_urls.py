from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.fonds.api import BijdrageViewSet, FondsViewSet

app_name = "fonds_api"

router = SimpleRouter(trailing_slash=False)
router.register("bijdragen", BijdrageViewSet, basename="bijdrage")
router.register("fondsen", FondsViewSet, basename="fonds")

urlpatterns = router.urls
