"""REST API of the members' meeting: meetings, proposals, amendments, the own municipality's
ballots, and results (only after closing: before, no role reads a count or another's choice)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from samen.api.camel import CamelCase
from samen.api.viewsets import ServiceAction, UUIDLookup
from samen.ledenvergadering import queries, services
from samen.ledenvergadering.models import Amendement, Stem, Voorstel


def _visible(obj, request) -> bool:
    return queries.results_visible(obj, request.user)


def _known(queryset, field: str, **lookup):
    """The object a request body names, or a 400 naming the field (not a 404: the address
    exists, the body is wrong)."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise ValidationError({field: ["Onbekend: geen object met deze waarde."]})
    return found


class LedenvergaderingUitslagSerializer(serializers.Serializer):
    uitkomst = serializers.CharField()
    winnaar = serializers.CharField()
    totalen = serializers.DictField(child=serializers.IntegerField())
    percentages = serializers.DictField(child=serializers.CharField())
    stemgerechtigd_aantal = serializers.IntegerField()
    uitgebracht_aantal = serializers.IntegerField()
    stemgerechtigd_gewicht = serializers.IntegerField()
    uitgebracht_gewicht = serializers.IntegerField()
    opkomst = serializers.CharField()
    quorum_gehaald = serializers.BooleanField()
    per_gemeente = serializers.DictField(child=serializers.CharField())


def _result(obj) -> dict | None:
    if not obj.uitslag:
        return None
    return {"uitkomst": obj.uitkomst, "winnaar": obj.winnaar, **obj.uitslag}


class LedenvergaderingAmendementSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    voorstel = serializers.UUIDField(source="voorstel.uuid")
    nummer = serializers.IntegerField()
    gemeente = serializers.CharField(source="gemeente.code")
    tekst = serializers.CharField()
    per_inwoner = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    preadvies = serializers.CharField()
    medeondertekenaars = serializers.SerializerMethodField()
    uitslag = serializers.SerializerMethodField()

    def get_medeondertekenaars(self, obj) -> list[str]:
        return sorted(m.gemeente.code for m in obj.medeondertekeningen.all())

    @extend_schema_field(LedenvergaderingUitslagSerializer(allow_null=True))
    def get_uitslag(self, obj):
        return _result(obj) if _visible(obj.voorstel.vergadering, self.context["request"]) else None


class LedenvergaderingVoorstelSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    vergadering = serializers.UUIDField(source="vergadering.uuid")
    code = serializers.CharField()
    soort = serializers.CharField()
    titel = serializers.CharField()
    tekst = serializers.CharField()
    keuzes = serializers.ListField(child=serializers.CharField())
    quorum = serializers.DecimalField(max_digits=5, decimal_places=4)
    meerderheid = serializers.DecimalField(max_digits=5, decimal_places=4)
    uitslag = serializers.SerializerMethodField()

    @extend_schema_field(LedenvergaderingUitslagSerializer(allow_null=True))
    def get_uitslag(self, obj):
        return _result(obj) if _visible(obj.vergadering, self.context["request"]) else None


class LedenvergaderingSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    soort = serializers.CharField()
    titel = serializers.CharField()
    datum = serializers.DateField()
    status = serializers.CharField()
    amendementen_tot = serializers.DateTimeField(allow_null=True)
    stemmen_tot = serializers.DateTimeField()
    min_medeondertekenaars = serializers.IntegerField()
    voorbeeld = serializers.BooleanField()


class LedenvergaderingStemSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    voorstel = serializers.UUIDField(source="voorstel.uuid")
    amendement = serializers.UUIDField(source="amendement.uuid", allow_null=True, default=None)
    gemeente = serializers.CharField(source="gemeente.code")
    keuze = serializers.CharField()
    versie = serializers.IntegerField()
    gewijzigd_op = serializers.DateTimeField()


class LedenvergaderingStemInputSerializer(serializers.Serializer):
    voorstel = serializers.UUIDField()
    amendement = serializers.UUIDField(required=False, allow_null=True)
    keuze = serializers.CharField(max_length=40)


class LedenvergaderingAmendementInputSerializer(serializers.Serializer):
    voorstel = serializers.UUIDField()
    tekst = serializers.CharField(max_length=5000)
    per_inwoner = serializers.CharField(required=False, allow_blank=True, max_length=20)


