"""REST API of the financing forms (public, read-only): allocation keys with their inputs and
shares, the centre municipalities' compensation, the regions with their members' shares."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets

from samen.api import filters
from samen.api.camel import CamelCase
from samen.api.viewsets import ListOnlyFilters, UUIDLookup
from samen.core.errors import DomainError
from samen.financiering import queries
from samen.financiering.models import Compensatie, Regio, Verdeelsleutel

READ = {"GET": "financiering.bekijken", "HEAD": "financiering.bekijken"}


class FinancieringAandeelSerializer(serializers.Serializer):
    gemeente = serializers.CharField(source="gemeente.code")
    naam = serializers.CharField(source="gemeente.naam")
    inwoners = serializers.IntegerField()
    extra_gewicht = serializers.IntegerField(source="extra")
    sleutel = serializers.IntegerField()
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)


class FinancieringGewichtSerializer(serializers.Serializer):
    gemeente = serializers.CharField(source="gemeente.code")
    gewicht = serializers.IntegerField()
    reden = serializers.CharField()
    bron = serializers.CharField()


class FinancieringVerdeelsleutelSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    arrangement = serializers.UUIDField(source="arrangement.uuid")
    naam = serializers.CharField(source="arrangement.naam")
    jaar = serializers.IntegerField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    toelichting = serializers.CharField()
    bron = serializers.CharField()
    voorbeeld = serializers.BooleanField()


class FinancieringVerdeelsleutelDetailSerializer(FinancieringVerdeelsleutelSerializer):
    gewichten = FinancieringGewichtSerializer(many=True, source="gewichten_lijst")
    bronjaar_inwoners = serializers.IntegerField(allow_null=True)
    aandelen = FinancieringAandeelSerializer(many=True)


class FinancieringCompensatieSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    gemeente = serializers.CharField(source="gemeente.code")
    naam = serializers.CharField(source="gemeente.naam")
    jaar = serializers.IntegerField()
    bedrag = serializers.DecimalField(max_digits=14, decimal_places=2)
    grondslag = serializers.CharField()
    circulaire = serializers.CharField()
    bron = serializers.CharField()
    voorbeeld = serializers.BooleanField()


class FinancieringRegioSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    arrangement = serializers.UUIDField(source="arrangement.uuid")
    jaar = serializers.IntegerField()
    naam = serializers.CharField()
    bijdrage = serializers.DecimalField(max_digits=14, decimal_places=2)
    leden = serializers.SerializerMethodField()
    bron = serializers.CharField()
    voorbeeld = serializers.BooleanField()

    def get_leden(self, obj) -> list[str]:
        return sorted(g.code for g in obj.leden.all())


class FinancieringRegioDetailSerializer(FinancieringRegioSerializer):
    aandelen = FinancieringAandeelSerializer(many=True)


class JaarFilter(filters.FilterSet):
    jaar = filters.YearFilter(field_name="jaar")

    class Meta:
        model = Verdeelsleutel
        fields: list[str] = []


class CompensatieFilter(JaarFilter):
    gemeente = filters.CbsCodeFilter(field_name="gemeente__code", help_text="CBS-code")

    class Meta:
        model = Compensatie
        fields: list[str] = []


class RegioFilter(JaarFilter):
    class Meta:
        model = Regio
        fields: list[str] = []


class _ReadOnly(
    CamelCase,
    ListOnlyFilters,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permissions = READ


@extend_schema(tags=["financiering"])
class VerdeelsleutelViewSet(_ReadOnly):
    """Verdeelsleutels per jaar: budget, gewichten met reden en bron, en (in het detail) het
    aandeel van elke gemeente; de aandelen tellen precies op tot het budget."""

    filterset_class = JaarFilter

    def get_queryset(self):
        return queries.keys().order_by("-jaar", "id")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return FinancieringVerdeelsleutelDetailSerializer
        return FinancieringVerdeelsleutelSerializer

    def get_object(self):
        sleutel = super().get_object()
        sleutel.gewichten_lijst = list(sleutel.gewichten.select_related("gemeente"))
        try:
            verdeling = queries.key_shares(sleutel)
            sleutel.aandelen, sleutel.bronjaar_inwoners = verdeling.regels, verdeling.bronjaar
        except DomainError:
            sleutel.aandelen, sleutel.bronjaar_inwoners = [], None
        return sleutel


@extend_schema(tags=["financiering"])
class CompensatieViewSet(_ReadOnly):
    """Compensatie van de centrumgemeenten uit het gemeentefonds: bedrag, grondslag en
    circulaire per jaar (niet gefactureerd; geen cijfers over gebruik)."""

    serializer_class = FinancieringCompensatieSerializer
    filterset_class = CompensatieFilter

    def get_queryset(self):
        return queries.compensations().order_by("-jaar", "gemeente__code", "id")


@extend_schema(tags=["financiering"])
class RegioViewSet(_ReadOnly):
    """Regio's per jaar met hun bijdrage aan het landelijke nummer van Veilig Thuis, hun
    gemeenten en (in het detail) het aandeel van elke gemeente naar inwoners."""

    filterset_class = RegioFilter

    def get_queryset(self):
        return queries.regions().order_by("-jaar", "naam", "id")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return FinancieringRegioDetailSerializer
        return FinancieringRegioSerializer

    def get_object(self):
        regio = super().get_object()
        try:
            regio.aandelen = queries.region_shares(regio).regels
        except DomainError:
            regio.aandelen = []
        return regio
