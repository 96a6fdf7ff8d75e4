from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.besluiten.api import BesluitViewSet, VerzoekViewSet

app_name = "besluiten_api"

router = SimpleRouter(trailing_slash=False)
router.register("verzoeken", VerzoekViewSet, basename="verzoek")
router.register("besluiten", BesluitViewSet, basename="besluit")

urlpatterns = router.urls
