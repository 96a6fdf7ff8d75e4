from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.financiering.api import CompensatieViewSet, RegioViewSet, VerdeelsleutelViewSet

app_name = "financiering_api"

router = SimpleRouter(trailing_slash=False)
router.register("verdeelsleutels", VerdeelsleutelViewSet, basename="verdeelsleutel")
router.register("compensaties", CompensatieViewSet, basename="compensatie")
router.register("regios", RegioViewSet, basename="regio")

urlpatterns = [
    *router.urls,
]
