"""REST API of participation and coverage."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from samen.accounts.permissions import allowed
from samen.api import filters
from samen.api.camel import CamelCase
from samen.api.viewsets import ListOnlyFilters, ServiceAction, UUIDLookup
from samen.besluiten.models import Besluit
from samen.core.clock import today
from samen.core.errors import Problem
from samen.deelnames import queries, services
from samen.deelnames.models import Deelname, Status
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import PopulationUnavailable
from samen.portfolio.models import Voorziening


class DeelnameSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="deelnames_api:deelname-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    gemeente = serializers.CharField(source="gemeente.code")
    gemeente_naam = serializers.CharField(source="gemeente.naam")
    voorziening = serializers.UUIDField(source="voorziening.uuid")
    besluit = serializers.CharField(source="besluit.nummer", allow_null=True, default=None)
    herkomst = serializers.CharField()
    status = serializers.CharField()
    sinds = serializers.DateField()
    tot = serializers.DateField(allow_null=True)
    gepland_op = serializers.DateField(allow_null=True)
    live_op = serializers.DateField(allow_null=True)
    reden_niet_naleven = serializers.CharField()


class AanmeldingSerializer(serializers.Serializer):
    gemeente = serializers.CharField(
        required=False, help_text="CBS-code; leeg bij aanmelding namens een samenwerkingsverband."
    )
    namens = serializers.UUIDField(
        required=False,
        help_text="Samenwerkingsverband (organisatie) dat namens al zijn leden aanmeldt.",
    )
    voorziening = serializers.UUIDField()
    besluit = serializers.CharField(
        required=False, allow_null=True, help_text="Nummer van het geaccepteerde besluit."
    )
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    datum = serializers.DateField(required=False)
    gepland_op = serializers.DateField(required=False, allow_null=True)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")


class UittredenSerializer(serializers.Serializer):
    datum = serializers.DateField(required=False)
    reden = serializers.CharField(required=False, allow_blank=True, default="")


class StatusResultaatSerializer(DeelnameSerializer):
    gewijzigd = serializers.BooleanField(
        help_text="false: de deelname had deze status (en geplande datum) al; niets gewijzigd."
    )
    melding = serializers.CharField()


class CorrectieSerializer(serializers.Serializer):
    reden = serializers.CharField(
        max_length=500, help_text="Waarom de laatste wijziging onjuist is."
    )


PEILDATUM_HELP = (
    "JJJJ-MM-DD, binnen de jaren van het register: vanaf 1 januari van het eerste jaar met "
    "inwonertallen van het CBS (2013) tot en met 31 december van het huidige jaar."
)


class RegisterDateField(filters.IsoDateField):
    """A peildatum: the shared ISO date (ASCII digits, a date that exists) within the
    register's years (``queries.register_range()``, which follows the loaded CBS figures)."""

    def __init__(self, **kwargs) -> None:
        kwargs.update(earliest=dt.date.min, latest=dt.date.max)  # the range is checked below
        super().__init__(**kwargs)

    def expected(self) -> str:
        return "een datum JJJJ-MM-DD binnen de jaren van het register"

    def parse(self, text: str) -> dt.date:
        value = super().parse(text)
        problems: list[Problem] = []
        if queries.check_peildatum(value, field="peildatum", problems=problems) is None:
            raise forms.ValidationError(problems[0].reason, code="range")
        return value


class RegisterDateFilter(filters.DateFilter):
    field_class = RegisterDateField


class DeelnameFilter(filters.FilterSet):
    gemeente = filters.CbsCodeFilter(field_name="gemeente__code", help_text="CBS-code")
    voorziening = filters.UUIDFilter(field_name="voorziening__uuid")
    status = filters.ChoiceFilter(field_name="status", choices=Status.choices)
    peildatum = RegisterDateFilter(method="filter_peildatum", help_text=PEILDATUM_HELP)

    class Meta:
        model = Deelname
        fields: list[str] = []

    def filter_peildatum(self, queryset, name, value):
        return queryset.filter(sinds__lte=value).filter(Q(tot__isnull=True) | Q(tot__gt=value))


class DekkingParameters(filters.FilterSet):
    peildatum = RegisterDateFilter(method="keep", help_text="Standaard vandaag. " + PEILDATUM_HELP)
    weging = filters.ChoiceFilter(
        method="keep",
        choices=[(weging, weging) for weging in queries.WEGINGEN],
        help_text="Standaard aantal.",
    )

    class Meta:
        model = Deelname
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset


