from __future__ import annotations

app_name = "financiering"

urlpatterns: list = []
