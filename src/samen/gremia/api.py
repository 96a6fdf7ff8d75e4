"""REST API of the bodies (read): the bodies, their composition on a date, their reglementen, and
the meetings with agenda, attendance count, quorum and besluitenlijst."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from samen.api import filters
from samen.api.camel import CamelCase
from samen.api.viewsets import UUIDLookup
from samen.core.clock import today
from samen.gremia import queries
from samen.gremia.models import Gremium, Vergadering


class GremiaGremiumSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="gremia_api:gremium-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    naam = serializers.CharField()
    afkorting = serializers.CharField()
    soort = serializers.CharField(help_text=", ".join(Gremium.Soort.values))
    parent = serializers.UUIDField(source="parent.uuid", allow_null=True, default=None)
    ingesteld_op = serializers.DateField(allow_null=True)
    opgeheven_op = serializers.DateField(allow_null=True)
    voorbeeld = serializers.BooleanField()


class GremiaZetelSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(source="lidmaatschap.uuid")
    naam = serializers.CharField(source="lidmaatschap.naam")
    rol = serializers.CharField(source="lidmaatschap.rol")
    functie = serializers.CharField(source="lidmaatschap.functie")
    gemeente = serializers.CharField(source="gemeente.code", allow_null=True, default=None)
    oorspronkelijke_gemeente = serializers.CharField(
        source="lidmaatschap.gemeente.code", allow_null=True, default=None
    )
    provincie = serializers.CharField()
    inwoners = serializers.IntegerField(allow_null=True)
    grootteklasse = serializers.CharField()
    organisatie = serializers.CharField(
        source="lidmaatschap.organisatie.naam", allow_null=True, default=None
    )
    van = serializers.DateField(source="lidmaatschap.van")
    tot = serializers.DateField(source="lidmaatschap.tot", allow_null=True)
    voorbeeld = serializers.BooleanField(source="lidmaatschap.voorbeeld")


class GremiaSamenstellingSerializer(serializers.Serializer):
    peildatum = serializers.DateField()
    leden = GremiaZetelSerializer(many=True, source="zetels")
    per_grootteklasse = serializers.DictField(child=serializers.IntegerField())
    per_provincie = serializers.DictField(child=serializers.IntegerField())
    per_functie = serializers.DictField(child=serializers.IntegerField())
    ontbrekende_grootteklassen = serializers.ListField(
        child=serializers.CharField(), source="ontbrekende_klassen"
    )
    bevolking_toelichting = serializers.CharField()


class SamenstellingParameters(filters.FilterSet):
    peildatum = filters.DateFilter(method="keep", help_text="Standaard vandaag.")

    class Meta:
        model = Gremium
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


class GremiaReglementVersieSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    reglement = serializers.CharField(source="reglement.titel")
    versie = serializers.IntegerField()
    geldig_van = serializers.DateField()
    quorumregel = serializers.CharField()
    quorum_waarde = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    besluit = serializers.CharField(source="besluit.nummer", allow_null=True, default=None)
    tekst = serializers.CharField()
    sha256 = serializers.CharField()


class GremiumFilter(filters.FilterSet):
    soort = filters.ChoiceFilter(choices=Gremium.Soort.choices)

    class Meta:
        model = Gremium
        fields: list[str] = []


@extend_schema(tags=["gremia"])
class GremiumViewSet(
    CamelCase,
    filters.ParametersMixin,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """De gremia van Samen Organiseren."""

    permissions = {"GET": "gremia.bekijken", "HEAD": "gremia.bekijken"}
    serializer_class = GremiaGremiumSerializer
    filterset_class = GremiumFilter

    def get_queryset(self):
        return Gremium.objects.select_related("parent").order_by("naam", "id")

    @extend_schema(
        parameters=filters.parameters(SamenstellingParameters),
        responses={200: GremiaSamenstellingSerializer},
        description="De leden op de peildatum, met hun gemeente op die datum (de opvolger na "
        "een herindeling), inwoners en grootteklasse, en de verdeling per grootteklasse, "
        "provincie en functie.",
    )
    @action(detail=True, methods=["get"], url_path="samenstelling", filterset_class=None)
    def samenstelling(self, request, uuid=None):
        gremium = self.get_object()
        p = self.parameters(SamenstellingParameters)
        s = queries.samenstelling(gremium, p.get("peildatum") or today())
        return Response(GremiaSamenstellingSerializer(s).data)

    @extend_schema(responses={200: GremiaReglementVersieSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        url_path="reglementen",
        filterset_class=None,
        pagination_class=None,
    )
    def reglementen(self, request, uuid=None):
        gremium = self.get_object()
        versies = [v for r in queries.reglementen(gremium) for v in r.versies.all()]
        return Response(GremiaReglementVersieSerializer(versies, many=True).data)


class GremiaAgendapuntSerializer(serializers.Serializer):
    volgorde = serializers.IntegerField()
    titel = serializers.CharField()
    toelichting = serializers.CharField()
    onderwerp_soort = serializers.CharField()
    onderwerp = serializers.SerializerMethodField()

    def get_onderwerp(self, obj) -> str | None:
        o = obj.onderwerp
        return str(getattr(o, "uuid", "")) or None if o is not None else None


class GremiaBesluitenlijstpuntSerializer(serializers.Serializer):
    volgorde = serializers.IntegerField()
    tekst = serializers.CharField()
    besluit = serializers.CharField(source="besluit.nummer", allow_null=True, default=None)


class GremiaVergaderingSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="gremia_api:vergadering-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    gremium = serializers.UUIDField(source="gremium.uuid")
    gremium_naam = serializers.CharField(source="gremium.naam")
    datum = serializers.DateField()
    soort = serializers.CharField(help_text=", ".join(Vergadering.Soort.values))
    status = serializers.CharField(help_text=", ".join(Vergadering.Status.values))
    besluitenlijst_vastgesteld_op = serializers.DateField(allow_null=True)
    voorbeeld = serializers.BooleanField()


class GremiaVergaderingDetailSerializer(GremiaVergaderingSerializer):
    agenda = GremiaAgendapuntSerializer(many=True, source="detail.agenda")
    besluitenlijst = GremiaBesluitenlijstpuntSerializer(many=True, source="detail.besluitenlijst")
    aanwezig = serializers.IntegerField(source="detail.aanwezig")
    quorum_gehaald = serializers.BooleanField(allow_null=True, source="detail.quorum.gehaald")
    quorum_toelichting = serializers.CharField(source="detail.quorum.uitleg")


class VergaderingFilter(filters.FilterSet):
    gremium = filters.UUIDFilter(field_name="gremium__uuid")
    vanaf = filters.DateFilter(field_name="datum", lookup_expr="gte")
    tot = filters.DateFilter(field_name="datum", lookup_expr="lte", help_text="Tot en met.")
    status = filters.ChoiceFilter(choices=Vergadering.Status.choices)

    class Meta:
        model = Vergadering
        fields: list[str] = []


@extend_schema(tags=["gremia"])
class VergaderingViewSet(
    CamelCase,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Vergaderingen van de gremia, met agenda, quorum en besluitenlijst."""

    permissions = {"GET": "gremia.bekijken", "HEAD": "gremia.bekijken"}
    serializer_class = GremiaVergaderingSerializer
    filterset_class = VergaderingFilter

    def get_queryset(self):
        return Vergadering.objects.select_related("gremium").order_by("-datum", "id")

    @extend_schema(responses={200: GremiaVergaderingDetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        v = self.get_object()
        detail = queries.vergadering_detail(v)
        detail["aanwezig"] = sum(1 for a in detail["aanwezigheid"] if a.status == "aanwezig")
        v.detail = detail
        return Response(GremiaVergaderingDetailSerializer(v, context={"request": request}).data)
