from __future__ import annotations

from django.urls import path

from samen.overeenkomsten import views

app_name = "overeenkomsten"

urlpatterns = [
    path("overeenkomsten", views.lijst, name="lijst"),
    path("overeenkomsten/<uuid:uuid>", views.overeenkomst, name="overeenkomst"),
    path("overeenkomsten/<uuid:uuid>/herinneren", views.herinneren, name="herinneren"),
    path("overeenkomsten/<uuid:uuid>/gemeenten/<str:code>", views.gemeente, name="gemeente"),
]
