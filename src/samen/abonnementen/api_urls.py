from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.abonnementen.api import (
    AbonnementViewSet,
    ArrangementViewSet,
    FactuurrunViewSet,
    FactuurViewSet,
    TariefViewSet,
)

app_name = "abonnementen_api"

router = SimpleRouter(trailing_slash=False)
router.register("arrangementen", ArrangementViewSet, basename="arrangement")
router.register("tarieven", TariefViewSet, basename="tarief")
router.register("abonnementen", AbonnementViewSet, basename="abonnement")
router.register("factuurruns", FactuurrunViewSet, basename="factuurrun")
router.register("facturen", FactuurViewSet, basename="factuur")

urlpatterns = router.urls
