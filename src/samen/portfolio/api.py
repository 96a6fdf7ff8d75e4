"""REST API of the portfolio (thin adapter over services and queries)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from samen.accounts.permissions import allowed
from samen.api import filters
from samen.api.viewsets import UUIDLookup
from samen.core.clock import today
from samen.core.dates import parse_date
from samen.gemeenten.api import GemeenteKortSerializer
from samen.portfolio import queries, services
from samen.portfolio.models import (
    Criterium,
    Domein,
    Fase,
    Fasewijziging,
    RoutekaartVersie,
    Voorziening,
    WegingVersie,
)


class DatumField(serializers.DateField):
    """A date as 2024-01-31 (or 31-01-2024), ASCII digits only (core.dates.parse_date); the
    service decides whether it is plausible for its meaning."""

    def to_internal_value(self, value):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            self.fail("invalid", format="JJJJ-MM-DD")
        return parsed


class OrganisatieKortSerializer(serializers.Serializer):
    naam = serializers.CharField()
    afkorting = serializers.CharField()


class FactsheetSerializer(serializers.Serializer):
    wieOntwikkeld = serializers.CharField(source="wie_ontwikkeld")
    watIsHet = serializers.CharField(source="wat_is_het")
    watKunJeErmee = serializers.CharField(source="wat_kun_je_ermee")
    wieGaatGebruiken = serializers.CharField(source="wie_gaat_gebruiken")
    implementatieIt = serializers.CharField(source="implementatie_it")
    implementatieWerkproces = serializers.CharField(source="implementatie_werkproces")
    implementatieVeranderkundig = serializers.CharField(source="implementatie_veranderkundig")
    implementatiePersoneel = serializers.CharField(source="implementatie_personeel")
    kostenEenmaligMin = serializers.DecimalField(
        source="kosten_eenmalig_min", max_digits=14, decimal_places=2, allow_null=True
    )
    kostenEenmaligMax = serializers.DecimalField(
        source="kosten_eenmalig_max", max_digits=14, decimal_places=2, allow_null=True
    )
    kostenJaarlijksMin = serializers.DecimalField(
        source="kosten_jaarlijks_min", max_digits=14, decimal_places=2, allow_null=True
    )
    kostenJaarlijksMax = serializers.DecimalField(
        source="kosten_jaarlijks_max", max_digits=14, decimal_places=2, allow_null=True
    )
    kostenToelichting = serializers.CharField(source="kosten_toelichting")
    besparingEuroMin = serializers.DecimalField(
        source="besparing_euro_min", max_digits=14, decimal_places=2, allow_null=True
    )
    besparingEuroMax = serializers.DecimalField(
        source="besparing_euro_max", max_digits=14, decimal_places=2, allow_null=True
    )
    besparingFteMin = serializers.DecimalField(
        source="besparing_fte_min", max_digits=8, decimal_places=2, allow_null=True
    )
    besparingFteMax = serializers.DecimalField(
        source="besparing_fte_max", max_digits=8, decimal_places=2, allow_null=True
    )
    batenKwalitatief = serializers.CharField(source="baten_kwalitatief")
    randvoorwaardenAanbesteding = serializers.CharField(source="randvoorwaarden_aanbesteding")
    randvoorwaardenPrivacy = serializers.CharField(source="randvoorwaarden_privacy")
    randvoorwaardenInformatieveiligheid = serializers.CharField(
        source="randvoorwaarden_informatieveiligheid"
    )
    randvoorwaardenKetenregie = serializers.CharField(source="randvoorwaarden_ketenregie")


class FasewijzigingSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    soort = serializers.ChoiceField(
        choices=Fasewijziging.Soort.choices,
        help_text="wijziging, of teruggedraaid: deze regel draait de wijziging draaitTerug terug.",
    )
    draaitTerug = serializers.UUIDField(source="draait_terug.uuid", allow_null=True, default=None)
    vanFase = serializers.CharField(source="van_fase")
    naarFase = serializers.CharField(source="naar_fase")
    datum = serializers.DateField()
    door = serializers.CharField()
    reden = serializers.CharField()
    besluit = serializers.CharField(source="besluit_referentie")


class VoorzieningSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="portfolio_api:voorziening-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    naam = serializers.CharField()
    korteOmschrijving = serializers.CharField(source="korte_omschrijving")
    spoor = serializers.IntegerField()
    domein = serializers.CharField()
    soort = serializers.CharField()
    fase = serializers.CharField()
    gebruikers = serializers.CharField()
    startdatum = serializers.DateField()
    ontwikkelaars = OrganisatieKortSerializer(many=True)
    beheerorganisatie = OrganisatieKortSerializer(allow_null=True)


class BusinessCaseSerializer(serializers.Serializer):
    volumeOmschrijving = serializers.CharField(source="volume_omschrijving")
    volumePerJaar = serializers.IntegerField(source="volume_per_jaar")
    volumeBron = serializers.CharField(source="volume_bron")
    tijdwinstUrenMin = serializers.DecimalField(
        source="tijdwinst_uren_min", max_digits=8, decimal_places=2
    )
    tijdwinstUrenMax = serializers.DecimalField(
        source="tijdwinst_uren_max", max_digits=8, decimal_places=2
    )
    tijdwinstBron = serializers.CharField(source="tijdwinst_bron")
    uurtarief = serializers.DecimalField(max_digits=8, decimal_places=2)
    uurtariefBron = serializers.CharField(source="uurtarief_bron")
    kostenPerJaar = serializers.DecimalField(
        source="kosten_per_jaar", max_digits=14, decimal_places=2
    )
    genoemdBedragLandelijk = serializers.DecimalField(
        source="genoemd_bedrag_landelijk", max_digits=14, decimal_places=2, allow_null=True
    )


LIST_FIELDS = (
    "id",
    "uuid",
    "naam",
    "korte_omschrijving",
    "spoor",
    "domein",
    "soort",
    "fase",
    "gebruikers",
    "startdatum",
    "beheerorganisatie__naam",
    "beheerorganisatie__afkorting",
)


def summary(row: dict, base: str, developers: list[tuple[str, str]]) -> dict:
    """The list representation of VoorzieningSerializer, built from a values() row: the list is
    the most used endpoint and model instances plus DRF's field machinery cost more than the
    queries. A test checks that both give the same result."""
    beheer = row["beheerorganisatie__naam"]
    return {
        "url": f"{base}{row['uuid']}",
        "uuid": str(row["uuid"]),
        "naam": row["naam"],
        "korteOmschrijving": row["korte_omschrijving"],
        "spoor": row["spoor"],
        "domein": row["domein"],
        "soort": row["soort"],
        "fase": row["fase"],
        "gebruikers": row["gebruikers"],
        "startdatum": row["startdatum"].isoformat(),
        "ontwikkelaars": [{"naam": naam, "afkorting": afk} for naam, afk in developers],
        "beheerorganisatie": (
            {"naam": beheer, "afkorting": row["beheerorganisatie__afkorting"]} if beheer else None
        ),
    }


class VoorzieningDetailSerializer(VoorzieningSerializer):
    ontwikkelaarsToelichting = serializers.CharField(source="ontwikkelaars_toelichting")
    kopgroep = GemeenteKortSerializer(many=True)
    capaciteitGemeenten = GemeenteKortSerializer(source="capaciteit_gemeenten", many=True)
    beheerToelichting = serializers.CharField(source="beheer_toelichting")
    bron = serializers.CharField()
    factsheet = FactsheetSerializer()
    fasewijzigingen = FasewijzigingSerializer(many=True)
    businesscase = serializers.SerializerMethodField()

    @extend_schema_field(BusinessCaseSerializer(allow_null=True))
    def get_businesscase(self, obj):
        case = getattr(obj, "businesscase", None)
        return BusinessCaseSerializer(case).data if case is not None else None


class VoorzieningInputSerializer(serializers.Serializer):
    naam = serializers.CharField(max_length=200)
    korteOmschrijving = serializers.CharField()
    spoor = serializers.ChoiceField(choices=[1, 2])
    domein = serializers.ChoiceField(choices=Domein.choices)
    soort = serializers.CharField()
    gebruikers = serializers.CharField()
    startdatum = DatumField(help_text="Niet in de toekomst.")
    fase = serializers.ChoiceField(choices=Fase.choices, required=False)
    ontwikkelaars = serializers.ListField(child=serializers.CharField(), required=False)
    factsheet = serializers.DictField(required=False)


class FaseInputSerializer(serializers.Serializer):
    naarFase = serializers.ChoiceField(choices=Fase.choices)
    datum = DatumField(required=False, help_text="Niet in de toekomst; standaard vandaag.")
    reden = serializers.CharField(required=False, allow_blank=True, default="")
    besluit = serializers.CharField(required=False, allow_blank=True, default="")


class TerugdraaiingInputSerializer(serializers.Serializer):
    fasewijziging = serializers.UUIDField(help_text="De laatste fasewijziging die telt.")
    reden = serializers.CharField()


class ScoreInputSerializer(serializers.Serializer):
    criterium = serializers.SlugField()
    waarde = serializers.DecimalField(max_digits=6, decimal_places=2)
    onderbouwing = serializers.CharField()


class ScoreSerializer(serializers.Serializer):
    criterium = serializers.CharField(source="criterium.code")
    waarde = serializers.DecimalField(max_digits=6, decimal_places=2)
    onderbouwing = serializers.CharField()
    door = serializers.CharField()
    gegevenOp = serializers.DateTimeField(source="gegeven_op")


class VoorzieningFilter(filters.FilterSet):
    """The catalogue's parameters; ``queries.catalogue`` applies them (see the list)."""

    fase = filters.ChoiceFilter(method="keep", choices=Fase.choices)
    spoor = filters.ChoiceFilter(method="keep", choices=[("1", "1"), ("2", "2")])
    domein = filters.ChoiceFilter(method="keep", choices=Domein.choices)
    organisatie = filters.described(filters.TextFilter(method="keep"), "Afkorting of naam.")
    zoek = filters.described(filters.TextFilter(method="keep"), "Tekst in naam of omschrijving.")

    class Meta:
        model = Voorziening
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


