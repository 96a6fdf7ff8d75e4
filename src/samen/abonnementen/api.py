"""REST API of arrangements priced per inhabitant: arrangements (with derivation, shares,
reconciliation and what-if), tariffs per year, subscriptions, billing runs and invoices (JSON,
or PDF as an alternate representation with ``Accept: application/pdf``, or an e-invoice in SI-UBL
2.0 with ``Accept: application/xml``)."""

from __future__ import annotations

from django import forms
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from samen.abonnementen import pdf, queries, services, tarieven, ubl
from samen.abonnementen.models import (
    Abonnement,
    Arrangement,
    Factuur,
    Factuurregel,
    Factuurrun,
    Vrijstelling,
)
from samen.api import filters
from samen.api.viewsets import ListOnlyFilters, UUIDLookup
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import dates


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class UblRenderer(BaseRenderer):
    """The e-invoice (SI-UBL 2.0 / NLCIUS, UBL 2.1 Invoice or CreditNote)."""

    media_type = ubl.MEDIA_TYPE
    format = "xml"
    charset = "utf-8"
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CbsCodesField(filters.TextField):
    """CBS municipality codes separated by commas (``GM0014,GM0034``); every code is checked."""

    MAX = 4000  # all 342 municipalities fit

    def expected(self) -> str:
        return "CBS-gemeentecodes (GM0344), met komma's gescheiden"

    def parse(self, text: str) -> set[str]:
        if len(text) > self.MAX:
            raise forms.ValidationError(f"Te lang: hoogstens {self.MAX} tekens.", code="invalid")
        codes = {c.strip().upper() for c in text.split(",") if c.strip()}
        bad = sorted(c for c in codes if not (c.isascii() and filters.CBS_CODE.fullmatch(c)))
        if bad:
            raise forms.ValidationError(f"Geen CBS-gemeentecode: {', '.join(bad)}.", code="invalid")
        return codes


class CbsCodesFilter(filters.TextFilter):
    field_class = CbsCodesField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.document({"type": "string", "example": "GM0014,GM0034"})


def _year(**kwargs) -> filters.YearFilter:
    return filters.YearFilter(method="keep", **kwargs)


class _Parameters(filters.FilterSet):
    """Parameters that select a computation (a year), not rows: applied in the view."""

    class Meta:
        model = Arrangement
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


class AansluitingParameters(_Parameters):
    jaar = _year(required=True, error_messages={"required": "Verplicht: een jaartal."})


class WatAlsParameters(_Parameters):
    jaar = _year(required=True, error_messages={"required": "Verplicht: een jaartal."})
    nietBetalend = CbsCodesFilter(  # noqa: N815 - the API's parameter name
        method="keep",
        help_text="CBS-codes, met komma's gescheiden (naast de vrijgestelde gemeenten).",
    )


class TariefFilter(_Parameters):
    arrangement = filters.UUIDFilter(field_name="uuid")
    jaar = _year()


class AbonnementFilter(filters.FilterSet):
    arrangement = filters.UUIDFilter(field_name="arrangement__uuid")
    gemeente = filters.CbsCodeFilter(field_name="gemeente__code", help_text="CBS-code")
    peildatum = filters.DateFilter(
        method="running_on", help_text="Abonnementen die lopen op deze datum."
    )

    class Meta:
        model = Abonnement
        fields: list[str] = []

    def running_on(self, queryset, name, value):
        return queryset.filter(van__lte=value).exclude(tot__lt=value)


class FactuurFilter(filters.FilterSet):
    jaar = filters.YearFilter(field_name="jaar")
    gemeente = filters.CbsCodeFilter(field_name="gemeente__code", help_text="CBS-code")
    soort = filters.ChoiceFilter(field_name="soort", choices=Factuur.Soort.choices)

    class Meta:
        model = Factuur
        fields: list[str] = []


# ---------------------------------------------------------------- arrangements


class DienstSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    aanbieder = serializers.CharField(source="aanbieder.naam")
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    genoemdPerInwoner = serializers.DecimalField(
        source="genoemd_per_inwoner", max_digits=8, decimal_places=4, allow_null=True
    )
    btwCategorie = serializers.CharField(source="btw_categorie")


class IndexSerializer(serializers.Serializer):
    jaar = serializers.IntegerField()
    percentage = serializers.DecimalField(max_digits=6, decimal_places=3)
    voorbeeld = serializers.BooleanField()


