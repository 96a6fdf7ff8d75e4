from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.fonds.api import (
    AutorisatieViewSet,
    BegrotingspostViewSet,
    BijdrageViewSet,
    CompartimentViewSet,
    FondsViewSet,
    RealisatieViewSet,
    VerplichtingViewSet,
)

app_name = "fonds_api"

router = SimpleRouter(trailing_slash=False)
router.register("bijdragen", BijdrageViewSet, basename="bijdrage")
router.register("fondsen", FondsViewSet, basename="fonds")
router.register("compartimenten", CompartimentViewSet, basename="compartiment")
router.register("begrotingsposten", BegrotingspostViewSet, basename="begrotingspost")
router.register("autorisaties", AutorisatieViewSet, basename="autorisatie")
router.register("verplichtingen", VerplichtingViewSet, basename="verplichting")
router.register("realisaties", RealisatieViewSet, basename="realisatie")

urlpatterns = router.urls