VoorzieningFilter.base_filters["spoor"].document({"type": "integer", "enum": [1, 2]})


MARGE = re.compile(r"0(\.[0-9]{1,4})?|\.[0-9]{1,4}")


class MargeField(filters.TextField):
    """A margin for the rank bands: ASCII, from 0 to 1, at most four decimals ("1e-999999" made
    the sensitivity compute with a denominator of a million digits, "NaN" and "١" were read as
    numbers)."""

    def expected(self) -> str:
        return "een getal van 0 tot 1, hooguit 4 decimalen"

    def parse(self, text: str) -> Decimal:
        if not MARGE.fullmatch(text):
            raise forms.ValidationError(
                "Een getal van 0 tot 1, hooguit 4 decimalen.", code="invalid"
            )
        return Decimal(text)


class MargeFilter(filters.TextFilter):
    field_class = MargeField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.document({"type": "number"})


class RanglijstParameters(filters.FilterSet):
    marge = MargeFilter(help_text="±p voor de rangbanden (standaard 0.10).")

    class Meta:
        model = WegingVersie
        fields: list[str] = []


class VergelijkingParameters(filters.FilterSet):
    met = filters.UUIDFilter(required=True)

    class Meta:
        model = RoutekaartVersie
        fields: list[str] = []


@extend_schema(tags=["voorzieningen"])
class VoorzieningViewSet(
    UUIDLookup,
    filters.ParametersMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Het register van collectieve initiatieven en voorzieningen."""

    filterset_class = VoorzieningFilter

    @property
    def permissions(self):
        write = "portfolio.scoren" if self.action == "scores" else "portfolio.beheren"
        return {"GET": "portfolio.bekijken", "HEAD": "portfolio.bekijken", "POST": write}

    def get_queryset(self):
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            params = self.parameters()
            return queries.catalogue(
                fase=params.get("fase"),
                spoor=int(params["spoor"]) if "spoor" in params else None,
                domein=params.get("domein"),
                organisatie=params.get("organisatie"),
                zoek=params.get("zoek"),
            )
        return Voorziening.objects.select_related(
            "beheerorganisatie", "factsheet", "businesscase"
        ).prefetch_related(
            "ontwikkelaars",
            "kopgroep",
            "capaciteit_gemeenten",
            Prefetch(
                "fasewijzigingen",
                queryset=Fasewijziging.objects.select_related("draait_terug").order_by("id"),
            ),
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return VoorzieningDetailSerializer
        if self.action == "create":
            return VoorzieningInputSerializer
        return VoorzieningSerializer

    @extend_schema(summary="Voorzieningen zoeken")
    def list(self, request, *args, **kwargs):
        # not the generic list: values() rows instead of instances (the most used endpoint)
        rows = self.get_queryset().prefetch_related(None).values(*LIST_FIELDS)
        page = self.paginate_queryset(rows)
        base = request.build_absolute_uri("/api/v1/voorzieningen/")
        developers = queries.developers_of([row["id"] for row in page])
        return self.get_paginated_response(
            [summary(row, base, developers.get(row["id"], [])) for row in page]
        )

    @extend_schema(summary="Eén voorziening met factsheet, businesscase en fasehistorie")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Een voorziening registreren (programmabureau)",
        request=VoorzieningInputSerializer,
        responses={201: VoorzieningDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = VoorzieningInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        voorziening = services.create_voorziening(
            {
                "naam": d["naam"],
                "korte_omschrijving": d["korteOmschrijving"],
                "spoor": d["spoor"],
                "domein": d["domein"],
                "soort": d["soort"],
                "gebruikers": d["gebruikers"],
                "startdatum": d["startdatum"],
                "ontwikkelaars": d.get("ontwikkelaars", []),
            },
            {_snake(k): v for k, v in d.get("factsheet", {}).items()},
            user=request.user,
            fase=d.get("fase", Fase.INITIATIEF),
        )
        voorziening = self.get_queryset().get(pk=voorziening.pk)
        body = VoorzieningDetailSerializer(voorziening, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="De fase wijzigen (programmabureau)",
        request=FaseInputSerializer,
        responses={201: FasewijzigingSerializer},
    )
    @action(detail=True, methods=["post"], url_path="fasewijzigingen")
    def fasewijzigingen(self, request, uuid=None):
        voorziening = self.get_object()
        data = FaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        wijziging = services.change_phase(
            voorziening,
            d["naarFase"],
            d.get("datum") or today(),
            user=request.user,
            reden=d["reden"],
            besluit_referentie=d["besluit"],
        )
        return Response(FasewijzigingSerializer(wijziging).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Een fasewijziging terugdraaien (programmabureau)",
        description=(
            "Corrigeert een verkeerde fasewijziging met een reden: er komt een regel van soort "
            "teruggedraaid bij die naar de teruggedraaide wijst; die blijft ongewijzigd staan. "
            "Alleen de laatste fasewijziging die telt; een tweede keer geeft 409."
        ),
        request=TerugdraaiingInputSerializer,
        responses={201: FasewijzigingSerializer},
    )
    @action(detail=True, methods=["post"], url_path="terugdraaiingen")
    def terugdraaiingen(self, request, uuid=None):
        voorziening = self.get_object()
        data = TerugdraaiingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        revert = services.revert_phase(
            voorziening, d["fasewijziging"], d["reden"], user=request.user
        )
        return Response(FasewijzigingSerializer(revert).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Een score geven (Task Force)",
        request=ScoreInputSerializer,
        responses={201: ScoreSerializer},
    )
    @action(detail=True, methods=["post"], url_path="scores")
    def scores(self, request, uuid=None):
        voorziening = self.get_object()
        data = ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        criterium = Criterium.objects.filter(code=d["criterium"]).first()
        if criterium is None:
            raise ValidationError({"criterium": ["Onbekend criterium."]})
        score = services.give_score(
            voorziening, criterium, d["waarde"], d["onderbouwing"], user=request.user
        )
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED)


def _snake(name: str) -> str:
    out = []
    for ch in name:
        if ch.isupper():
            out.append("_" + ch.lower())
        else:
            out.append(ch)
    return "".join(out)


class CriteriumSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    omschrijving = serializers.CharField()
    schaalMin = serializers.IntegerField(source="schaal_min")
    schaalMax = serializers.IntegerField(source="schaal_max")


class GewichtSerializer(serializers.Serializer):
    criterium = serializers.CharField(source="criterium.code")
    gewicht = serializers.DecimalField(max_digits=8, decimal_places=4)


class WegingSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="portfolio_api:weging-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    nummer = serializers.IntegerField()
    naam = serializers.CharField()
    toelichting = serializers.CharField()
    status = serializers.CharField()
    gepubliceerdOp = serializers.DateTimeField(source="gepubliceerd_op", allow_null=True)
    gewichten = GewichtSerializer(many=True)


class WegingInputSerializer(serializers.Serializer):
    naam = serializers.CharField(max_length=200)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")
    gewichten = serializers.DictField(child=serializers.CharField())


class RanglijstRijSerializer(serializers.Serializer):
    rang = serializers.IntegerField()
    voorziening = serializers.CharField()
    uuid = serializers.UUIDField()
    totaal = serializers.CharField()
    gelijkMet = serializers.ListField(child=serializers.UUIDField())
    besteRang = serializers.IntegerField()
    slechtsteRang = serializers.IntegerField()
    gewichtIntervallen = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField())
    )


def _visible_versions(model, request):
    qs = model.objects.all()
    if not (
        allowed(request.user, "portfolio.wegen") or allowed(request.user, "portfolio.routekaart")
    ):
        qs = qs.filter(status="gepubliceerd")
    return qs


@extend_schema(tags=["wegingen"])
class CriteriumViewSet(viewsets.ReadOnlyModelViewSet):
    """Criteria van de duidingsmethodiek."""

    permissions = {"GET": "portfolio.bekijken", "HEAD": "portfolio.bekijken"}
    serializer_class = CriteriumSerializer
    queryset = Criterium.objects.order_by("volgorde", "code")
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,50}"  # a slug: anything else is a 404 of the router
    pagination_class = None


@extend_schema(tags=["wegingen"])
class WegingViewSet(
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Wegingsversies van de prioriteitenweging; alleen gepubliceerde zijn openbaar."""

    permissions = {
        "GET": "portfolio.bekijken",
        "HEAD": "portfolio.bekijken",
        "POST": "portfolio.wegen",
    }
    serializer_class = WegingSerializer

    def get_queryset(self):
        return (
            _visible_versions(WegingVersie, self.request)
            .prefetch_related("gewichten__criterium")
            .order_by("-nummer")
        )

    @extend_schema(request=WegingInputSerializer, responses={201: WegingSerializer})
    def create(self, request, *args, **kwargs):
        data = WegingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        versie = services.create_weging(
            d["naam"], d["gewichten"], user=request.user, toelichting=d["toelichting"]
        )
        body = WegingSerializer(versie, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: WegingSerializer}, summary="Publiceren")
    @action(detail=True, methods=["post"], url_path="publiceren")
    def publiceren(self, request, uuid=None):
        versie = services.publish_weging(self.get_object(), user=request.user)
        return Response(WegingSerializer(versie, context={"request": request}).data)

    @extend_schema(
        summary="De ranglijst onder deze weging, met gevoeligheid",
        parameters=filters.parameters(RanglijstParameters),
        responses=RanglijstRijSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="ranglijst", pagination_class=None)
    def ranglijst(self, request, uuid=None):
        marge = filters.check(RanglijstParameters, request).get("marge", Decimal("0.10"))
        result = queries.ranking_for(self.get_object(), marge)
        return Response(
            [
                {
                    "rang": row.rang,
                    "voorziening": row.voorziening.naam,
                    "uuid": row.voorziening.uuid,
                    "totaal": str(row.totaal_decimal),
                    "gelijkMet": [v.uuid for v in row.gelijk_met],
                    "besteRang": row.beste,
                    "slechtsteRang": row.slechtste,
                    "gewichtIntervallen": {
                        code: [_fraction(low), _fraction(high)]
                        for code, (low, high) in row.intervallen.items()
                    },
                }
                for row in result.rows
            ]
        )


