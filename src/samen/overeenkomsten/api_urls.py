from __future__ import annotations

from rest_framework.routers import SimpleRouter

from samen.overeenkomsten.api import OndertekeningViewSet, OvereenkomstViewSet

app_name = "overeenkomsten_api"

router = SimpleRouter(trailing_slash=False)
router.register("overeenkomsten", OvereenkomstViewSet, basename="overeenkomst")
router.register("ondertekeningen", OndertekeningViewSet, basename="ondertekening")

urlpatterns = [
    *router.urls,
]
