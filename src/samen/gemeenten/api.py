"""REST API of the municipality register (thin adapter over queries)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from samen.api import filters
from samen.api.viewsets import CbsCodeLookup, ListOnlyFilters
from samen.core.clock import today
from samen.core.dates import LATEST
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


SHIPPED_FIRST = dt.date(2012, 1, 1)  # the first figures of src/samen/gemeenten/data


def first_figures() -> dt.date | None:
    """1 January of the first year with CBS figures in the register (None when none loaded)."""
    eerste, _laatste = queries.loaded_years()
    return dt.date(eerste, 1, 1) if eerste is not None else None


class PeildatumField(filters.IsoDateField):
    """A reference date of the register: the shared ISO date (ASCII digits, a date that exists),
    from the first date with CBS figures up to the last day of the platform's years."""

    def __init__(self, **kwargs) -> None:
        # the shared field checks the form; the register's range is checked below
        kwargs.update(earliest=dt.date.min, latest=dt.date.max)
        super().__init__(**kwargs)

    def expected(self) -> str:
        return (
            "een datum JJJJ-MM-DD vanaf de eerste datum met CBS-cijfers in het register "
            f"tot en met {LATEST:%d-%m-%Y}"
        )

    def parse(self, text: str) -> dt.date:
        value = super().parse(text)
        # The shipped register has figures from 1 January 2012 (``load-register``); only a date
        # before it needs the register's actual first year (an older year may have been
        # imported), which keeps the usual request at its constant number of queries.
        eerste = SHIPPED_FIRST
        if value < SHIPPED_FIRST:
            eerste = first_figures() or SHIPPED_FIRST
        if not eerste <= value <= LATEST:
            raise forms.ValidationError(
                f"Moet liggen tussen {eerste:%d-%m-%Y} (de eerste datum met CBS-cijfers in het "
                f"register) en {LATEST:%d-%m-%Y}; niet {value:%d-%m-%Y}.",
                code="range",
            )
        return value


class PeildatumFilter(filters.DateFilter):
    field_class = PeildatumField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("method", "keep")  # applied in the view: the population year follows it
        super().__init__(*args, **kwargs)


class _Register(filters.FilterSet):
    class Meta:
        model = Gemeente
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


class GemeenteFilter(_Register):
    peildatum = PeildatumFilter(
        help_text=(
            "Standaard vandaag. Vanaf de eerste datum met CBS-cijfers in het register "
            "(1 januari 2012) tot en met 31 december 2050; anders 400."
        )
    )
    provincie = filters.TextFilter(
        method="filter_provincie", help_text="Provinciecode (PV27) of -naam (Noord-Holland)."
    )
    naam = filters.TextFilter(
        field_name="naam", lookup_expr="icontains", help_text="Deel van de naam."
    )

    def filter_provincie(self, queryset, name, value):
        if value.upper().startswith("PV"):
            return queryset.filter(provincie__code__iexact=value)
        return queryset.filter(provincie__naam__iexact=value)


class DetailParameters(_Register):
    peildatum = PeildatumFilter(
        help_text=(
            "De datum waarop de huidige opvolgers worden bepaald (standaard vandaag); "
            "dezelfde grenzen als bij de lijst."
        )
    )


@extend_schema(tags=["gemeenten"])
@extend_schema_view(
    list=extend_schema(summary="Gemeenten op een peildatum"),
    retrieve=extend_schema(
        summary="Eén gemeente met inwoners per jaar, voorgangers en opvolgers",
        parameters=filters.parameters(DetailParameters),
    ),
)
class GemeenteViewSet(
    filters.ParametersMixin, ListOnlyFilters, CbsCodeLookup, viewsets.ReadOnlyModelViewSet
):
    """Gemeenten volgens het CBS, geldig in de tijd. Bron: CBS, CC BY 4.0."""

    permissions = {"GET": "gemeenten.bekijken", "HEAD": "gemeenten.bekijken"}
    filterset_class = GemeenteFilter
    serializer_class = GemeenteSerializer

    def peildatum(self) -> dt.date:
        """The parameter's date (today when it is absent); every invalid parameter of the
        request is a 400 problem before anything is read."""
        if self.action == "retrieve":
            values = self.parameters(DetailParameters)
        else:
            values = self.parameters()
        return values.get("peildatum") or today()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "action", None) == "retrieve":
            context["peildatum"] = self.peildatum()
        return context

    def get_queryset(self):
        if self.action == "retrieve":
            self.peildatum()  # a 400 naming the parameter before anything is read
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


class BevolkingParameters(_Register):
    jaar = filters.YearFilter(
        method="keep",
        required=True,
        error_messages={"required": "Verplicht."},
        help_text=(
            "2000 tot en met 2050; jaar − verschuiving niet vóór het eerste jaar met "
            "CBS-cijfers (2012)."
        ),
    )
    verschuiving = filters.IntegerFilter(
        method="keep", minimum=0, maximum=10, help_text="Standaard 1 (0 tot en met 10)."
    )


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
        parameters=filters.parameters(BevolkingParameters),
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
        values = filters.check(BevolkingParameters, request)
        jaar, verschuiving = values["jaar"], values.get("verschuiving", 1)
        eerste = first_figures()
        if eerste is not None and jaar - verschuiving < eerste.year:
            raise ValidationError(
                {
                    "jaar": [
                        ErrorDetail(
                            f"Geen inwonertallen voor 1 januari {jaar - verschuiving}: de eerste "
                            f"datum met CBS-cijfers is {eerste:%d-%m-%Y} (jaar "
                            f"{eerste.year + verschuiving} of later bij verschuiving "
                            f"{verschuiving}).",
                            code="range",
                        )
                    ]
                }
            )
        try:
            result = queries.bevolking_voor_jaar(jaar, verschuiving)
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
