"""REST API of the providers' accountability: documents (list, upload as multipart by a
provider, adoption by the committee, the PDF at ``/{uuid}/bestand``) and the municipalities'
questions with the providers' answers. Who sees what: see ``queries``."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from samen.aanbieders import queries, services
from samen.aanbieders.models import Verantwoordingsdocument, Vraag
from samen.abonnementen.models import Arrangement
from samen.api import filters
from samen.api.fields import vergadering_field
from samen.api.viewsets import ListOnlyFilters, UUIDLookup
from samen.audit.models import Actie
from samen.audit.services import record


class NoObjectScope:
    def check_object_permissions(self, request, obj):
        # The queryset is already limited to what this user may see (404 otherwise).
        return None


class VerantwoordingsdocumentSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="aanbieders_api:verantwoordingsdocument-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    arrangement = serializers.UUIDField(source="arrangement.uuid")
    arrangementNaam = serializers.CharField(source="arrangement.naam")
    aanbieder = serializers.UUIDField(source="aanbieder.uuid")
    aanbiederNaam = serializers.CharField(source="aanbieder.naam")
    jaar = serializers.IntegerField()
    soort = serializers.CharField(help_text="jaarplan, begroting of jaarrekening")
    versie = serializers.IntegerField()
    status = serializers.CharField(help_text="ingediend, vastgesteld of afgewezen")
    bestandsnaam = serializers.CharField()
    grootte = serializers.IntegerField()
    sha256 = serializers.CharField()
    ingediendOp = serializers.DateTimeField(source="ingediend_op")
    besluit = serializers.CharField(source="besluit.nummer", allow_null=True, default=None)
    vergadering = vergadering_field()
    gepubliceerdOp = serializers.DateTimeField(source="gepubliceerd_op", allow_null=True)
    bestand = serializers.SerializerMethodField(
        help_text="Het PDF-bestand, alleen voor wie het mag lezen (anders null)."
    )
    voorbeeld = serializers.BooleanField()

    def get_bestand(self, obj) -> str | None:
        request = self.context.get("request")
        if request is None or not queries.may_read_file(request.user, obj):
            return None
        return request.build_absolute_uri(f"/api/v1/verantwoordingsdocumenten/{obj.uuid}/bestand")


class UploadSerializer(serializers.Serializer):
    arrangement = serializers.UUIDField()
    jaar = serializers.IntegerField()
    soort = serializers.CharField(help_text="jaarplan, begroting of jaarrekening")
    bestand = serializers.FileField(help_text="PDF, hooguit 5 MB.")


class VaststellingSerializer(serializers.Serializer):
    uitkomst = serializers.CharField(help_text="vastgesteld of afgewezen")
    datum = serializers.DateField(required=False, help_text="Besluitdatum; standaard vandaag.")
    toelichting = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def validate_uitkomst(self, value):
        if value not in ("vastgesteld", "afgewezen"):
            raise serializers.ValidationError("Kies uit vastgesteld, afgewezen.")
        return value


class DocumentFilter(filters.FilterSet):
    arrangement = filters.UUIDFilter(field_name="arrangement__uuid")
    aanbieder = filters.UUIDFilter(
        field_name="aanbieder__uuid", help_text="UUID van de organisatie"
    )
    jaar = filters.YearFilter(field_name="jaar")
    soort = filters.ChoiceFilter(field_name="soort", choices=Verantwoordingsdocument.Soort.choices)
    status = filters.ChoiceFilter(
        field_name="status", choices=Verantwoordingsdocument.Status.choices
    )

    class Meta:
        model = Verantwoordingsdocument
        fields: list[str] = []


class VraagFilter(filters.FilterSet):
    document = filters.UUIDFilter(field_name="document__uuid")

    class Meta:
        model = Vraag
        fields: list[str] = []


@extend_schema(tags=["verantwoording"])
class VerantwoordingsdocumentViewSet(
    NoObjectScope,
    ListOnlyFilters,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Jaarplannen, begrotingen en jaarrekeningen van aanbieders per arrangement en jaar. Iedereen
    ziet welke documenten zijn vastgesteld en wanneer; een aanbieder ziet ook zijn eigen
    ingediende documenten; het bestand lezen gemeenten (na vaststelling), de aanbieder zelf en
    de commissie en het programmabureau."""

    serializer_class = VerantwoordingsdocumentSerializer
    filterset_class = DocumentFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @property
    def permissions(self):
        write = {"vaststelling": "aanbieders.vaststellen"}.get(self.action, "aanbieders.indienen")
        read = "aanbieders.bestand.bekijken" if self.action == "bestand" else "aanbieders.bekijken"
        return {"GET": read, "HEAD": read, "POST": write}

    def get_queryset(self):
        return queries.documents_for(self.request.user)

    def _out(self, document, code=http.HTTP_200_OK):
        document = queries.documents_for(self.request.user, alle_versies=True).get(pk=document.pk)
        return Response(
            VerantwoordingsdocumentSerializer(document, context={"request": self.request}).data,
            status=code,
        )

    @extend_schema(
        summary="Een document indienen (aanbieder; multipart, veld 'bestand', PDF tot 5 MB)",
        request={"multipart/form-data": UploadSerializer},
        responses={201: VerantwoordingsdocumentSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        arrangement = Arrangement.objects.filter(uuid=d["arrangement"]).first()
        if arrangement is None:
            raise ValidationError({"arrangement": ["Onbekend arrangement."]})
        upload = d["bestand"]
        if upload.size > services.MAX_GROOTTE:
            inhoud = upload.read(services.MAX_GROOTTE + 1)
        else:
            inhoud = upload.read()
        document = services.submit_document(
            arrangement, d["jaar"], d["soort"], upload.name, inhoud, user=request.user
        )
        return self._out(document, http.HTTP_201_CREATED)

    @extend_schema(
        summary="Het document vaststellen of afwijzen (commissie); vastgesteld is gepubliceerd",
        request=VaststellingSerializer,
        responses=VerantwoordingsdocumentSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="vaststelling",
        parser_classes=[JSONParser],
    )
    def vaststelling(self, request, uuid=None):
        document = self.get_object()
        data = VaststellingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        services.decide_document(
            document,
            d["uitkomst"] == "vastgesteld",
            d.get("datum"),
            d.get("toelichting", ""),
            user=request.user,
        )
        return self._out(document)

    @extend_schema(
        summary="Het PDF-bestand",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="Het document als PDF."
            )
        },
    )
    @action(detail=True, methods=["get"], url_path="bestand")
    def bestand(self, request, uuid=None):
        document = self.get_object()
        if not queries.may_read_file(request.user, document):
            raise PermissionDenied("U mag dit bestand (nog) niet lezen.")
        inhoud = Verantwoordingsdocument.objects.values_list("inhoud", flat=True).get(
            pk=document.pk
        )
        record(Actie.LEZEN, document, user=request.user, toelichting="bestand gelezen (API)")
        return pdf_response(document, inhoud)


