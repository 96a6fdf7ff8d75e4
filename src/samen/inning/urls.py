from __future__ import annotations

from django.urls import path

from samen.inning import views

app_name = "inning"

urlpatterns = [
    path("inning", views.inning, name="inning"),
    path("inning/afdrachten", views.afdrachten, name="afdrachten"),
]