@extend_schema(tags=["ledenvergadering"])
class LedenvergaderingViewSet(CamelCase, ServiceAction, UUIDLookup, viewsets.ReadOnlyModelViewSet):
    """Ledenvergaderingen (ALV, BALV, ledenraadpleging); uitslagen alleen na sluiting."""

    permissions = {
        "GET": "ledenvergadering.bekijken",
        "HEAD": "ledenvergadering.bekijken",
        "POST": "ledenvergadering.beheren",
    }
    serializer_class = LedenvergaderingSerializer

    def get_queryset(self):
        return queries.meetings_for(self.request.user).order_by("-datum", "id")

    @extend_schema(request=None, responses=LedenvergaderingSerializer)
    @action(detail=True, methods=["post"], url_path="publiceer-agenda")
    def publiceer_agenda(self, request, uuid=None):
        return self.answer(services.publish_agenda(self.get_object(), user=request.user))

    @extend_schema(request=None, responses=LedenvergaderingSerializer)
    @action(detail=True, methods=["post"])
    def sluiten(self, request, uuid=None):
        return self.answer(services.close(self.get_object(), user=request.user))

    @extend_schema(request=None, responses=LedenvergaderingSerializer)
    @action(detail=True, methods=["post"], url_path="publiceer-uitslag")
    def publiceer_uitslag(self, request, uuid=None):
        return self.answer(services.publish_results(self.get_object(), user=request.user))


@extend_schema(tags=["ledenvergadering"])
class LedenvergaderingVoorstelViewSet(CamelCase, UUIDLookup, viewsets.ReadOnlyModelViewSet):
    """Voorstellen op de agenda; de uitslag is leeg tot de stemming gesloten (en voor het publiek:
    gepubliceerd) is."""

    permissions = {"GET": "ledenvergadering.bekijken", "HEAD": "ledenvergadering.bekijken"}
    serializer_class = LedenvergaderingVoorstelSerializer

    def get_queryset(self):
        return (
            Voorstel.objects.filter(vergadering__in=queries.meetings_for(self.request.user))
            .select_related("vergadering")
            .order_by("vergadering__datum", "vergadering_id", "volgnummer")
        )


@extend_schema(tags=["ledenvergadering"])
class LedenvergaderingAmendementViewSet(
    CamelCase, ServiceAction, UUIDLookup, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Amendementen: ingediend en medeondertekend door gemeenten, met het preadvies."""

    permissions = {
        "GET": "ledenvergadering.bekijken",
        "HEAD": "ledenvergadering.bekijken",
        "POST": "ledenvergadering.stemmen.eigen",
    }
    serializer_class = LedenvergaderingAmendementSerializer

    def get_queryset(self):
        return (
            Amendement.objects.filter(
                voorstel__vergadering__in=queries.meetings_for(self.request.user)
            )
            .select_related("voorstel__vergadering", "gemeente")
            .prefetch_related("medeondertekeningen__gemeente")
            .order_by("voorstel_id", "nummer")
        )

    @extend_schema(
        request=LedenvergaderingAmendementInputSerializer,
        responses={201: LedenvergaderingAmendementSerializer},
    )
    def create(self, request, *args, **kwargs):
        d = self.validated(LedenvergaderingAmendementInputSerializer)
        voorstel = _known(Voorstel.objects.all(), "voorstel", uuid=d["voorstel"])
        a = services.file_amendment(
            voorstel, d["tekst"], d.get("per_inwoner") or None, user=request.user
        )
        return self.answer(a, status=201)

    @extend_schema(request=None, responses=LedenvergaderingAmendementSerializer)
    @action(detail=True, methods=["post"])
    def medeondertekenen(self, request, uuid=None):
        # not get_object(): the amendment belongs to the filing municipality, a co-signer is another
        a = get_object_or_404(self.get_queryset(), uuid=uuid)
        services.cosign(a, user=request.user)
        return self.answer(self.get_queryset().get(pk=a.pk))


@extend_schema(tags=["ledenvergadering"])
class LedenvergaderingStemViewSet(
    CamelCase, ServiceAction, UUIDLookup, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """De stemmen van de eigen gemeente (nooit die van een andere); uitbrengen of wijzigen tot
    de sluiting."""

    permissions = {
        "GET": "ledenvergadering.stemmen.eigen",
        "HEAD": "ledenvergadering.stemmen.eigen",
        "POST": "ledenvergadering.stemmen.eigen",
    }
    serializer_class = LedenvergaderingStemSerializer

    def get_queryset(self):
        return queries.own_ballots(self.request.user).order_by("voorstel_id", "id")

    @extend_schema(
        request=LedenvergaderingStemInputSerializer, responses={200: LedenvergaderingStemSerializer}
    )
    def create(self, request, *args, **kwargs):
        d = self.validated(LedenvergaderingStemInputSerializer)
        voorstel = _known(Voorstel.objects.all(), "voorstel", uuid=d["voorstel"])
        amendement = None
        if d.get("amendement"):
            amendement = _known(
                Amendement.objects.filter(voorstel=voorstel), "amendement", uuid=d["amendement"]
            )
        stem = services.cast(voorstel, d["keuze"], request.user, amendement=amendement)
        return self.answer(
            Stem.objects.select_related("voorstel", "amendement", "gemeente").get(pk=stem.pk)
        )
