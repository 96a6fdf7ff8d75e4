from __future__ import annotations

from django.urls import path

from samen.aanbieders import views

app_name = "aanbieders"

urlpatterns = [
    path("verantwoording-aanbieders", views.overzicht, name="overzicht"),
    path("verantwoording-aanbieders/<uuid:uuid>", views.document, name="document"),
    path("verantwoording-aanbieders/<uuid:uuid>.pdf", views.bestand, name="bestand"),
]
