from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.aanbieders.api import VerantwoordingsdocumentViewSet, VraagViewSet

app_name = "aanbieders_api"

router = SimpleRouter(trailing_slash=False)
router.register(
    "verantwoordingsdocumenten", VerantwoordingsdocumentViewSet, basename="verantwoordingsdocument"
)
router.register("vragen", VraagViewSet, basename="vraag")

urlpatterns = router.urls
