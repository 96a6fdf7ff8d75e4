"""REST API of agreements and their signing: the agreements and their campaign (public totals),
each municipality's signing (its own contacts and the programme office) and its next step."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from samen.accounts.models import Rol
from samen.accounts.permissions import allowed
from samen.api import filters
from samen.api.camel import CamelCase
from samen.api.viewsets import ListOnlyFilters, UUIDLookup
from samen.gemeenten.models import Gemeente
from samen.overeenkomsten import campagne, queries, services
from samen.overeenkomsten.models import Drempel, Ondertekening, Overeenkomst, Stap, Status


class OvereenkomstenOvereenkomstSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="overeenkomsten_api:overeenkomst-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    titel = serializers.CharField()
    versie = serializers.IntegerField()
    omschrijving = serializers.CharField()
    partijen = serializers.SerializerMethodField()
    arrangement = serializers.UUIDField(source="arrangement.uuid", allow_null=True, default=None)
    voorziening = serializers.UUIDField(source="voorziening.uuid", allow_null=True, default=None)
    besluit = serializers.CharField(source="besluit.nummer", allow_null=True, default=None)
    start = serializers.DateField()
    deadline = serializers.DateField()
    drempel_soort = serializers.ChoiceField(choices=Drempel.choices)
    drempel_waarde = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    facturering_volgt = serializers.BooleanField()
    document_sha256 = serializers.CharField(source="sha256")
    voorbeeld = serializers.BooleanField()

    def get_partijen(self, obj) -> list[str]:
        return [line.strip() for line in obj.partijen.splitlines() if line.strip()]


class OvereenkomstenTellingSerializer(serializers.Serializer):
    groep = serializers.CharField()
    aantal = serializers.IntegerField()
    inwoners = serializers.IntegerField()
    aandeel_aantal = serializers.DecimalField(max_digits=5, decimal_places=1)
    aandeel_inwoners = serializers.DecimalField(max_digits=5, decimal_places=1)
    aandeel_budget = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class OvereenkomstenTekortSerializer(serializers.Serializer):
    dienst = serializers.CharField()
    aanbieder = serializers.CharField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    gedekt = serializers.DecimalField(max_digits=14, decimal_places=2)
    tekort = serializers.DecimalField(max_digits=14, decimal_places=2)


class OvereenkomstenCampagneSerializer(serializers.Serializer):
    peildatum = serializers.DateField()
    deadline = serializers.DateField()
    dagen_over = serializers.IntegerField()
    gemeenten = serializers.IntegerField()
    inwoners = serializers.IntegerField()
    groepen = OvereenkomstenTellingSerializer(many=True)
    drempel_gehaald = serializers.BooleanField(allow_null=True)
    tarief = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    dekkend_tarief = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    tekort = OvereenkomstenTekortSerializer(many=True)


class CampagneParameters(filters.FilterSet):
    peildatum = filters.DateFilter(method="keep", help_text="Standaard vandaag.")

    class Meta:
        model = Overeenkomst
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


@extend_schema(tags=["overeenkomsten"])
class OvereenkomstViewSet(
    CamelCase,
    filters.ParametersMixin,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Overeenkomsten die gemeenten vóór een deadline tekenen (de actuele versies)."""

    permissions = {"GET": "overeenkomsten.bekijken", "HEAD": "overeenkomsten.bekijken"}
    serializer_class = OvereenkomstenOvereenkomstSerializer

    def get_queryset(self):
        return queries.current_agreements().order_by("-deadline", "titel", "id")

    @extend_schema(
        parameters=filters.parameters(CampagneParameters),
        responses={200: OvereenkomstenCampagneSerializer},
        description="De stand van de campagne op de peildatum: aantallen, inwoners en "
        "budgetdekking per stap, dagen tot de deadline, het tarief als alleen de getekende "
        "gemeenten betalen en het tekort per aanbieder.",
    )
    @action(detail=True, methods=["get"], url_path="campagne")
    def campagne(self, request, uuid=None):
        o = self.get_object()
        p = self.parameters(CampagneParameters)
        c = queries.campaign(o, p.get("peildatum"))
        budget = c.budget
        body = {
            "peildatum": c.peildatum,
            "deadline": o.deadline,
            "dagen_over": c.dagen_over,
            "gemeenten": c.totalen.aantal,
            "inwoners": c.totalen.inwoners,
            "groepen": [
                {
                    "groep": g,
                    "aantal": c.totalen.per_groep[g].aantal,
                    "inwoners": c.totalen.per_groep[g].inwoners,
                    "aandeel_aantal": c.totalen.aandeel_aantal(g),
                    "aandeel_inwoners": c.totalen.aandeel_inwoners(g),
                    "aandeel_budget": budget.per_groep[g] if budget else None,
                }
                for g in campagne.GROEPEN
            ],
            "drempel_gehaald": c.drempel_gehaald,
            "tarief": budget.tarief if budget else None,
            "dekkend_tarief": budget.dekkend_tarief if budget else None,
            "tekort": [
                {
                    "dienst": d.dienst,
                    "aanbieder": budget.aanbieders[d.dienst],
                    "budget": d.budget,
                    "gedekt": d.gedekt,
                    "tekort": d.tekort,
                }
                for d in (budget.diensten if budget else [])
            ],
        }
        return Response(OvereenkomstenCampagneSerializer(body).data)