@extend_schema(tags=["deelnames"])
class DeelnameViewSet(
    CamelCase,
    ServiceAction,
    ListOnlyFilters,
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Deelnames van gemeenten aan voorzieningen, met hun implementatiestatus."""

    permissions = {
        "GET": "deelnames.bekijken",
        "HEAD": "deelnames.bekijken",
        "POST": "deelnames.beheren.eigen",
    }
    serializer_class = DeelnameSerializer
    filterset_class = DeelnameFilter

    def get_queryset(self):
        return Deelname.objects.select_related("gemeente", "voorziening", "besluit").order_by(
            "gemeente__naam", "id"
        )

    def _check_own(self, gemeente: Gemeente) -> None:
        if not allowed(self.request.user, "deelnames.beheren.eigen", gemeente):
            raise PermissionDenied("U kunt alleen deelnames van uw eigen gemeente wijzigen.")

    @extend_schema(request=AanmeldingSerializer, responses={201: DeelnameSerializer})
    def create(self, request, *args, **kwargs):
        d = self.validated(AanmeldingSerializer)
        if d.get("namens"):
            return self._create_for_cooperation(request, d)
        gemeente = Gemeente.objects.filter(code=d.get("gemeente", "").upper()).first()
        voorziening = Voorziening.objects.filter(uuid=d["voorziening"]).first()
        errors = {}
        if gemeente is None:
            errors["gemeente"] = ["Onbekende gemeente."]
        if voorziening is None:
            errors["voorziening"] = ["Onbekende voorziening."]
        if errors:
            raise ValidationError(errors)
        self._check_own(gemeente)
        besluit = None
        if d.get("besluit"):
            besluit = Besluit.objects.filter(nummer=d["besluit"]).first()
            if besluit is None:
                raise ValidationError({"besluit": ["Onbekend besluit."]})
        deelname = services.join(
            gemeente,
            voorziening,
            besluit,
            today(),
            user=request.user,
            status=d.get("status", Status.GEINTERESSEERD),
        )
        return self.answer(deelname, status=status.HTTP_201_CREATED)

    def _create_for_cooperation(self, request, d):
        from samen.accounts.models import Organisatie

        if not allowed(request.user, "deelnames.beheren.eigen") or request.user.rol == "gemeente":
            raise PermissionDenied("Alleen het programmabureau meldt een samenwerkingsverband aan.")
        verband = Organisatie.objects.filter(uuid=d["namens"]).first()
        voorziening = Voorziening.objects.filter(uuid=d["voorziening"]).first()
        errors = {}
        if verband is None:
            errors["namens"] = ["Onbekende organisatie."]
        if voorziening is None:
            errors["voorziening"] = ["Onbekende voorziening."]
        if errors:
            raise ValidationError(errors)
        besluit = Besluit.objects.filter(nummer=d.get("besluit") or "").first()
        deelnames = services.join_for_cooperation(
            verband, voorziening, besluit, today(), user=request.user
        )
        return self.answer(deelnames[0], status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StatusInputSerializer,
        responses={200: StatusResultaatSerializer},
        description=(
            "Een nieuwe implementatiestatus. Een wijziging naar de status die de deelname al "
            "heeft (bij gepland: met dezelfde geplande datum) wijzigt niets: 200 met "
            "gewijzigd=false en een melding, geen nieuwe regel in de historie."
        ),
    )
    @action(detail=True, methods=["post"], url_path="status")
    def status_wijzigen(self, request, uuid=None):
        deelname = self.get_object()
        self._check_own(deelname.gemeente)
        d = self.validated(StatusInputSerializer)
        deelname = services.update_status(
            deelname,
            d["status"],
            d.get("datum") or today(),
            user=request.user,
            gepland_op=d.get("gepland_op"),
            toelichting=d["toelichting"],
        )
        return self.answer(
            deelname,
            gewijzigd=deelname.gewijzigd,
            melding=(
                "De status is bijgewerkt."
                if deelname.gewijzigd
                else "De deelname had deze status al; er is niets gewijzigd."
            ),
        )

    @extend_schema(
        request=CorrectieSerializer,
        responses={200: DeelnameSerializer},
        description=(
            "Corrigeer de laatste statuswijziging met een reden: een nieuwe regel in de "
            "historie zet de status van daarvoor terug (de onjuiste regel blijft staan). "
            "Een tweede correctie van dezelfde wijziging geeft 409."
        ),
    )
    @action(detail=True, methods=["post"], url_path="correctie")
    def correctie(self, request, uuid=None):
        deelname = self.get_object()
        self._check_own(deelname.gemeente)
        reden = self.validated(CorrectieSerializer)["reden"]
        services.correct_status(deelname, None, reden, user=request.user)
        deelname.refresh_from_db()
        return self.answer(deelname)

    @extend_schema(request=UittredenSerializer, responses={200: DeelnameSerializer})
    @action(detail=True, methods=["post"], url_path="uittreden")
    def uittreden(self, request, uuid=None):
        deelname = self.get_object()
        self._check_own(deelname.gemeente)
        d = self.validated(UittredenSerializer)
        deelname = services.leave(
            deelname, d.get("datum") or today(), user=request.user, reden=d["reden"]
        )
        return self.answer(deelname)


class DekkingView(CamelCase, APIView):
    """Dekking van een voorziening op een peildatum."""

    permissions = {"GET": "deelnames.bekijken"}

    @extend_schema(
        tags=["deelnames"],
        summary="Dekking van een voorziening (aantal gemeenten of inwoners)",
        parameters=filters.parameters(DekkingParameters),
        responses=inline_serializer(
            "Dekking",
            {
                "peildatum": serializers.DateField(),
                "weging": serializers.CharField(),
                "totaal": serializers.IntegerField(),
                "inGebruik": serializers.IntegerField(),
                "gepland": serializers.IntegerField(),
                "geinteresseerd": serializers.IntegerField(),
                "niet": serializers.IntegerField(),
                "perProvincie": serializers.DictField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request, uuid):
        voorziening = get_object_or_404(Voorziening, uuid=uuid)
        values = filters.check(DekkingParameters, request)
        peildatum = values.get("peildatum") or today()
        weging = values.get("weging", "aantal")
        try:
            d = queries.coverage(voorziening, peildatum, weging)
        except PopulationUnavailable as exc:
            raise ValidationError({"peildatum": [f"Geen inwonertallen: {exc}."]}) from exc
        return Response(
            {
                "peildatum": d.peildatum,
                "weging": d.weging,
                "totaal": d.totaal,
                "inGebruik": d.per_categorie["in_gebruik"],
                "gepland": d.per_categorie["gepland"],
                "geinteresseerd": d.per_categorie["geinteresseerd"],
                "niet": d.per_categorie["niet"],
                "perProvincie": {
                    p: {
                        "inGebruik": v["in_gebruik"],
                        "gepland": v["gepland"],
                        "geinteresseerd": v["geinteresseerd"],
                        "niet": v["niet"],
                    }
                    for p, v in sorted(d.per_provincie.items())
                },
            }
        )
