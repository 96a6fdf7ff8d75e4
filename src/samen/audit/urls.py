from __future__ import annotations

from django.urls import path

from samen.audit import views

app_name = "audit"

urlpatterns = [path("audit", views.zoeken, name="zoeken")]
