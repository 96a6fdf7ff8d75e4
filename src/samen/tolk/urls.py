from __future__ import annotations

app_name = "tolk"

urlpatterns: list = []
