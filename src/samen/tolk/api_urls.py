from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.tolk.api import (
    TolkAanbodViewSet,
    TolkAanvraagViewSet,
    TolkClientViewSet,
    TolkTarieftabelViewSet,
)

app_name = "tolk_api"

router = SimpleRouter(trailing_slash=False)
router.register("tolkvoorziening/tarieven", TolkTarieftabelViewSet, basename="tarieftabel")
router.register("tolkvoorziening/aanvragen", TolkAanvraagViewSet, basename="aanvraag")
router.register("tolkvoorziening/aanbiedingen", TolkAanbodViewSet, basename="aanbod")
router.register("tolkvoorziening/clienten", TolkClientViewSet, basename="client")

urlpatterns = [
    *router.urls,
]
