"""REST API of the fund (first part): contributions per municipality and reconciliation."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from samen.fonds import queries
from samen.fonds.models import Bijdrage, Fonds


class BijdrageSerializer(serializers.Serializer):
    jaar = serializers.IntegerField(source="regeling.jaar")
    gemeente = serializers.CharField(source="gemeente.code")
    gemeenteNaam = serializers.CharField(source="gemeente.naam")
    inwoners = serializers.IntegerField()
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)


@extend_schema(tags=["fonds"])
class BijdrageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Bijdragen per gemeente per jaar; de aandelen tellen exact op tot het totaal."""

    permissions = {"GET": "fonds.bekijken", "HEAD": "fonds.bekijken"}
    serializer_class = BijdrageSerializer

    @extend_schema(parameters=[OpenApiParameter("jaar", OpenApiTypes.INT, required=True)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Bijdrage.objects.none()
        raw = self.request.query_params.get("jaar", "")
        if not raw.isdigit():
            raise ValidationError({"jaar": ["Verplicht: een jaartal."]})
        return (
            Bijdrage.objects.filter(regeling__jaar=int(raw))
            .select_related("gemeente", "regeling")
            .order_by("gemeente__naam", "id")
        )


class FondsSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    naam = serializers.CharField()
    toelichting = serializers.CharField()


@extend_schema(tags=["fonds"])
class FondsViewSet(viewsets.ReadOnlyModelViewSet):
    """Fondsen met de aansluiting van genoemde totalen op hun regels."""

    permissions = {"GET": "fonds.bekijken", "HEAD": "fonds.bekijken"}
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"
    queryset = Fonds.objects.order_by("id")
    serializer_class = FondsSerializer

    @extend_schema(
        parameters=[OpenApiParameter("jaar", OpenApiTypes.INT, required=True)],
        responses=inline_serializer(
            "Aansluiting",
            {
                "label": serializers.CharField(),
                "genoemd": serializers.DecimalField(max_digits=14, decimal_places=2),
                "berekend": serializers.DecimalField(max_digits=14, decimal_places=2),
                "verschil": serializers.DecimalField(max_digits=14, decimal_places=2),
                "klopt": serializers.BooleanField(),
            },
            many=True,
        ),
    )
    @action(detail=True, methods=["get"], url_path="aansluiting")
    def aansluiting(self, request, uuid=None):
        raw = request.query_params.get("jaar", "")
        if not raw.isdigit():
            raise ValidationError({"jaar": ["Verplicht: een jaartal."]})
        return Response(
            [
                {
                    "label": a.label,
                    "genoemd": str(a.genoemd),
                    "berekend": str(a.berekend),
                    "verschil": str(a.verschil),
                    "klopt": a.klopt,
                }
                for a in queries.reconcile(self.get_object(), int(raw))
            ]
        )
