"""REST API of collection and distribution: payments (a municipality its own; the office
registers by hand, matches unmatched items or marks them to be paid back), bank statements
(upload as multipart), afdrachten per period (a provider its own; the office runs a period) with
the reconciliation, overdue invoices and reminders."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from samen.abonnementen.models import Factuur
from samen.api import filters
from samen.api.viewsets import ListOnlyFilters, UUIDLookup
from samen.core.errors import DomainError, Problem
from samen.inning import queries, services
from samen.inning.models import Afdracht, Afdrachtperiode, Bankafschrift, Betaling, Herinnering


def _factuur_by_uuid(value, field: str = "factuur") -> Factuur:
    found = Factuur.objects.filter(uuid=value, status=Factuur.Status.UITGEGEVEN).first()
    if found is None:
        raise ValidationError({field: ["Onbekende factuur."]})
    return found


class NoObjectScope:
    def check_object_permissions(self, request, obj):
        # The queryset is already limited to what this user may see (404 otherwise); the
        # method's permission is checked in has_permission.
        return None


class BetalingFilter(filters.FilterSet):
    status = filters.ChoiceFilter(field_name="status", choices=Betaling.Status.choices)
    soort = filters.ChoiceFilter(field_name="soort", choices=Betaling.Soort.choices)
    gemeente = filters.CbsCodeFilter(field_name="gemeente__code", help_text="CBS-code")

    class Meta:
        model = Betaling
        fields: list[str] = []


class AfdrachtFilter(filters.FilterSet):
    periode = filters.UUIDFilter(field_name="periode__uuid")

    class Meta:
        model = Afdracht
        fields: list[str] = []


class AchterstalligFilter(filters.FilterSet):
    """``peildatum`` selects the computation (what is overdue on that date): applied in the
    view."""

    peildatum = filters.DateFilter(method="keep")

    class Meta:
        model = Factuur
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


# ---------------------------------------------------------------- payments


class BetalingsregelSerializer(serializers.Serializer):
    dienst = serializers.CharField(source="dienst.code")
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)
    boekdatum = serializers.DateField()
    afgedragen = serializers.SerializerMethodField()

    def get_afgedragen(self, obj) -> bool:
        """Passed on now: the latest link is to an afdracht that is not a reversal."""
        links = sorted(obj.koppelingen.all(), key=lambda k: k.pk)
        return bool(links) and links[-1].afdracht.origineel_id is None


class BetalingSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="inning_api:betaling-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    soort = serializers.CharField()
    status = serializers.CharField()
    bankreferentie = serializers.CharField()
    boekdatum = serializers.DateField()
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)
    omschrijving = serializers.CharField(source="kenmerk")
    naam = serializers.CharField()
    tegenrekening = serializers.CharField()
    factuur = serializers.CharField(source="factuur.nummer", allow_null=True, default=None)
    gemeente = serializers.CharField(source="gemeente.code", allow_null=True, default=None)
    bankafschrift = serializers.UUIDField(
        source="bankafschrift.uuid", allow_null=True, default=None
    )
    positie = serializers.CharField()
    origineel = serializers.CharField(
        source="origineel.bankreferentie", allow_null=True, default=None
    )
    toelichting = serializers.CharField(source="reden")
    handmatig = serializers.BooleanField()
    regels = BetalingsregelSerializer(many=True)


class BetalingInputSerializer(serializers.Serializer):
    bedrag = serializers.CharField(
        max_length=30,
        help_text='Positief, in hele centen: "12,50", "1.250,00" of "1250.00" (ook een getal).',
    )
    boekdatum = serializers.DateField()
    betalingskenmerk = serializers.CharField(required=False, allow_blank=True, max_length=40)
    factuur = serializers.UUIDField(required=False, help_text="In plaats van het kenmerk.")
    omschrijving = serializers.CharField(required=False, allow_blank=True, max_length=300)
    naam = serializers.CharField(required=False, allow_blank=True, max_length=200)
    tegenrekening = serializers.CharField(required=False, allow_blank=True, max_length=34)
    bankreferentie = serializers.CharField(required=False, allow_blank=True, max_length=120)


class KoppelInputSerializer(serializers.Serializer):
    factuur = serializers.UUIDField()


class TerugbetalenInputSerializer(serializers.Serializer):
    reden = serializers.CharField(required=False, allow_blank=True, max_length=300)


@extend_schema(tags=["inning"])
class BetalingViewSet(
    NoObjectScope,
    ListOnlyFilters,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Betalingen, terugboekingen en terugbetalingen. Een gemeente ziet de betalingen op haar
    vorderingen; het administratiekantoor en financiën zien alle, ook de niet-gekoppelde posten
    (``status=ongematcht``). Alleen het administratiekantoor registreert en koppelt."""

    permissions = {
        "GET": "inning.betalingen.bekijken.eigen",
        "HEAD": "inning.betalingen.bekijken.eigen",
        "POST": "inning.beheren",
    }
    serializer_class = BetalingSerializer
    filterset_class = BetalingFilter

    def get_queryset(self):
        return queries.payments_for(self.request.user).prefetch_related(
            "regels__dienst", "regels__koppelingen__afdracht"
        )

    def _out(self, betaling, status_code=http.HTTP_200_OK):
        betaling = self.get_queryset().get(pk=betaling.pk)
        return Response(
            BetalingSerializer(betaling, context={"request": self.request}).data,
            status=status_code,
        )

    @extend_schema(
        summary="Een betaling met de hand registreren (administratiekantoor)",
        description=(
            "Idempotent: geef per registratie een eigen Idempotency-Key (of een eigen "
            "bankreferentie). Hetzelfde verzoek nog eens met dezelfde sleutel geeft de eerste "
            "betaling terug (200) en boekt niets; dezelfde sleutel met een ander verzoek is 409."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                description="Verplicht zonder bankreferentie; hooguit 100 tekens.",
            )
        ],
        request=BetalingInputSerializer,
        responses={201: BetalingSerializer, 200: BetalingSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = BetalingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        factuur = _factuur_by_uuid(d["factuur"]) if d.get("factuur") else None
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 100:
            raise ValidationError({"Idempotency-Key": ["Hooguit 100 tekens."]})
        betaling = services.register_payment(
            idempotentiesleutel=f"api:{request.user.pk}:{key}" if key else "",
            bedrag=d["bedrag"],
            boekdatum=d["boekdatum"],
            betalingskenmerk=d.get("betalingskenmerk", ""),
            factuur=factuur,
            omschrijving=d.get("omschrijving", ""),
            naam=d.get("naam", ""),
            tegenrekening=d.get("tegenrekening", ""),
            bankreferentie=d.get("bankreferentie", ""),
            user=request.user,
        )
        return self._out(betaling, http.HTTP_201_CREATED if betaling.nieuw else http.HTTP_200_OK)

    @extend_schema(
        summary="Een niet-gekoppelde betaling met de hand aan een factuur koppelen",
        request=KoppelInputSerializer,
        responses=BetalingSerializer,
    )
    @action(detail=True, methods=["post"], url_path="koppelen")
    def koppelen(self, request, uuid=None):
        betaling = self.get_object()
        data = KoppelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        factuur = _factuur_by_uuid(data.validated_data["factuur"])
        return self._out(services.match_by_hand(betaling, factuur, user=request.user))

    @extend_schema(
        summary="Een niet-gekoppelde betaling markeren als terug te betalen",
        request=TerugbetalenInputSerializer,
        responses=BetalingSerializer,
    )
    @action(detail=True, methods=["post"], url_path="terugbetalen")
    def terugbetalen(self, request, uuid=None):
        betaling = self.get_object()
        data = TerugbetalenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reden = data.validated_data.get("reden", "")
        return self._out(services.mark_refund(betaling, reden, user=request.user))


# ---------------------------------------------------------------- bank statements


class BankafschriftSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="inning_api:bankafschrift-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    identificatie = serializers.CharField()
    rekening = serializers.CharField()
    formaat = serializers.CharField()
    bestandsnaam = serializers.CharField()
    sha256 = serializers.CharField()
    datum = serializers.DateField(allow_null=True)
    posten = serializers.IntegerField()
    gekoppeld = serializers.IntegerField()
    ongematcht = serializers.IntegerField()
    teruggeboekt = serializers.IntegerField()
    overgeslagen = serializers.IntegerField()
    ingelezenOp = serializers.DateTimeField(source="ingelezen_op")


class BankafschriftUploadSerializer(serializers.Serializer):
    bestand = serializers.FileField(help_text="CAMT.053 (camt.053.001.02) of bank-CSV.")


class InleesResultaatSerializer(serializers.Serializer):
    bankafschrift = BankafschriftSerializer()
    alIngelezen = serializers.BooleanField(source="al_ingelezen")
    bericht = serializers.CharField()
    meldingen = serializers.ListField(child=serializers.CharField())


@extend_schema(tags=["inning"])
class BankafschriftViewSet(
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Ingelezen bankafschriften (administratiekantoor). Een afschrift of bestand dat al is
    ingelezen verandert niets."""

    permissions = {"GET": "inning.beheren", "HEAD": "inning.beheren", "POST": "inning.beheren"}
    serializer_class = BankafschriftSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return Bankafschrift.objects.order_by("-ingelezen_op", "-id")

    @extend_schema(
        summary="Een bankafschrift inlezen (multipart, veld 'bestand'); alles of niets",
        request={"multipart/form-data": BankafschriftUploadSerializer},
        responses={201: InleesResultaatSerializer, 200: InleesResultaatSerializer},
    )
    def create(self, request, *args, **kwargs):
        upload = request.FILES.get("bestand")
        if upload is None:
            raise ValidationError({"bestand": ["Verplicht: een bestand."]})
        if upload.size > 20 * 1024 * 1024:
            raise DomainError(
                "Het bankafschrift is niet ingelezen.",
                [Problem("bestand", "groter dan 20 MB", file=upload.name)],
                413,
            )
        result = services.import_statement(upload.read(), upload.name, user=request.user)
        body = InleesResultaatSerializer(result, context={"request": request}).data
        return Response(
            body, status=http.HTTP_200_OK if result.al_ingelezen else http.HTTP_201_CREATED
        )


# ---------------------------------------------------------------- distribution


class AfdrachtSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    periode = serializers.UUIDField(source="periode.uuid")
    start = serializers.DateField(source="periode.start")
    eind = serializers.DateField(source="periode.eind")
    arrangement = serializers.CharField(source="dienst.arrangement.naam")
    dienst = serializers.CharField(source="dienst.code")
    dienstNaam = serializers.CharField(source="dienst.naam")
    aanbieder = serializers.CharField(source="aanbieder.naam")
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)
    betalingsregels = serializers.IntegerField(source="aantal")
    terugdraaiingVan = serializers.UUIDField(source="origineel.uuid", allow_null=True, default=None)
    verrekend = serializers.DecimalField(max_digits=14, decimal_places=2)
    teBetalen = serializers.DecimalField(source="te_betalen", max_digits=14, decimal_places=2)


class AfdrachtrunInputSerializer(serializers.Serializer):
    start = serializers.DateField()
    eind = serializers.DateField(help_text="Tot en met; vóór vandaag.")


class TerugdraaienInputSerializer(serializers.Serializer):
    periode = serializers.UUIDField(help_text="De uitgevoerde periode die wordt teruggedraaid.")
    reden = serializers.CharField(max_length=300)


class AfdrachtrunSerializer(serializers.Serializer):
    periode = serializers.UUIDField(source="periode.uuid")
    start = serializers.DateField(source="periode.start")
    eind = serializers.DateField(source="periode.eind")
    nieuw = serializers.BooleanField()
    terugbetalingen = serializers.IntegerField()
    afdrachten = AfdrachtSerializer(many=True)


class AansluitregelSerializer(serializers.Serializer):
    arrangement = serializers.CharField()
    dienst = serializers.CharField()
    aanbieder = serializers.CharField()
    geind = serializers.DecimalField(max_digits=14, decimal_places=2)
    afgedragen = serializers.DecimalField(max_digits=14, decimal_places=2)
    vastgehouden = serializers.DecimalField(max_digits=14, decimal_places=2)
    verschil = serializers.DecimalField(max_digits=14, decimal_places=2)


class InningAansluitingSerializer(serializers.Serializer):
    ontvangen = serializers.DecimalField(max_digits=14, decimal_places=2)
    geind = serializers.DecimalField(max_digits=14, decimal_places=2)
    afgedragen = serializers.DecimalField(max_digits=14, decimal_places=2)
    vastgehouden = serializers.DecimalField(max_digits=14, decimal_places=2)
    nietToegewezen = serializers.DecimalField(
        source="niet_toegewezen", max_digits=14, decimal_places=2
    )
    klopt = serializers.BooleanField()
    afwijkingen = serializers.ListField(child=serializers.CharField())
    regels = AansluitregelSerializer(many=True)


@extend_schema(tags=["inning"])
class AfdrachtViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Afdrachten aan aanbieders per periode en dienst. Een aanbieder ziet alleen de zijne; het
    administratiekantoor voert een periode uit (idempotent)."""

    permissions = {
        "GET": "inning.afdrachten.bekijken",
        "HEAD": "inning.afdrachten.bekijken",
        "POST": "inning.beheren",
    }
    serializer_class = AfdrachtSerializer
    queryset = Afdracht.objects.none()
    filterset_class = AfdrachtFilter

    def get_queryset(self):
        return queries.afdrachten_for(self.request.user)

    @extend_schema(
        summary="Een periode afdragen (administratiekantoor); een tweede keer maakt niets nieuws",
        request=AfdrachtrunInputSerializer,
        responses={201: AfdrachtrunSerializer, 200: AfdrachtrunSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = AfdrachtrunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        run = services.run_distribution(d["start"], d["eind"], user=request.user)
        return Response(
            AfdrachtrunSerializer(run).data,
            status=http.HTTP_201_CREATED if run.nieuw else http.HTTP_200_OK,
        )

    @extend_schema(
        summary="Een uitgevoerde periode terugdraaien (administratiekantoor, met een reden)",
        request=TerugdraaienInputSerializer,
        responses={201: AfdrachtrunSerializer},
    )
    @action(detail=False, methods=["post"], url_path="terugdraaien")
    def terugdraaien(self, request):
        data = TerugdraaienInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        periode = Afdrachtperiode.objects.filter(uuid=d["periode"]).first()
        if periode is None:
            raise ValidationError({"periode": ["Onbekende periode."]})
        run = services.reverse_distribution(periode, d["reden"], user=request.user)
        return Response(AfdrachtrunSerializer(run).data, status=http.HTTP_201_CREATED)

    @extend_schema(
        summary="Aansluiting: geïnd = afgedragen + vastgehouden, per dienst en aanbieder",
        responses=InningAansluitingSerializer,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="aansluiting",
        pagination_class=None,
        permissions={"GET": "inning.aansluiting.bekijken"},
    )
    def aansluiting(self, request):
        return Response(InningAansluitingSerializer(queries.reconcile()).data)


# ---------------------------------------------------------------- overdue and reminders


class AchterstalligSerializer(serializers.Serializer):
    factuur = serializers.UUIDField(source="uuid")
    nummer = serializers.CharField()
    gemeente = serializers.CharField(source="gemeente.code")
    gemeenteNaam = serializers.CharField(source="gemeente.naam")
    vervaldatum = serializers.DateField()
    totaal = serializers.DecimalField(max_digits=14, decimal_places=2)
    open = serializers.DecimalField(max_digits=14, decimal_places=2)
    betalingskenmerk = serializers.CharField()
    herinneringen = serializers.IntegerField(source="herinneringen_n")
    laatsteHerinnering = serializers.DateField(source="laatste_herinnering", allow_null=True)


@extend_schema(tags=["inning"])
class AchterstalligViewSet(filters.ParametersMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Vervallen facturen met een openstaand bedrag (administratiekantoor)."""

    permissions = {"GET": "inning.beheren", "HEAD": "inning.beheren"}
    serializer_class = AchterstalligSerializer
    queryset = Factuur.objects.none()
    filterset_class = AchterstalligFilter

    def get_queryset(self):
        return queries.overdue(self.parameters().get("peildatum"))


class HerinneringSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    factuur = serializers.CharField(source="factuur.nummer")
    volgnummer = serializers.IntegerField()
    datum = serializers.DateField()
    kanaal = serializers.CharField()
    openBedrag = serializers.DecimalField(source="open_bedrag", max_digits=14, decimal_places=2)
    tekst = serializers.CharField()
    verstuurdDoor = serializers.CharField(
        source="verstuurd_door.username", allow_null=True, default=None
    )


class HerinneringInputSerializer(serializers.Serializer):
    factuur = serializers.UUIDField()
    kanaal = serializers.ChoiceField(choices=Herinnering.Kanaal.values)
    datum = serializers.DateField(required=False)


@extend_schema(tags=["inning"])
class HerinneringViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Verstuurde herinneringen (brief of e-mail, met de tekst); een volgende pas na een aantal
    dagen (administratiekantoor)."""

    permissions = {"GET": "inning.beheren", "HEAD": "inning.beheren", "POST": "inning.beheren"}
    serializer_class = HerinneringSerializer

    def get_queryset(self):
        return Herinnering.objects.select_related("factuur", "verstuurd_door").order_by(
            "-datum", "-id"
        )

    @extend_schema(
        summary="Een herinnering versturen (vastleggen)",
        request=HerinneringInputSerializer,
        responses={201: HerinneringSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = HerinneringInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        herinnering = services.send_reminder(
            _factuur_by_uuid(d["factuur"]), d["kanaal"], d.get("datum"), user=request.user
        )
        return Response(HerinneringSerializer(herinnering).data, status=http.HTTP_201_CREATED)
