from __future__ import annotations

app_name = "overeenkomsten"

urlpatterns: list = []