class AfleidingSerializer(serializers.Serializer):
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    inwoners = serializers.IntegerField()
    peildatum = serializers.DateField()
    exact = serializers.DecimalField(max_digits=10, decimal_places=4)
    afgerond = serializers.DecimalField(max_digits=8, decimal_places=2)


class ArrangementSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="abonnementen_api:arrangement-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    naam = serializers.CharField()
    omschrijving = serializers.CharField()
    eersteJaar = serializers.IntegerField(source="eerste_jaar")
    laatsteJaar = serializers.IntegerField(source="laatste_jaar")
    tarief = serializers.DecimalField(max_digits=8, decimal_places=2)
    prijspeil = serializers.IntegerField()
    afleiding = serializers.SerializerMethodField()
    administratiekantoor = serializers.CharField(source="administratiekantoor.naam")
    diensten = DienstSerializer(many=True)
    indices = IndexSerializer(many=True)
    bron = serializers.CharField()

    @extend_schema_field(AfleidingSerializer(allow_null=True))
    def get_afleiding(self, obj) -> dict | None:
        if not obj.per_inwoner or not obj.afleiding_inwoners:
            return None  # an arrangement of given amounts (allocation key, region): no tariff
        a = tarieven.derivation(obj.afleiding_budget, obj.afleiding_inwoners)
        return {
            "budget": str(a.budget),
            "inwoners": a.inwoners,
            "peildatum": obj.afleiding_peildatum.isoformat(),
            "exact": str(a.exact),
            "afgerond": str(a.afgerond),
        }


class AandeelSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    gewicht = serializers.DecimalField(max_digits=12, decimal_places=10)
    aandeel = serializers.DecimalField(max_digits=8, decimal_places=4)
    genoemd = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    verschil = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)


class AbonnementAansluitingRegelSerializer(serializers.Serializer):
    dienst = serializers.CharField()
    naam = serializers.CharField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    gefactureerd = serializers.DecimalField(max_digits=14, decimal_places=2)
    verschil = serializers.DecimalField(max_digits=14, decimal_places=2)
    vrijgesteld = serializers.DecimalField(max_digits=14, decimal_places=2)


class AbonnementAansluitingSerializer(serializers.Serializer):
    jaar = serializers.IntegerField()
    tarief = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text="Het geïndexeerde tarief per inwoner; leeg bij een arrangement van gegeven "
        "bedragen (verdeelsleutel, regionale compensatie, per verrichting).",
    )
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    gefactureerd = serializers.DecimalField(max_digits=14, decimal_places=2)
    verschil = serializers.DecimalField(max_digits=14, decimal_places=2)
    vrijgesteld = serializers.DecimalField(max_digits=14, decimal_places=2)
    facturen = serializers.IntegerField()
    inwoners = serializers.IntegerField()
    regels = AbonnementAansluitingRegelSerializer(many=True)
    afwijkingen = serializers.ListField(child=serializers.DictField())


class TariefDekkingSerializer(serializers.Serializer):
    dienst = serializers.CharField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    betalendeInwoners = serializers.IntegerField(source="betalende_inwoners")
    nodigPerInwoner = serializers.DecimalField(
        source="nodig_per_inwoner", max_digits=10, decimal_places=4
    )
    nodigAfgerond = serializers.DecimalField(
        source="nodig_afgerond", max_digits=8, decimal_places=2
    )


class WatAlsSerializer(serializers.Serializer):
    jaar = serializers.IntegerField()
    tarief = serializers.DecimalField(max_digits=8, decimal_places=2)
    dekkendTarief = serializers.DecimalField(
        source="dekkend_tarief", max_digits=8, decimal_places=2
    )
    nietBetalend = serializers.ListField(child=serializers.CharField(), source="niet_betalend")
    regels = TariefDekkingSerializer(many=True)


def _arrangementen():
    from samen.abonnementen.models import Dienst, Indexcijfer

    return (
        Arrangement.objects.select_related("administratiekantoor")
        .prefetch_related(
            Prefetch("diensten", queryset=Dienst.objects.select_related("aanbieder")),
            Prefetch("indices", queryset=Indexcijfer.objects.order_by("jaar")),
        )
        .order_by("eerste_jaar", "id")
    )