def _fraction(value) -> str:
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001")))


class MijlpaalSerializer(serializers.Serializer):
    voorziening = serializers.UUIDField(source="voorziening.uuid")
    voorzieningNaam = serializers.CharField(source="voorziening.naam")
    jaar = serializers.IntegerField()
    kwartaal = serializers.IntegerField()
    naarFase = serializers.CharField(source="naar_fase")
    omschrijving = serializers.CharField()


class RoutekaartSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="portfolio_api:routekaart-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    nummer = serializers.IntegerField()
    naam = serializers.CharField()
    toelichting = serializers.CharField()
    status = serializers.CharField()
    gepubliceerdOp = serializers.DateTimeField(source="gepubliceerd_op", allow_null=True)


class RoutekaartDetailSerializer(RoutekaartSerializer):
    mijlpalen = MijlpaalSerializer(many=True)


class MijlpaalInputSerializer(serializers.Serializer):
    voorziening = serializers.UUIDField()
    jaar = serializers.IntegerField()
    kwartaal = serializers.IntegerField()
    naarFase = serializers.CharField(required=False, allow_blank=True, default="")
    omschrijving = serializers.CharField(required=False, allow_blank=True, default="")


class RoutekaartInputSerializer(serializers.Serializer):
    naam = serializers.CharField(max_length=200)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")
    mijlpalen = MijlpaalInputSerializer(many=True)


