from __future__ import annotations

app_name = "inning"

urlpatterns: list = []