@extend_schema(tags=["abonnementen"])
class ArrangementViewSet(filters.ParametersMixin, UUIDLookup, viewsets.ReadOnlyModelViewSet):
    """Arrangementen met diensten, budgetten, het vastgestelde tarief en zijn afleiding."""

    permissions = {"GET": "abonnementen.bekijken", "HEAD": "abonnementen.bekijken"}
    serializer_class = ArrangementSerializer

    def get_queryset(self):
        return _arrangementen()

    @extend_schema(
        summary="Vastgesteld tarief naast de begrotingsgewogen aandelen per dienst",
        responses=AandeelSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="aandelen", pagination_class=None)
    def aandelen(self, request, uuid=None):
        rows = queries.shares(self.get_object())
        return Response(AandeelSerializer(rows, many=True).data)

    @extend_schema(
        summary="Aansluiting per jaar en dienst: gefactureerd tegen begroting",
        parameters=filters.parameters(AansluitingParameters),
        responses=AbonnementAansluitingSerializer,
    )
    @action(detail=True, methods=["get"], url_path="aansluiting", pagination_class=None)
    def aansluiting(self, request, uuid=None):
        arrangement = self.get_object()
        jaar = self.parameters(AansluitingParameters)["jaar"]
        result = queries.reconcile(arrangement, jaar)
        if result.get("probleem"):
            raise ValidationError({"jaar": [result["probleem"]]})
        result["afwijkingen"] = [
            {k: str(v) for k, v in row.items()} for row in result["afwijkingen"]
        ]
        return Response(AbonnementAansluitingSerializer(result).data)

    @extend_schema(
        summary="Wat als: het tarief dat elk budget dekt als sommige gemeenten niet betalen",
        parameters=filters.parameters(WatAlsParameters),
        responses=WatAlsSerializer,
    )
    @action(detail=True, methods=["get"], url_path="wat-als", pagination_class=None)
    def wat_als(self, request, uuid=None):
        arrangement = self.get_object()
        # every invalid parameter at once, the year outside the term among them
        given = WatAlsParameters(request.query_params, queryset=Arrangement.objects.none())
        errors = filters.errors_of(given)
        jaar = given.form.cleaned_data.get("jaar")
        codes = given.form.cleaned_data.get("nietBetalend") or set()
        if jaar is not None and not arrangement.eerste_jaar <= jaar <= arrangement.laatste_jaar:
            errors["jaar"] = [f"Buiten de looptijd {arrangement.looptijd}."]
        if errors:
            raise ValidationError(errors)
        try:
            result = queries.what_if(arrangement, jaar, codes)
        except tarieven.TariffError as exc:
            raise ValidationError({"jaar": [str(exc)]}) from exc
        return Response(WatAlsSerializer(result).data)


# ---------------------------------------------------------------- tariffs


class TariefSerializer(serializers.Serializer):
    arrangement = serializers.UUIDField()
    jaar = serializers.IntegerField()
    indexpercentage = serializers.DecimalField(
        max_digits=6, decimal_places=3, allow_null=True, source="index"
    )
    indexfactor = serializers.DecimalField(
        max_digits=12, decimal_places=6, allow_null=True, source="factor"
    )
    tarief = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    vrijgesteldePrijzen = serializers.DictField(
        child=serializers.DecimalField(max_digits=8, decimal_places=2),
        source="vrijgesteld",
        help_text="Prijs per inwoner bij vrijstelling van één dienst, per dienstcode.",
    )
    probleem = serializers.CharField()


