"""REST API of the interpreter service: the public tariff table, the mediator's requests (and
offering them), an interpreter's own offers (and accepting one), the clients a user may see.
Reads of client data are audited as on the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from samen.api import filters
from samen.api.camel import CamelCase
from samen.api.viewsets import ListOnlyFilters, ServiceAction, UUIDLookup
from samen.audit.models import Actie
from samen.audit.services import record
from samen.tolk import queries, services
from samen.tolk.models import Aanbod, Aanvraag, Client, Tarieftabel, Urgentie


class TolkTarieftabelSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    jaar = serializers.IntegerField()
    versie = serializers.IntegerField()
    uurtarief = serializers.DecimalField(max_digits=8, decimal_places=2)
    reisuurtarief = serializers.DecimalField(max_digits=8, decimal_places=2)
    kilometertarief = serializers.DecimalField(max_digits=6, decimal_places=3)
    vastgesteld_op = serializers.DateField()


class TolkAanvraagSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    nummer = serializers.CharField()
    client = serializers.CharField(source="client.nummer", allow_null=True, default=None)
    domein = serializers.CharField()
    betaler = serializers.CharField()
    tolktype = serializers.CharField()
    begin = serializers.DateTimeField()
    duur_minuten = serializers.IntegerField()
    op_afstand = serializers.BooleanField()
    plaats = serializers.CharField(source="plaats.code", allow_null=True, default=None)
    urgentie = serializers.CharField()
    status = serializers.CharField()


class TolkAanbodSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    aanvraag = serializers.CharField(source="aanvraag.nummer")
    begin = serializers.DateTimeField(source="aanvraag.begin")
    duur_minuten = serializers.IntegerField(source="aanvraag.duur_minuten")
    tolktype = serializers.CharField(source="aanvraag.tolktype")
    op_afstand = serializers.BooleanField(source="aanvraag.op_afstand")
    plaats = serializers.CharField(source="aanvraag.plaats.code", allow_null=True, default=None)
    status = serializers.CharField()


class TolkAanbiedenSerializer(serializers.Serializer):
    aantal = serializers.IntegerField(min_value=1, max_value=50, default=5)
    achterwacht = serializers.BooleanField(default=False)


class TolkOpdrachtSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    aanvraag = serializers.CharField(source="aanvraag.nummer")
    begin = serializers.DateTimeField()
    eind = serializers.DateTimeField()
    status = serializers.CharField()


class TolkClientSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    nummer = serializers.CharField()
    woongemeente = serializers.CharField(source="gemeente_code")
    tolktypen = serializers.ListField(child=serializers.CharField())


class TolkAanvraagFilter(filters.FilterSet):
    status = filters.ChoiceFilter(field_name="status", choices=Aanvraag.Status.choices)
    urgentie = filters.ChoiceFilter(field_name="urgentie", choices=Urgentie.choices)
    datum = filters.DateFilter(field_name="begin__date", help_text="JJJJ-MM-DD")

    class Meta:
        model = Aanvraag
        fields: list[str] = []


@extend_schema(tags=["tolkvoorziening"])
class TolkTarieftabelViewSet(CamelCase, UUIDLookup, mixins.ListModelMixin, viewsets.GenericViewSet):
    """De tarieftabellen van de tolkvoorziening per jaar en versie (openbaar)."""

    permissions = {"GET": "tolk.tarieven.bekijken", "HEAD": "tolk.tarieven.bekijken"}
    serializer_class = TolkTarieftabelSerializer
    queryset = Tarieftabel.objects.order_by("-jaar", "-versie", "id")


@extend_schema(tags=["tolkvoorziening"])
class TolkAanvraagViewSet(
    CamelCase,
    ServiceAction,
    ListOnlyFilters,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Tolkaanvragen (voor de medewerkers van de tolkbemiddeling)."""

    permissions = {"GET": "tolk.bemiddelen", "HEAD": "tolk.bemiddelen", "POST": "tolk.bemiddelen"}
    serializer_class = TolkAanvraagSerializer
    filterset_class = TolkAanvraagFilter

    def get_queryset(self):
        return Aanvraag.objects.select_related("client", "plaats").order_by("begin", "id")

    def list(self, request, *args, **kwargs):
        record(
            Actie.LEZEN,
            object_type="tolk.aanvraag",
            object_id="lijst",
            user=request.user,
            toelichting="aanvragen gelezen (API)",
        )
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        record(
            Actie.LEZEN, self.get_object(), user=request.user, toelichting="aanvraag gelezen (API)"
        )
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=TolkAanbiedenSerializer, responses={200: TolkAanbodSerializer(many=True)}
    )
    @action(detail=True, methods=["post"])
    def aanbieden(self, request, uuid=None):
        aanvraag = self.get_object()
        d = self.validated(TolkAanbiedenSerializer)
        nieuw = services.aanbieden(aanvraag, aantal=d["aantal"], achterwacht=d["achterwacht"])
        rows = Aanbod.objects.filter(pk__in=[a.pk for a in nieuw]).select_related(
            "aanvraag", "aanvraag__plaats"
        )
        return Response(TolkAanbodSerializer(rows, many=True).data)


@extend_schema(tags=["tolkvoorziening"])
class TolkAanbodViewSet(
    CamelCase, ServiceAction, UUIDLookup, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """De open aanbiedingen van de ingelogde tolk; wie het eerst accepteert, krijgt de opdracht."""

    permissions = {"GET": "tolk.agenda", "HEAD": "tolk.agenda", "POST": "tolk.agenda"}
    serializer_class = TolkAanbodSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return Aanbod.objects.none()
        return (
            Aanbod.objects.filter(tolk__gebruiker=self.request.user, status=Aanbod.Status.OPEN)
            .select_related("aanvraag", "aanvraag__plaats")
            .order_by("aanvraag__begin", "id")
        )

    @extend_schema(request=None, responses={200: TolkOpdrachtSerializer})
    @action(detail=True, methods=["post"])
    def accepteren(self, request, uuid=None):
        opdracht = services.accepteren(self.get_object(), request.user)
        return self.answer(opdracht, serializer_class=TolkOpdrachtSerializer)


@extend_schema(tags=["tolkvoorziening"])
class TolkClientViewSet(
    CamelCase, UUIDLookup, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cliënten (alleen een cliëntnummer): de bemiddeling alle, een gemeente haar eigen inwoners."""

    permissions = {
        "GET": "tolk.clienten.bekijken.eigen",
        "HEAD": "tolk.clienten.bekijken.eigen",
    }
    serializer_class = TolkClientSerializer

    def get_queryset(self):
        return Client.objects.select_related("gemeente").order_by("nummer", "id")

    def list(self, request, *args, **kwargs):
        rows = queries.clienten(request.user)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        record(Actie.LEZEN, obj, user=request.user, toelichting="cliënt gelezen (API)")
        return super().retrieve(request, *args, **kwargs)
