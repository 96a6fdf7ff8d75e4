from __future__ import annotations

from django.urls import path

from samen.meldingen import views

app_name = "meldingen"
urlpatterns = [
    path("account/meldingen", views.voorkeuren, name="voorkeuren"),
]