def pdf_response(document, inhoud) -> HttpResponse:
    response = HttpResponse(bytes(inhoud), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.bestandsnaam}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- questions


class AntwoordSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    tekst = serializers.CharField()
    door = serializers.CharField(source="door_naam")
    op = serializers.DateTimeField()


class VraagSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="aanbieders_api:vraag-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    document = serializers.UUIDField(source="document.uuid")
    aanbieder = serializers.CharField(source="document.aanbieder.naam")
    gemeente = serializers.CharField(source="gemeente.code")
    gemeenteNaam = serializers.CharField(source="gemeente.naam")
    tekst = serializers.CharField()
    gesteldDoor = serializers.CharField(source="gesteld_door_naam")
    gesteldOp = serializers.DateTimeField(source="gesteld_op")
    antwoorden = AntwoordSerializer(many=True)


class VraagInputSerializer(serializers.Serializer):
    document = serializers.UUIDField()
    tekst = serializers.CharField(max_length=5000)


class AntwoordInputSerializer(serializers.Serializer):
    tekst = serializers.CharField(max_length=10000)


@extend_schema(tags=["verantwoording"])
class VraagViewSet(
    NoObjectScope,
    ListOnlyFilters,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Vragen van gemeenten aan aanbieders over vastgestelde documenten, met de antwoorden.
    Alle gemeenten lezen alle vragen en antwoorden; een aanbieder beantwoordt alleen vragen over
    zijn eigen documenten."""

    serializer_class = VraagSerializer
    filterset_class = VraagFilter

    @property
    def permissions(self):
        write = {"antwoord": "aanbieders.vragen.beantwoorden"}.get(
            self.action, "aanbieders.vragen.stellen"
        )
        return {
            "GET": "aanbieders.vragen.bekijken",
            "HEAD": "aanbieders.vragen.bekijken",
            "POST": write,
        }

    def get_queryset(self):
        return queries.questions_for(self.request.user)

    def _out(self, vraag, code=http.HTTP_200_OK):
        vraag = queries.questions_for(self.request.user).get(pk=vraag.pk)
        return Response(VraagSerializer(vraag, context={"request": self.request}).data, status=code)

    @extend_schema(
        summary="Een vraag stellen over een vastgesteld document (gemeente)",
        request=VraagInputSerializer,
        responses={201: VraagSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = VraagInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = (
            queries.documents_for(request.user).filter(uuid=data.validated_data["document"]).first()
        )
        if document is None:
            raise ValidationError({"document": ["Onbekend of niet vastgesteld document."]})
        vraag = services.ask_question(document, data.validated_data["tekst"], user=request.user)
        return self._out(vraag, http.HTTP_201_CREATED)

    @extend_schema(
        summary="Een vraag beantwoorden (de aanbieder van het document)",
        request=AntwoordInputSerializer,
        responses={201: VraagSerializer},
    )
    @action(detail=True, methods=["post"], url_path="antwoord")
    def antwoord(self, request, uuid=None):
        vraag = self.get_object()
        data = AntwoordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.answer_question(vraag, data.validated_data["tekst"], user=request.user)
        return self._out(vraag, http.HTTP_201_CREATED)


__all__ = ["VerantwoordingsdocumentViewSet", "VraagViewSet"]
