from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.inning.api import (
    AchterstalligViewSet,
    AfdrachtViewSet,
    BankafschriftViewSet,
    BetalingViewSet,
    HerinneringViewSet,
)

app_name = "inning_api"

router = SimpleRouter(trailing_slash=False)
router.register("betalingen", BetalingViewSet, basename="betaling")
router.register("bankafschriften", BankafschriftViewSet, basename="bankafschrift")
router.register("afdrachten", AfdrachtViewSet, basename="afdracht")
router.register("achterstallige-facturen", AchterstalligViewSet, basename="achterstallig")
router.register("herinneringen", HerinneringViewSet, basename="herinnering")

urlpatterns = router.urls
