from __future__ import annotations

from django.urls import path

from samen.financiering import views

app_name = "financiering"

urlpatterns = [
    path("financiering", views.overzicht, name="overzicht"),
    path("financiering/beheer", views.beheer, name="beheer"),
    path("financiering/verdeelsleutels/<uuid:uuid>", views.verdeelsleutel, name="verdeelsleutel"),
    path("financiering/compensaties", views.compensaties, name="compensaties"),
    path("financiering/regionale-compensatie", views.regios, name="regios"),
]
