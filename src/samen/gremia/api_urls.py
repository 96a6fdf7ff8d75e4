from __future__ import annotations

from rest_framework.routers import SimpleRouter

app_name = "gremia_api"

router = SimpleRouter(trailing_slash=False)

urlpatterns = [
    *router.urls,
]
