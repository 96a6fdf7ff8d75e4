"""REST API of the municipality register (thin adapter over queries)."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django.db.models import OuterRef, Subquery
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from samen.core.clock import today
from samen.gemeenten import queries
from samen.gemeenten.models import Gemeente, Inwonertal


class ProvincieSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()


class GemeenteSerializer(serializers.ModelSerializer):
    provincie = ProvincieSerializer()
    geldigVan = serializers.DateField(source="geldig_van", allow_null=True)
    geldigTot = serializers.DateField(source="geldig_tot", allow_null=True)
    inwoners = serializers.IntegerField(
        allow_null=True, help_text="Inwoners op 1 januari van het jaar van de peildatum."
    )
    inwonersJaar = serializers.IntegerField(
        source="inwoners_jaar", allow_null=True, help_text="Het jaar van dat inwonertal."
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:gemeente-detail", lookup_field="code")

    class Meta:
        model = Gemeente
        fields = [
            "url",
            "code",
            "naam",
            "provincie",
            "geldigVan",
            "geldigTot",
            "inwoners",
            "inwonersJaar",
        ]


class InwonertalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inwonertal
        fields = ["jaar", "aantal", "bron"]


class OvergangSerializer(serializers.Serializer):
    datum = serializers.DateField(source="herindeling.datum")
    soort = serializers.CharField(source="herindeling.soort")
    code = serializers.CharField()
    naam = serializers.CharField()
    deel = serializers.CharField()
    inwonersOvergegaan = serializers.IntegerField(source="inwoners_overgegaan")


class GemeenteKortSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()


class GemeenteDetailSerializer(GemeenteSerializer):
    inwonertallen = InwonertalSerializer(many=True)
    voorgangers = serializers.SerializerMethodField()
    opvolgers = serializers.SerializerMethodField()
    alleVoorgangers = serializers.SerializerMethodField()
    huidigeOpvolgers = serializers.SerializerMethodField()

    class Meta(GemeenteSerializer.Meta):
        fields = [
            *GemeenteSerializer.Meta.fields,
            "inwonertallen",
            "voorgangers",
            "opvolgers",
            "alleVoorgangers",
            "huidigeOpvolgers",
        ]

    def _links(self, links, side):
        result = []
        for link in links:
            other = getattr(link, side)
            link.code, link.naam = other.code, other.naam
            result.append(OvergangSerializer(link).data)
        return result

    @extend_schema_field(OvergangSerializer(many=True))
    def get_voorgangers(self, obj) -> list[dict]:
        return self._links(obj.overgangen_als_opvolger.all(), "voorganger")

    @extend_schema_field(OvergangSerializer(many=True))
    def get_opvolgers(self, obj) -> list[dict]:
        return self._links(obj.overgangen_als_voorganger.all(), "opvolger")

    @extend_schema_field(GemeenteKortSerializer(many=True))
    def get_alleVoorgangers(self, obj) -> list[dict]:  # noqa: N802
        return GemeenteKortSerializer(queries.voorgangers(obj.code), many=True).data

    @extend_schema_field(GemeenteKortSerializer(many=True))
    def get_huidigeOpvolgers(self, obj) -> list[dict]:  # noqa: N802
        peildatum = self.context.get("peildatum") or today()
        if obj.bestaat_op(peildatum):
            return []
        return GemeenteKortSerializer(queries.opvolgers(obj.code, peildatum), many=True).data


DATE_INVALID = "Geen geldige datum; gebruik JJJJ-MM-DD."


class GemeenteFilter(django_filters.FilterSet):
    peildatum = django_filters.DateFilter(
        method="filter_peildatum",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_INVALID},
        help_text="Gemeenten die bestaan op deze datum (standaard vandaag).",
    )
    provincie = django_filters.CharFilter(
        method="filter_provincie", help_text="Provinciecode (PV27) of -naam (Noord-Holland)."
    )
    naam = django_filters.CharFilter(
        field_name="naam", lookup_expr="icontains", help_text="Deel van de naam."
    )

    class Meta:
        model = Gemeente
        fields = ["peildatum", "provincie", "naam"]

    def filter_peildatum(self, queryset, name, value):
        return queryset  # applied in the view so that the population year follows it

    def filter_provincie(self, queryset, name, value):
        if value.upper().startswith("PV"):
            return queryset.filter(provincie__code__iexact=value)
        return queryset.filter(provincie__naam__iexact=value)


@extend_schema(tags=["gemeenten"])
class GemeenteViewSet(viewsets.ReadOnlyModelViewSet):
    """Gemeenten volgens het CBS, geldig in de tijd. Bron: CBS, CC BY 4.0."""

    permissions = {"GET": "gemeenten.bekijken", "HEAD": "gemeenten.bekijken"}
    lookup_field = "code"
    lookup_value_regex = "GM[0-9]{4}"
    filterset_class = GemeenteFilter
    serializer_class = GemeenteSerializer

    def peildatum(self) -> dt.date:
        value = self.request.query_params.get("peildatum")
        if not value:
            return today()
        try:
            return dt.datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError as exc:
            raise ValidationError({"peildatum": [DATE_INVALID]}) from exc

    def check_query(self, request) -> None:
        """Validate every query parameter at once, so that a 400 lists all invalid ones."""
        errors = {}
        if self.paginator is not None:
            errors.update(self.paginator.query_errors(request))
        filterset = self.filterset_class(request.query_params, queryset=Gemeente.objects.none())
        if not filterset.is_valid():
            errors.update(translate_validation(filterset.errors).detail)
        if errors:
            raise ValidationError(errors)

    def filter_queryset(self, queryset):
        # The filters select municipalities for the list; a detail is addressed by its code.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)

    def get_queryset(self):
        if self.action == "retrieve":
            return queries.gemeente_detail_queryset()
        peildatum = self.peildatum()
        population = Inwonertal.objects.filter(
            gemeente=OuterRef("pk"), jaar__lte=peildatum.year
        ).order_by("-jaar")
        return (
            Gemeente.objects.op(peildatum)
            .select_related("provincie")
            .annotate(
                inwoners=Subquery(population.values("aantal")[:1]),
                inwoners_jaar=Subquery(population.values("jaar")[:1]),
            )
            .order_by("naam", "code")
        )

    def get_serializer_class(self):
        return GemeenteDetailSerializer if self.action == "retrieve" else GemeenteSerializer

    @extend_schema(
        summary="Gemeenten op een peildatum",
        parameters=[
            OpenApiParameter("peildatum", OpenApiTypes.DATE, description="Standaard vandaag."),
        ],
    )
    def list(self, request, *args, **kwargs):
        self.check_query(request)
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Eén gemeente met inwoners per jaar, voorgangers en opvolgers")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


INTEGER = re.compile(r"-?[0-9]{1,6}")


class BevolkingView(APIView):
    """De ene regel voor "inwoners voor jaar J"."""

    permissions = {"GET": "gemeenten.bekijken"}

    @extend_schema(
        tags=["gemeenten"],
        summary="Inwoners per gemeente voor een jaar (de bevolkingsregel)",
        description=(
            "Inwoners op 1 januari van jaar − verschuiving (standaard 1), omgerekend naar de "
            "gemeenten die op 1 januari van het jaar bestaan: voorgangers opgeteld bij hun "
            "opvolger, een gesplitste gemeente verdeeld naar de overgegane inwoners. Na het "
            "laatst geladen jaar geldt dat jaar; `bronjaar` zegt welk jaar is gebruikt."
        ),
        parameters=[
            OpenApiParameter("jaar", OpenApiTypes.INT, required=True),
            OpenApiParameter("verschuiving", OpenApiTypes.INT, description="Standaard 1."),
        ],
        responses=inline_serializer(
            "Bevolking",
            {
                "jaar": serializers.IntegerField(),
                "peildatum": serializers.DateField(),
                "bronjaar": serializers.IntegerField(),
                "toelichting": serializers.CharField(),
                "totaal": serializers.IntegerField(),
                "gemeenten": inline_serializer(
                    "BevolkingGemeente",
                    {
                        "code": serializers.CharField(),
                        "naam": serializers.CharField(),
                        "inwoners": serializers.IntegerField(),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request):
        errors = {}
        values = {}
        for key, default, low, high in (("jaar", None, 1900, 2200), ("verschuiving", "1", 0, 10)):
            raw = request.query_params.get(key, default)
            if raw is None:
                errors[key] = [ErrorDetail("Verplicht.", code="required")]
            elif not INTEGER.fullmatch(raw):
                errors[key] = [ErrorDetail("Geen geheel getal.", code="invalid")]
            elif not low <= int(raw) <= high:
                errors[key] = [ErrorDetail(f"Moet tussen {low} en {high} liggen.", code="invalid")]
            else:
                values[key] = int(raw)
        if errors:
            raise ValidationError(errors)
        try:
            result = queries.bevolking_voor_jaar(values["jaar"], values["verschuiving"])
        except queries.PopulationUnavailable as exc:
            raise ValidationError({"jaar": [str(exc)]}) from exc
        names = dict(
            Gemeente.objects.filter(code__in=result.per_gemeente).values_list("code", "naam")
        )
        return Response(
            {
                "jaar": result.jaar,
                "peildatum": result.peildatum,
                "bronjaar": result.bronjaar,
                "toelichting": result.toelichting,
                "totaal": result.totaal,
                "gemeenten": [
                    {"code": code, "naam": names[code], "inwoners": n}
                    for code, n in sorted(result.per_gemeente.items())
                ],
            }
        )