@extend_schema(tags=["abonnementen"])
class TariefViewSet(filters.ParametersMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Tarieven per arrangement per jaar: geïndexeerd vanaf het vastgestelde tarief."""

    permissions = {"GET": "abonnementen.bekijken", "HEAD": "abonnementen.bekijken"}
    serializer_class = TariefSerializer
    queryset = Arrangement.objects.none()  # rows are computed per arrangement and year
    filterset_class = TariefFilter

    def list(self, request, *args, **kwargs):
        arrangementen = self.filter_queryset(_arrangementen())  # every parameter checked
        jaar = self.parameters().get("jaar")
        rows = []
        for arrangement in arrangementen:
            for row in queries.tariffs(arrangement):
                if jaar is None or row.jaar == jaar:
                    row.arrangement = arrangement.uuid
                    rows.append(row)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(TariefSerializer(page, many=True).data)


# ---------------------------------------------------------------- subscriptions


class VrijstellingSerializer(serializers.Serializer):
    dienst = serializers.CharField(source="dienst.code")
    van = serializers.DateField()
    tot = serializers.DateField(allow_null=True)
    reden = serializers.CharField()
    voorbeeld = serializers.BooleanField()


class AbonnementSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    arrangement = serializers.UUIDField(source="arrangement.uuid")
    gemeente = serializers.CharField(source="gemeente.code")
    gemeenteNaam = serializers.CharField(source="gemeente.naam")
    van = serializers.DateField()
    tot = serializers.DateField(allow_null=True)
    overgenomenBijHerindeling = serializers.DateField(
        source="herindeling.datum", allow_null=True, default=None
    )
    vrijstellingen = VrijstellingSerializer(many=True)


@extend_schema(tags=["abonnementen"])
class AbonnementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Abonnementen van gemeenten op arrangementen, met vrijstellingen per dienst."""

    permissions = {"GET": "abonnementen.bekijken", "HEAD": "abonnementen.bekijken"}
    serializer_class = AbonnementSerializer
    filterset_class = AbonnementFilter

    def get_queryset(self):
        return (
            Abonnement.objects.select_related("arrangement", "gemeente", "herindeling")
            .prefetch_related(
                Prefetch(
                    "vrijstellingen",
                    queryset=Vrijstelling.objects.select_related("dienst").order_by("van"),
                )
            )
            .order_by("gemeente__naam", "id")
        )


# ---------------------------------------------------------------- billing runs


class FactuurrunSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    arrangement = serializers.UUIDField(source="arrangement.uuid")
    jaar = serializers.IntegerField()
    status = serializers.CharField()
    teMaken = serializers.IntegerField(source="te_maken")
    concepten = serializers.IntegerField()
    uitgegeven = serializers.IntegerField()
    alAanwezig = serializers.IntegerField(source="al_aanwezig")
    eersteNummer = serializers.CharField(source="eerste_nummer")
    laatsteNummer = serializers.CharField(source="laatste_nummer")
    bericht = serializers.CharField()
    gestartOp = serializers.DateTimeField(source="gestart_op")
    gereedOp = serializers.DateTimeField(source="gereed_op", allow_null=True)


class FactuurrunInputSerializer(serializers.Serializer):
    arrangement = serializers.UUIDField()
    jaar = serializers.IntegerField(
        min_value=dates.PLATFORM_YEARS.start, max_value=dates.PLATFORM_YEARS.stop - 1
    )
    factuurdatum = serializers.DateField(
        required=False,
        help_text=(
            "Niet voor 1 januari van het jaar voor de looptijd, hooguit 90 dagen na vandaag; "
            "leeg: vandaag."
        ),
    )


class TaakSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    status = serializers.CharField()
    omschrijving = serializers.CharField()


@extend_schema(tags=["abonnementen"])
class FactuurrunViewSet(
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Factuurruns: één factuur per betalende gemeente per jaar, idempotent."""

    permissions = {
        "GET": "abonnementen.factureren",
        "HEAD": "abonnementen.factureren",
        "POST": "abonnementen.factureren",
    }
    serializer_class = FactuurrunSerializer

    def get_queryset(self):
        return Factuurrun.objects.select_related("arrangement").order_by("-gestart_op", "-id")

    @extend_schema(
        summary="Een factuurrun starten (administratiekantoor); loopt als achtergrondtaak",
        request=FactuurrunInputSerializer,
        responses={202: TaakSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = FactuurrunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        arrangement = Arrangement.objects.filter(uuid=d["arrangement"]).first()
        if arrangement is None:
            raise ValidationError({"arrangement": ["Onbekend arrangement."]})
        taak = services.start_billing_run(
            arrangement, d["jaar"], user=request.user, factuurdatum=d.get("factuurdatum")
        )
        return Response(TaakSerializer(taak).data, status=http.HTTP_202_ACCEPTED)


# ---------------------------------------------------------------- invoices


class FactuurregelSerializer(serializers.Serializer):
    dienst = serializers.CharField(source="dienst.code")
    omschrijving = serializers.CharField(source="dienst.naam")
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)


class FactuurSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="abonnementen_api:factuur-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    nummer = serializers.CharField()
    soort = serializers.CharField()
    arrangement = serializers.UUIDField(source="arrangement.uuid")
    jaar = serializers.IntegerField()
    gemeente = serializers.CharField(source="gemeente.code")
    gemeenteNaam = serializers.CharField(source="gemeente.naam")
    factuurdatum = serializers.DateField()
    vervaldatum = serializers.DateField()
    inwoners = serializers.IntegerField()
    bronjaar = serializers.IntegerField()
    prijsPerInwoner = serializers.DecimalField(source="prijs", max_digits=8, decimal_places=2)
    vrijgesteldVan = serializers.SerializerMethodField()
    totaal = serializers.DecimalField(max_digits=14, decimal_places=2)
    betalingskenmerk = serializers.CharField()
    verwijstNaar = serializers.CharField(
        source="verwijst_naar.nummer", allow_null=True, default=None
    )
    reden = serializers.CharField()
    regels = FactuurregelSerializer(many=True)

    def get_vrijgesteldVan(self, obj) -> list[str]:  # noqa: N802 - API field name
        return [c for c in obj.vrijgesteld.split(", ") if c]


class CorrectieInputSerializer(serializers.Serializer):
    reden = serializers.CharField(max_length=300)
    inwoners = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=100_000_000,
        help_text="Het juiste aantal inwoners.",
    )
    volledig = serializers.BooleanField(
        required=False, default=False, help_text="De hele factuur crediteren."
    )
    factuurdatum = serializers.DateField(required=False)


@extend_schema(tags=["abonnementen"])
class FactuurViewSet(
    ListOnlyFilters,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Facturen, creditnota's en aanvullende facturen. Een gemeente ziet alleen de hare; het
    administratiekantoor, financiën en het programmabureau zien alle. Als PDF met
    ``Accept: application/pdf``, als e-factuur (SI-UBL 2.0) met ``Accept: application/xml``."""

    permissions = {
        "GET": "facturen.bekijken.eigen",
        "HEAD": "facturen.bekijken.eigen",
        "POST": "abonnementen.factureren",
    }
    serializer_class = FactuurSerializer
    filterset_class = FactuurFilter
    renderer_classes = [JSONRenderer, PdfRenderer, UblRenderer]

    def get_renderers(self):
        if self.action == "retrieve":
            return [JSONRenderer(), PdfRenderer(), UblRenderer()]
        return [JSONRenderer()]

    def check_object_permissions(self, request, obj):
        # The queryset is already limited to the invoices this user may see (404 otherwise).
        return None

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def get_queryset(self):
        qs = queries.invoices_for(self.request.user).prefetch_related(
            Prefetch(
                "regels",
                queryset=Factuurregel.objects.select_related("dienst").order_by(
                    "dienst__volgorde", "id"
                ),
            )
        )
        if self.action != "list":
            return qs
        return qs.order_by("-factuurdatum", "-nummerjaar", "-volgnummer")

    @extend_schema(
        responses={
            (200, "application/json"): FactuurSerializer,
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="De factuur als PDF."
            ),
            (200, ubl.MEDIA_TYPE): OpenApiResponse(
                response=OpenApiTypes.STR,
                description=(
                    "De factuur als e-factuur: SI-UBL 2.0 (NLCIUS), een UBL 2.1 Invoice of "
                    "(voor een creditnota) CreditNote."
                ),
            ),
            409: OpenApiResponse(
                description=(
                    "Geen geldige e-factuur mogelijk: factuurgegevens of afzendergegevens "
                    "ontbreken, of een btw-categorie wordt niet ondersteund."
                )
            ),
        }
    )
    def retrieve(self, request, *args, **kwargs):
        factuur = self.get_object()
        if request.accepted_renderer.format == "xml":
            body = ubl.render(factuur)  # UblError: 409 problem+json
            record(
                Actie.LEZEN, factuur, user=request.user, toelichting="factuur gelezen (API, UBL)"
            )
            return Response(
                body,
                content_type=f"{ubl.MEDIA_TYPE}; charset=utf-8",
                headers={"Content-Disposition": f'inline; filename="{ubl.filename(factuur)}"'},
            )
        record(
            Actie.LEZEN,
            factuur,
            user=request.user,
            toelichting="factuur gelezen (API"
            + (", PDF)" if request.accepted_renderer.format == "pdf" else ")"),
        )
        if request.accepted_renderer.format == "pdf":
            return Response(
                pdf.render(factuur),
                content_type="application/pdf",
                headers={"Content-Disposition": f'inline; filename="{pdf.filename(factuur)}"'},
            )
        return Response(FactuurSerializer(factuur, context={"request": request}).data)

    @extend_schema(
        summary="Corrigeren met een creditnota of aanvullende factuur (administratiekantoor)",
        request=CorrectieInputSerializer,
        responses={201: FactuurSerializer},
    )
    @action(detail=True, methods=["post"], url_path="correctie")
    def correctie(self, request, uuid=None):
        factuur = self.get_object()
        data = CorrectieInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        correctie = services.correct_invoice(
            factuur,
            d["reden"],
            inwoners=d.get("inwoners"),
            volledig=d.get("volledig", False),
            factuurdatum=d.get("factuurdatum"),
            user=request.user,
        )
        correctie = self.get_queryset().get(pk=correctie.pk)
        return Response(
            FactuurSerializer(correctie, context={"request": request}).data,
            status=http.HTTP_201_CREATED,
        )
