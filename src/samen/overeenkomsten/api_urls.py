from __future__ import annotations

from rest_framework.routers import SimpleRouter

app_name = "overeenkomsten_api"

router = SimpleRouter(trailing_slash=False)

urlpatterns = [
    *router.urls,
]
