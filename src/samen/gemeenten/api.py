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
from samen.core.dates import LATEST, PLATFORM_YEARS
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
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only
SHIPPED_FIRST = dt.date(2012, 1, 1)  # the first figures of src/samen/gemeenten/data


def first_figures() -> dt.date | None:
    """1 January of the first year with CBS figures in the register (None when none loaded)."""
    eerste, _laatste = queries.loaded_years()
    return dt.date(eerste, 1, 1) if eerste is not None else None


def parse_peildatum(raw: str) -> dt.date:
    """A reference date of the register: an ISO date in ASCII digits, from the first date with
    CBS figures up to the last day of the platform's years. Raises a ValidationError that names
    the parameter (a 400 problem with invalidParams), never an error of the server."""
    if not ISO_DATE.fullmatch(raw or ""):
        raise ValidationError({"peildatum": [ErrorDetail(DATE_INVALID, code="invalid")]})
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({"peildatum": [ErrorDetail(DATE_INVALID, code="invalid")]}) from exc
    # The shipped register has figures from 1 January 2012 (``load-register``); only a date
    # before it needs the register's actual first year (an older year may have been imported),
    # which keeps the usual request at its constant number of queries.
    eerste = SHIPPED_FIRST
    if value < SHIPPED_FIRST:
        eerste = first_figures() or SHIPPED_FIRST
    if not eerste <= value <= LATEST:
        reason = (
            f"Moet liggen tussen {eerste:%d-%m-%Y} (de eerste datum met CBS-cijfers in het "
            f"register) en {LATEST:%d-%m-%Y}; niet {value:%d-%m-%Y}."
        )
        raise ValidationError({"peildatum": [ErrorDetail(reason, code="range")]})
    return value


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
        """The parameter's date; today when it is absent. Present but empty is invalid."""
        if "peildatum" not in self.request.query_params:
            return today()
        return parse_peildatum(self.request.query_params.get("peildatum"))

    def check_query(self, request) -> None:
        """Validate every query parameter at once, so that a 400 lists all invalid ones."""
        errors = {}
        if self.paginator is not None:
            errors.update(self.paginator.query_errors(request))
        filterset = self.filterset_class(request.query_params, queryset=Gemeente.objects.none())
        if not filterset.is_valid():
            errors.update(translate_validation(filterset.errors).detail)
        try:
            self.peildatum()
        except ValidationError as exc:
            errors.update(exc.detail)  # one reason for the date (its range or its form)
        if errors:
            raise ValidationError(errors)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "action", None) == "retrieve":
            context["peildatum"] = self.peildatum()
        return context

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
            OpenApiParameter(
                "peildatum",
                OpenApiTypes.DATE,
                description=(
                    "Standaard vandaag. Vanaf de eerste datum met CBS-cijfers in het register "
                    "(1 januari 2012) tot en met 31 december 2050; anders 400."
                ),
            ),
        ],
    )
    def list(self, request, *args, **kwargs):
        self.check_query(request)
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Eén gemeente met inwoners per jaar, voorgangers en opvolgers",
        parameters=[
            OpenApiParameter(
                "peildatum",
                OpenApiTypes.DATE,
                description=(
                    "De datum waarop de huidige opvolgers worden bepaald (standaard vandaag); "
                    "dezelfde grenzen als bij de lijst."
                ),
            ),
        ],
    )
    def retrieve(self, request, *args, **kwargs):
        self.peildatum()  # a 400 naming the parameter before anything is read
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
            OpenApiParameter(
                "jaar",
                OpenApiTypes.INT,
                required=True,
                description=(
                    "2000 tot en met 2050; jaar − verschuiving niet vóór het eerste jaar met "
                    "CBS-cijfers (2012)."
                ),
            ),
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
        years = (PLATFORM_YEARS.start, PLATFORM_YEARS.stop - 1)
        for key, default, (low, high) in (("jaar", None, years), ("verschuiving", "1", (0, 10))):
            raw = request.query_params.get(key, default)
            if raw is None:
                errors[key] = [ErrorDetail("Verplicht.", code="required")]
            elif not INTEGER.fullmatch(raw):  # ASCII digits only
                errors[key] = [ErrorDetail("Geen geheel getal.", code="invalid")]
            elif not low <= int(raw) <= high:
                errors[key] = [ErrorDetail(f"Moet tussen {low} en {high} liggen.", code="range")]
            else:
                values[key] = int(raw)
        eerste = first_figures()
        if (
            not errors
            and eerste is not None
            and values["jaar"] - values["verschuiving"] < eerste.year
        ):
            errors["jaar"] = [
                ErrorDetail(
                    f"Geen inwonertallen voor 1 januari {values['jaar'] - values['verschuiving']}: "
                    f"de eerste datum met CBS-cijfers is {eerste:%d-%m-%Y} (jaar "
                    f"{eerste.year + values['verschuiving']} of later bij verschuiving "
                    f"{values['verschuiving']}).",
                    code="range",
                )
            ]
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