class VerschilSerializer(serializers.Serializer):
    voorziening = serializers.CharField(source="voorziening.naam")
    uuid = serializers.UUIDField(source="voorziening.uuid")
    omschrijving = serializers.CharField()
    soort = serializers.CharField()
    van = serializers.CharField()
    naar = serializers.CharField()


@extend_schema(tags=["routekaarten"])
class RoutekaartViewSet(
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """De meerjarige, dynamische routekaart en haar versies."""

    permissions = {
        "GET": "portfolio.bekijken",
        "HEAD": "portfolio.bekijken",
        "POST": "portfolio.routekaart",
    }

    def get_queryset(self):
        qs = _visible_versions(RoutekaartVersie, self.request).order_by("-nummer")
        if self.action == "retrieve":
            qs = qs.prefetch_related("mijlpalen__voorziening")
        return qs

    def get_serializer_class(self):
        return RoutekaartDetailSerializer if self.action == "retrieve" else RoutekaartSerializer

    @extend_schema(request=RoutekaartInputSerializer, responses={201: RoutekaartDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = RoutekaartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        versie = services.create_routekaart(
            d["naam"],
            [
                {
                    "voorziening": str(m["voorziening"]),
                    "jaar": m["jaar"],
                    "kwartaal": m["kwartaal"],
                    "naar_fase": m["naarFase"],
                    "omschrijving": m["omschrijving"],
                }
                for m in d["mijlpalen"]
            ],
            user=request.user,
            toelichting=d["toelichting"],
        )
        versie = RoutekaartVersie.objects.prefetch_related("mijlpalen__voorziening").get(
            pk=versie.pk
        )
        body = RoutekaartDetailSerializer(versie, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RoutekaartSerializer}, summary="Publiceren")
    @action(detail=True, methods=["post"], url_path="publiceren")
    def publiceren(self, request, uuid=None):
        versie = services.publish_routekaart(self.get_object(), user=request.user)
        return Response(RoutekaartSerializer(versie, context={"request": request}).data)

    @extend_schema(
        summary="Twee versies vergelijken",
        parameters=filters.parameters(VergelijkingParameters),
        responses=VerschilSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="vergelijking", pagination_class=None)
    def vergelijking(self, request, uuid=None):
        met = filters.check(VergelijkingParameters, request)["met"]
        other = self.get_queryset().filter(uuid=met).first()
        if other is None:
            raise ValidationError({"met": ["Onbekende routekaartversie."]})
        verschillen = queries.compare_routekaarten(self.get_object(), other)
        return Response(VerschilSerializer(verschillen, many=True).data)
