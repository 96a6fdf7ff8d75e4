"""REST API of the decision model."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from samen.besluiten import services
from samen.besluiten.models import Besluit, Binding, Uitvoering, Verzoek
from samen.core.clock import today
from samen.portfolio.models import Voorziening


class BesluitSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="besluiten_api:besluit-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    nummer = serializers.CharField()
    soort = serializers.CharField()
    titel = serializers.CharField()
    voorziening = serializers.UUIDField(source="voorziening.uuid", allow_null=True)
    uitkomst = serializers.CharField()
    binding = serializers.CharField()
    uitvoering = serializers.CharField()
    voorwaarden = serializers.CharField()
    uittredenVanaf = serializers.DateField(source="uittreden_vanaf", allow_null=True)
    uittredingsvoorwaarden = serializers.CharField()
    datum = serializers.DateField()
    vervangt = serializers.CharField(source="vervangt.nummer", allow_null=True, default=None)
    geldend = serializers.BooleanField(source="in_force")
    genomenDoor = serializers.CharField(source="genomen_door")


class BeoordelingSerializer(serializers.Serializer):
    impactGemeenten = serializers.CharField(source="impact_gemeenten")
    impactInwoners = serializers.CharField(source="impact_inwoners")
    maatschappelijkeBaten = serializers.CharField(source="maatschappelijke_baten")
    opschaalbaarheid = serializers.CharField()
    door = serializers.CharField()
    datum = serializers.DateField()


class AdviesSerializer(serializers.Serializer):
    uitrol = serializers.CharField()
    tijdpad = serializers.CharField()
    binding = serializers.ChoiceField(choices=Binding.choices)
    samenwerkingsvorm = serializers.CharField()
    uitvoering = serializers.ChoiceField(choices=Uitvoering.choices)
    voorwaarden = serializers.CharField()
    uittredenVanaf = serializers.DateField(
        source="uittreden_vanaf", allow_null=True, required=False
    )
    uittredingsvoorwaarden = serializers.CharField(required=False, allow_blank=True, default="")
    door = serializers.CharField(read_only=True)
    datum = serializers.DateField(required=False)


class VerzoekSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="besluiten_api:verzoek-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    soort = serializers.CharField()
    titel = serializers.CharField()
    motivering = serializers.CharField()
    voorziening = serializers.UUIDField(source="voorziening.uuid")
    aanvrager = serializers.CharField(source="aanvrager_naam")
    ingediendOp = serializers.DateField(source="ingediend_op")
    stap = serializers.CharField()


class VerzoekDetailSerializer(VerzoekSerializer):
    steunendeGemeenten = serializers.SerializerMethodField()
    beoordeling = BeoordelingSerializer(allow_null=True, default=None)
    advies = AdviesSerializer(allow_null=True, default=None)
    besluiten = BesluitSerializer(many=True)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_steunendeGemeenten(self, obj) -> list[str]:  # noqa: N802
        return sorted(g.code for g in obj.steunende_gemeenten.all())


class VerzoekInputSerializer(serializers.Serializer):
    voorziening = serializers.SlugRelatedField(
        queryset=Voorziening.objects.all(), slug_field="uuid"
    )
    titel = serializers.CharField(max_length=200)
    motivering = serializers.CharField()
    steunendeGemeenten = serializers.ListField(child=serializers.CharField(), required=False)


class BeoordelingInputSerializer(serializers.Serializer):
    impactGemeenten = serializers.CharField()
    impactInwoners = serializers.CharField()
    maatschappelijkeBaten = serializers.CharField()
    opschaalbaarheid = serializers.CharField()
    datum = serializers.DateField(required=False)


class BesluitInputSerializer(serializers.Serializer):
    uitkomst = serializers.ChoiceField(choices=Besluit.Uitkomst.choices)
    datum = serializers.DateField(required=False)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")
    wijzigingen = serializers.DictField(required=False)


def _detail_queryset():
    return Verzoek.objects.select_related("voorziening", "beoordeling", "advies").prefetch_related(
        "steunende_gemeenten", "besluiten__vervangt", "besluiten__voorziening"
    )


@extend_schema(tags=["besluiten"])
class VerzoekViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Verzoeken (bijvoorbeeld tot opschaling) en hun stappen naar een besluit."""

    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    @property
    def permissions(self):
        write = {
            "beoordeling": "besluiten.beoordelen",
            "advies": "besluiten.adviseren",
            "besluit": "besluiten.besluiten",
        }.get(self.action, "besluiten.verzoeken")
        return {"GET": "besluiten.bekijken", "HEAD": "besluiten.bekijken", "POST": write}

    def get_queryset(self):
        if self.action == "list":
            return Verzoek.objects.select_related("voorziening").order_by("-ingediend_op", "-id")
        return _detail_queryset()

    def get_serializer_class(self):
        return VerzoekSerializer if self.action == "list" else VerzoekDetailSerializer

    def _detail(self, verzoek, code=status.HTTP_200_OK):
        verzoek = _detail_queryset().get(pk=verzoek.pk)
        return Response(
            VerzoekDetailSerializer(verzoek, context={"request": self.request}).data, status=code
        )

    @extend_schema(request=VerzoekInputSerializer, responses={201: VerzoekDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = VerzoekInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        verzoek = services.submit_request(
            d["voorziening"],
            d["titel"],
            d["motivering"],
            today(),
            user=request.user,
            steunende_gemeenten=d.get("steunendeGemeenten", []),
        )
        return self._detail(verzoek, status.HTTP_201_CREATED)

    @extend_schema(request=BeoordelingInputSerializer, responses={201: VerzoekDetailSerializer})
    @action(detail=True, methods=["post"], url_path="beoordeling")
    def beoordeling(self, request, uuid=None):
        data = BeoordelingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        services.assess(
            self.get_object(),
            {
                "impact_gemeenten": d["impactGemeenten"],
                "impact_inwoners": d["impactInwoners"],
                "maatschappelijke_baten": d["maatschappelijkeBaten"],
                "opschaalbaarheid": d["opschaalbaarheid"],
            },
            d.get("datum") or today(),
            user=request.user,
        )
        return self._detail(self.get_object(), status.HTTP_201_CREATED)

    @extend_schema(request=AdviesSerializer, responses={201: VerzoekDetailSerializer})
    @action(detail=True, methods=["post"], url_path="advies")
    def advies(self, request, uuid=None):
        data = AdviesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        services.advise(self.get_object(), d, d.pop("datum", None) or today(), user=request.user)
        return self._detail(self.get_object(), status.HTTP_201_CREATED)

    @extend_schema(request=BesluitInputSerializer, responses={201: BesluitSerializer})
    @action(detail=True, methods=["post"], url_path="besluit")
    def besluit(self, request, uuid=None):
        data = BesluitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        besluit = services.decide(
            self.get_object(),
            d["uitkomst"],
            d.get("datum") or today(),
            user=request.user,
            wijzigingen=d.get("wijzigingen"),
            toelichting=d["toelichting"],
        )
        return Response(
            BesluitSerializer(besluit, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class WijzigingSerializer(serializers.Serializer):
    voorwaarden = serializers.CharField(required=False)
    binding = serializers.ChoiceField(choices=Binding.choices, required=False)
    uitvoering = serializers.ChoiceField(choices=Uitvoering.choices, required=False)
    uittredenVanaf = serializers.DateField(required=False, allow_null=True)
    uittredingsvoorwaarden = serializers.CharField(required=False, allow_blank=True)
    datum = serializers.DateField(required=False)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(tags=["besluiten"])
class BesluitViewSet(viewsets.ReadOnlyModelViewSet):
    """Gepubliceerde besluiten; een besluit verandert nooit, een wijziging is een nieuw besluit."""

    permissions = {
        "GET": "besluiten.bekijken",
        "HEAD": "besluiten.bekijken",
        "POST": "besluiten.besluiten",
    }

    @extend_schema(
        summary="Een besluit wijzigen: een nieuw besluit dat het oude vervangt (bestuur)",
        request=WijzigingSerializer,
        responses={201: BesluitSerializer},
    )
    @action(detail=True, methods=["post"], url_path="wijziging")
    def wijziging(self, request, uuid=None):
        data = WijzigingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        datum = d.pop("datum", None) or today()
        toelichting = d.pop("toelichting", "")
        if "uittredenVanaf" in d:
            d["uittreden_vanaf"] = d.pop("uittredenVanaf")
        nieuw = services.amend(
            self.get_object(), d, datum, user=request.user, toelichting=toelichting
        )
        nieuw = Besluit.objects.select_related("voorziening", "vervangt").get(pk=nieuw.pk)
        return Response(
            BesluitSerializer(nieuw, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    serializer_class = BesluitSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        return Besluit.objects.select_related("voorziening", "vervangt", "vervangen_door").order_by(
            "-datum", "-id"
        )
