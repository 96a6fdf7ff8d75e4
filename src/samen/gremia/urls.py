from __future__ import annotations

app_name = "gremia"

urlpatterns: list = []