class OvereenkomstenStapSerializer(serializers.Serializer):
    # "stap", not "status": the OpenAPI document has one enum per field name
    stap = serializers.ChoiceField(choices=Status.choices, source="status")
    datum = serializers.DateField()
    getekend_door = serializers.CharField()
    besluitreferentie = serializers.CharField()
    reden = serializers.CharField()
    correctie = serializers.BooleanField()
    namens = serializers.BooleanField(
        help_text="Vastgelegd door het programmabureau namens de gemeente."
    )
    overgenomen = serializers.BooleanField(help_text="Overgenomen bij een herindeling.")
    document_sha256 = serializers.CharField(source="sha256")


class OvereenkomstenOndertekeningSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="overeenkomsten_api:ondertekening-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    overeenkomst = serializers.UUIDField(source="overeenkomst.uuid")
    gemeente = serializers.CharField(source="gemeente.code")
    gemeente_naam = serializers.CharField(source="gemeente.naam")
    stap = serializers.ChoiceField(choices=Status.choices, source="status")
    sinds = serializers.DateField()
    te_bevestigen = serializers.BooleanField()
    stappen = OvereenkomstenStapSerializer(many=True)


class OvereenkomstenStapInputSerializer(serializers.Serializer):
    overeenkomst = serializers.UUIDField()
    gemeente = serializers.RegexField(r"^GM[0-9]{4}$", help_text="CBS-code")
    stap = serializers.ChoiceField(choices=Status.choices)
    datum = serializers.DateField(required=False, help_text="Standaard vandaag.")
    getekend_door = serializers.CharField(required=False, allow_blank=True, default="")
    besluitreferentie = serializers.CharField(required=False, allow_blank=True, default="")
    reden = serializers.CharField(required=False, allow_blank=True, default="")
    correctie = serializers.BooleanField(required=False, default=False)


class OndertekeningFilter(filters.FilterSet):
    overeenkomst = filters.UUIDFilter(field_name="overeenkomst__uuid")
    gemeente = filters.CbsCodeFilter(field_name="gemeente__code", help_text="CBS-code")
    stap = filters.ChoiceFilter(field_name="status", choices=Status.choices)

    class Meta:
        model = Ondertekening
        fields: list[str] = []


@extend_schema(tags=["overeenkomsten"])
class OndertekeningViewSet(
    CamelCase,
    ListOnlyFilters,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """De ondertekening per gemeente met haar stappen: een contactpersoon ziet en wijzigt die
    van de eigen gemeente, het programmabureau alle (en legt vast namens de gemeente)."""

    permissions = {
        "GET": "overeenkomsten.tekenen.eigen",
        "HEAD": "overeenkomsten.tekenen.eigen",
        "POST": "overeenkomsten.tekenen.eigen",
    }
    serializer_class = OvereenkomstenOndertekeningSerializer
    filterset_class = OndertekeningFilter

    def get_queryset(self):
        from django.db.models import Prefetch

        qs = (
            Ondertekening.objects.select_related("overeenkomst", "gemeente")
            .prefetch_related(Prefetch("stappen", queryset=Stap.objects.defer("inhoud")))
            .order_by("overeenkomst__deadline", "gemeente__naam", "id")
        )
        user = self.request.user
        if getattr(user, "rol", "") == Rol.GEMEENTE and not user.is_superuser:
            qs = qs.filter(gemeente_id=user.gemeente_id)
        return qs

    @extend_schema(
        request=OvereenkomstenStapInputSerializer,
        responses={201: OvereenkomstenOndertekeningSerializer},
        description="De volgende stap van een gemeente (alleen vooruit; een correctie met "
        "reden zet elke andere stap). Getekend vraagt wie tekende en het kenmerk van het "
        "lokale besluit, afgewezen een reden.",
    )
    def create(self, request, *args, **kwargs):
        data = OvereenkomstenStapInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        o = queries.current_agreements().filter(uuid=d["overeenkomst"]).first()
        gemeente = Gemeente.objects.filter(code=d["gemeente"]).first()
        unknown = {}
        if o is None:
            unknown["overeenkomst"] = ["Onbekende of niet geldende overeenkomst."]
        if gemeente is None:
            unknown["gemeente"] = ["Onbekende gemeente."]
        if unknown:
            raise ValidationError(unknown)
        if not allowed(request.user, "overeenkomsten.tekenen.eigen", gemeente):
            raise PermissionDenied("U legt alleen stappen van uw eigen gemeente vast.")
        services.record_step(
            o,
            gemeente,
            d["stap"],
            datum=d.get("datum"),
            getekend_door=d["getekend_door"],
            besluitreferentie=d["besluitreferentie"],
            reden=d["reden"],
            correctie=d["correctie"],
            user=request.user,
        )
        ondertekening = self.get_queryset().get(overeenkomst=o, gemeente=gemeente)
        return Response(self.get_serializer(ondertekening).data, status=status.HTTP_201_CREATED)
