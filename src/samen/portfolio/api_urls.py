from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.portfolio.api import (
    CriteriumViewSet,
    RoutekaartViewSet,
    VoorzieningViewSet,
    WegingViewSet,
)

app_name = "portfolio_api"

router = SimpleRouter(trailing_slash=False)
router.register("voorzieningen", VoorzieningViewSet, basename="voorziening")
router.register("criteria", CriteriumViewSet, basename="criterium")
router.register("wegingen", WegingViewSet, basename="weging")
router.register("routekaarten", RoutekaartViewSet, basename="routekaart")

urlpatterns = router.urls
