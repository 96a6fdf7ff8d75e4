from __future__ import annotations

from django.urls import path

from samen.tolk import views

app_name = "tolk"

urlpatterns = [
    path("tolkvoorziening/dag", views.dag, name="dag"),
    path("tolkvoorziening/agenda", views.agenda, name="agenda"),
    path("tolkvoorziening/clienten", views.clienten, name="clienten"),
    path("tolkvoorziening/clienten/<uuid:uuid>", views.client, name="client"),
    path("tolkvoorziening/afrekening", views.afrekening, name="afrekening"),
    path("tolkvoorziening/tarieven", views.tarieven, name="tarieven"),
]
