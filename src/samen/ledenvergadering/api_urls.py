from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.ledenvergadering.api import (
    LedenvergaderingAmendementViewSet,
    LedenvergaderingStemViewSet,
    LedenvergaderingViewSet,
    LedenvergaderingVoorstelViewSet,
)

app_name = "ledenvergadering_api"

router = SimpleRouter(trailing_slash=False)
router.register("ledenvergaderingen", LedenvergaderingViewSet, basename="ledenvergadering")
router.register(
    "ledenvergadering-voorstellen", LedenvergaderingVoorstelViewSet, basename="voorstel"
)
router.register(
    "ledenvergadering-amendementen", LedenvergaderingAmendementViewSet, basename="amendement"
)
router.register("ledenvergadering-stemmen", LedenvergaderingStemViewSet, basename="stem")

urlpatterns = [
    *router.urls,
]
