from __future__ import annotations

app_name = "ledenvergadering"

urlpatterns: list = []
