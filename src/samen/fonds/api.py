"""REST API of the fund (first part): contributions per municipality and reconciliation."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from samen.api import filters
from samen.api.viewsets import UUIDLookup
from samen.core import clock
from samen.core.dates import PLATFORM_YEARS
from samen.fonds import queries, services
from samen.fonds.models import (
    Activiteit,
    Autorisatie,
    Begrotingsregel,
    Bijdrage,
    Compartiment,
    Fonds,
    Realisatie,
    Verplichting,
)


class BijdrageSerializer(serializers.Serializer):
    jaar = serializers.IntegerField(source="regeling.jaar")
    gemeente = serializers.CharField(source="gemeente.code")
    gemeenteNaam = serializers.CharField(source="gemeente.naam")
    inwoners = serializers.IntegerField()
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)


class BijdrageregelingInputSerializer(serializers.Serializer):
    fonds = serializers.UUIDField()
    jaar = serializers.IntegerField()
    totaal = serializers.CharField(required=False)
    perInwoner = serializers.CharField(required=False)
    sleutel = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="Een ingevoerde verdeelsleutel per CBS-code in plaats van de inwoners.",
    )


class BijdrageregelingSerializer(serializers.Serializer):
    jaar = serializers.IntegerField()
    totaal = serializers.DecimalField(max_digits=14, decimal_places=2)
    perInwoner = serializers.DecimalField(
        source="per_inwoner", max_digits=10, decimal_places=4, allow_null=True
    )
    bronjaar = serializers.IntegerField()
    sleutel = serializers.CharField()
    gemeenten = serializers.IntegerField(source="aandelen.count")


JAAR_MIN, JAAR_MAX = PLATFORM_YEARS.start, PLATFORM_YEARS.stop - 1
JAAR_HELP = f"Een jaartal van {JAAR_MIN} tot en met {JAAR_MAX}."


class BijdrageFilter(filters.FilterSet):
    jaar = filters.described(
        filters.YearFilter(field_name="regeling__jaar", required=True, help_text=JAAR_HELP),
        JAAR_HELP,
    )

    class Meta:
        model = Bijdrage
        fields: list[str] = []


class JaarParameters(filters.FilterSet):
    """The required year of a report of a fund (verantwoording, aansluiting)."""

    jaar = filters.YearFilter(required=True, help_text=JAAR_HELP)

    class Meta:
        model = Fonds
        fields: list[str] = []


class PeildatumParameters(filters.FilterSet):
    """The required reference date of the interim control (within the platform's years)."""

    peildatum = filters.DateFilter(required=True)

    class Meta:
        model = Fonds
        fields: list[str] = []


@extend_schema(tags=["fonds"])
class BijdrageViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Bijdragen per gemeente per jaar; de aandelen tellen exact op tot het totaal."""

    permissions = {"GET": "fonds.bekijken", "HEAD": "fonds.bekijken", "POST": "fonds.bijdragen"}
    serializer_class = BijdrageSerializer
    filterset_class = BijdrageFilter
    queryset = Bijdrage.objects.select_related("gemeente", "regeling").order_by(
        "gemeente__naam", "id"
    )

    @extend_schema(
        summary="De bijdrage voor een jaar vaststellen (financiën)",
        request=BijdrageregelingInputSerializer,
        responses={201: BijdrageregelingSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = BijdrageregelingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        fonds = Fonds.objects.filter(uuid=d["fonds"]).first()
        if fonds is None:
            raise ValidationError({"fonds": ["Onbekend fonds."]})
        regeling = services.set_contribution(
            fonds,
            d["jaar"],
            totaal=d.get("totaal"),
            per_inwoner=d.get("perInwoner"),
            sleutel=d.get("sleutel"),
            user=request.user,
        )
        return Response(BijdrageregelingSerializer(regeling).data, status=http.HTTP_201_CREATED)


class FondsSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    naam = serializers.CharField()
    toelichting = serializers.CharField()


@extend_schema(tags=["fonds"])
class FondsViewSet(UUIDLookup, viewsets.ReadOnlyModelViewSet):
    """Fondsen met de aansluiting van genoemde totalen op hun regels."""

    permissions = {"GET": "fonds.bekijken", "HEAD": "fonds.bekijken"}
    queryset = Fonds.objects.order_by("id")
    serializer_class = FondsSerializer

    @extend_schema(
        summary="Tussentijdse control op een peildatum",
        parameters=filters.parameters(PeildatumParameters),
        responses=inline_serializer(
            "ControleRegel",
            {
                "activiteit": serializers.CharField(),
                "begroot": serializers.DecimalField(max_digits=14, decimal_places=2),
                "geautoriseerd": serializers.DecimalField(max_digits=14, decimal_places=2),
                "verplicht": serializers.DecimalField(max_digits=14, decimal_places=2),
                "gerealiseerd": serializers.DecimalField(max_digits=14, decimal_places=2),
                "prognose": serializers.DecimalField(max_digits=14, decimal_places=2),
                "waarschuwing": serializers.CharField(),
            },
            many=True,
        ),
    )
    @action(detail=True, methods=["get"], url_path="tussentijdse-controle", pagination_class=None)
    def tussentijdse_controle(self, request, uuid=None):
        peildatum = filters.check(PeildatumParameters, request)["peildatum"]
        return Response(
            [
                {
                    "activiteit": r.activiteit.naam,
                    "begroot": str(r.begroot),
                    "geautoriseerd": str(r.geautoriseerd),
                    "verplicht": str(r.verplicht),
                    "gerealiseerd": str(r.gerealiseerd),
                    "prognose": str(r.prognose),
                    "waarschuwing": r.waarschuwing,
                }
                for r in queries.interim_control(self.get_object(), peildatum)
            ]
        )

    @extend_schema(
        summary="Verantwoording over een jaar",
        parameters=filters.parameters(JaarParameters),
        responses=inline_serializer(
            "VerantwoordingRegel",
            {
                "compartiment": serializers.CharField(),
                "activiteit": serializers.CharField(),
                "begroot": serializers.DecimalField(max_digits=14, decimal_places=2),
                "geautoriseerd": serializers.DecimalField(max_digits=14, decimal_places=2),
                "verplicht": serializers.DecimalField(max_digits=14, decimal_places=2),
                "gerealiseerd": serializers.DecimalField(max_digits=14, decimal_places=2),
                "verschil": serializers.DecimalField(max_digits=14, decimal_places=2),
                "toelichting": serializers.CharField(),
            },
            many=True,
        ),
    )
    @action(detail=True, methods=["get"], url_path="verantwoording", pagination_class=None)
    def verantwoording(self, request, uuid=None):
        jaar = filters.check(JaarParameters, request)["jaar"]
        report = queries.accountability(self.get_object(), jaar)
        return Response(
            [
                {
                    "compartiment": c["compartiment"].code,
                    "activiteit": r["activiteit"].naam,
                    "begroot": str(r["begroot"]),
                    "geautoriseerd": str(r["geautoriseerd"]),
                    "verplicht": str(r["verplicht"]),
                    "gerealiseerd": str(r["gerealiseerd"]),
                    "verschil": str(r["verschil"]),
                    "toelichting": r["toelichting"],
                }
                for c in report["compartimenten"]
                for r in c["rows"]
            ]
        )

    @extend_schema(
        summary="Aansluiting van de genoemde totalen op hun regels over een jaar",
        parameters=filters.parameters(JaarParameters),
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
    @action(detail=True, methods=["get"], url_path="aansluiting", pagination_class=None)
    def aansluiting(self, request, uuid=None):
        jaar = filters.check(JaarParameters, request)["jaar"]
        return Response(
            [
                {
                    "label": a.label,
                    "genoemd": str(a.genoemd),
                    "berekend": str(a.berekend),
                    "verschil": str(a.verschil),
                    "klopt": a.klopt,
                }
                for a in queries.reconcile(self.get_object(), jaar)
            ]
        )


# --- the fund's resources ---------------------------------------------------------------------


class CompartimentSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    fonds = serializers.UUIDField(source="fonds.uuid")


class BegrotingspostSerializer(serializers.Serializer):
    activiteit = serializers.UUIDField(source="activiteit.uuid")
    activiteitNaam = serializers.CharField(source="activiteit.naam")
    compartiment = serializers.CharField(source="activiteit.compartiment.code")
    jaar = serializers.IntegerField()
    versie = serializers.IntegerField()
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)
    toelichting = serializers.CharField()


class BegrotingInputSerializer(serializers.Serializer):
    activiteit = serializers.UUIDField()
    jaar = serializers.IntegerField()
    bedrag = serializers.CharField()
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")


class AutorisatieSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    activiteit = serializers.UUIDField(source="activiteit.uuid")
    jaar = serializers.IntegerField()
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)
    status = serializers.CharField()
    besluit = serializers.CharField(source="besluit.nummer", allow_null=True, default=None)


class AutorisatieInputSerializer(serializers.Serializer):
    activiteit = serializers.UUIDField()
    jaar = serializers.IntegerField()
    bedrag = serializers.CharField()


class AutorisatieBesluitSerializer(serializers.Serializer):
    vastgesteld = serializers.BooleanField()
    datum = serializers.DateField(required=False)


class VerplichtingSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    activiteit = serializers.UUIDField(source="activiteit.uuid")
    soort = serializers.CharField()
    referentie = serializers.CharField()
    omschrijving = serializers.CharField()
    datum = serializers.DateField()
    termijnen = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_termijnen(self, obj) -> dict:
        return {str(t.jaar): str(t.bedrag) for t in obj.termijnen.all()}


class VerplichtingInputSerializer(serializers.Serializer):
    activiteit = serializers.UUIDField()
    soort = serializers.ChoiceField(choices=Verplichting.Soort.choices, required=False)
    referentie = serializers.CharField()
    omschrijving = serializers.CharField()
    datum = serializers.DateField()
    termijnen = serializers.DictField(child=serializers.CharField())


class RealisatieSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    activiteit = serializers.UUIDField(source="activiteit.uuid")
    verplichting = serializers.UUIDField(source="verplichting.uuid", allow_null=True, default=None)
    datum = serializers.DateField()
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)
    referentie = serializers.CharField()


class RealisatieInputSerializer(serializers.Serializer):
    activiteit = serializers.UUIDField()
    verplichting = serializers.UUIDField(required=False, allow_null=True)
    datum = serializers.DateField()
    bedrag = serializers.CharField()
    referentie = serializers.CharField()


def _activiteit(uuid) -> Activiteit:
    a = Activiteit.objects.select_related("compartiment__fonds").filter(uuid=uuid).first()
    if a is None:
        raise ValidationError({"activiteit": ["Onbekende activiteit."]})
    return a


@extend_schema(tags=["fonds"])
class CompartimentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Compartimenten van de fondsen."""

    permissions = {"GET": "fonds.bekijken", "HEAD": "fonds.bekijken"}
    serializer_class = CompartimentSerializer
    queryset = Compartiment.objects.select_related("fonds").order_by("fonds_id", "code")


@extend_schema(tags=["fonds"])
class BegrotingspostViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Begrotingsregels per activiteit per jaar, met alle versies (financiën voert in)."""

    permissions = {"GET": "fonds.bekijken", "HEAD": "fonds.bekijken", "POST": "fonds.begroten"}
    serializer_class = BegrotingspostSerializer
    queryset = Begrotingsregel.objects.select_related("activiteit__compartiment").order_by(
        "jaar", "activiteit_id", "versie"
    )

    @extend_schema(request=BegrotingInputSerializer, responses={201: BegrotingspostSerializer})
    def create(self, request, *args, **kwargs):
        data = BegrotingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        regel = services.enter_budget(
            _activiteit(d["activiteit"]), d["jaar"], d["bedrag"], d["toelichting"], request.user
        )
        return Response(BegrotingspostSerializer(regel).data, status=http.HTTP_201_CREATED)


@extend_schema(tags=["fonds"])
class AutorisatieViewSet(
    UUIDLookup, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Autorisaties: het College stelt voor, het bestuur besluit."""

    serializer_class = AutorisatieSerializer
    queryset = Autorisatie.objects.select_related("activiteit", "besluit").order_by("jaar", "id")

    @property
    def permissions(self):
        write = "fonds.besluiten" if self.action == "besluit" else "fonds.voorstellen"
        return {"GET": "fonds.bekijken", "HEAD": "fonds.bekijken", "POST": write}

    @extend_schema(request=AutorisatieInputSerializer, responses={201: AutorisatieSerializer})
    def create(self, request, *args, **kwargs):
        data = AutorisatieInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        voorstel = services.propose_authorisation(
            _activiteit(d["activiteit"]), d["jaar"], d["bedrag"], request.user
        )
        return Response(AutorisatieSerializer(voorstel).data, status=http.HTTP_201_CREATED)

    @extend_schema(request=AutorisatieBesluitSerializer, responses={200: AutorisatieSerializer})
    @action(detail=True, methods=["post"], url_path="besluit")
    def besluit(self, request, uuid=None):
        data = AutorisatieBesluitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        voorstel = services.decide_authorisation(
            self.get_object(), d["vastgesteld"], d.get("datum") or clock.today(), request.user
        )
        return Response(AutorisatieSerializer(voorstel).data)


@extend_schema(tags=["fonds"])
class VerplichtingViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Verplichtingen met hun termijnen (financiën)."""

    permissions = {"GET": "fonds.bekijken", "HEAD": "fonds.bekijken", "POST": "fonds.begroten"}
    serializer_class = VerplichtingSerializer
    queryset = (
        Verplichting.objects.select_related("activiteit")
        .prefetch_related("termijnen")
        .order_by("datum", "id")
    )

    @extend_schema(request=VerplichtingInputSerializer, responses={201: VerplichtingSerializer})
    def create(self, request, *args, **kwargs):
        data = VerplichtingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        v = services.enter_commitment(
            _activiteit(d["activiteit"]),
            d["referentie"],
            d["omschrijving"],
            d["datum"],
            d["termijnen"],
            d.get("soort", "gewoon"),
            request.user,
        )
        return Response(VerplichtingSerializer(v).data, status=http.HTTP_201_CREATED)


@extend_schema(tags=["fonds"])
class RealisatieViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Realisatie (uitgaven) per activiteit (financiën)."""

    permissions = {"GET": "fonds.bekijken", "HEAD": "fonds.bekijken", "POST": "fonds.begroten"}
    serializer_class = RealisatieSerializer
    queryset = Realisatie.objects.select_related("activiteit", "verplichting").order_by(
        "datum", "id"
    )

    @extend_schema(request=RealisatieInputSerializer, responses={201: RealisatieSerializer})
    def create(self, request, *args, **kwargs):
        data = RealisatieInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        verplichting = None
        if d.get("verplichting"):
            verplichting = Verplichting.objects.filter(uuid=d["verplichting"]).first()
            if verplichting is None:
                raise ValidationError({"verplichting": ["Onbekende verplichting."]})
        r = services.enter_realisation(
            _activiteit(d["activiteit"]),
            d["datum"],
            d["bedrag"],
            d["referentie"],
            verplichting,
            request.user,
        )
        return Response(RealisatieSerializer(r).data, status=http.HTTP_201_CREATED)
