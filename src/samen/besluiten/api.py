"""REST API of the decision model."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from samen.api.fields import vergadering_field
from samen.api.viewsets import UUIDLookup
from samen.besluiten import services
from samen.besluiten.models import Besluit, Binding, Uitvoering, Verzoek
from samen.core.clock import today
from samen.core.errors import DomainError
from samen.portfolio.models import Voorziening

# Problem names of the services as the API spells its fields.
API_NAMES = {
    "impact_gemeenten": "impactGemeenten",
    "impact_inwoners": "impactInwoners",
    "maatschappelijke_baten": "maatschappelijkeBaten",
    "uittreden_vanaf": "uittredenVanaf",
}


def _call(func, *args, **kwargs):
    """A service call whose problems name the API's fields."""
    try:
        return func(*args, **kwargs)
    except DomainError as error:
        for problem in error.problems:
            problem.name = API_NAMES.get(problem.name, problem.name)
        raise


class DateField(serializers.DateField):
    """An ISO date in ASCII digits only (``٢٠١٧-٠١-٠١`` is not a date here)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not value.isascii():
            self.fail("invalid", format="JJJJ-MM-DD")
        return super().to_internal_value(value)


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
    vergadering = vergadering_field()


class BeoordelingSerializer(serializers.Serializer):
    impactGemeenten = serializers.CharField(source="impact_gemeenten")
    impactInwoners = serializers.CharField(source="impact_inwoners")
    maatschappelijkeBaten = serializers.CharField(source="maatschappelijke_baten")
    opschaalbaarheid = serializers.CharField()
    door = serializers.CharField()
    datum = serializers.DateField()
    vergadering = vergadering_field()


class AdviesSerializer(serializers.Serializer):
    uitrol = serializers.CharField()
    tijdpad = serializers.CharField()
    binding = serializers.ChoiceField(choices=Binding.choices)
    samenwerkingsvorm = serializers.CharField()
    uitvoering = serializers.ChoiceField(choices=Uitvoering.choices)
    voorwaarden = serializers.CharField()
    uittredenVanaf = DateField(source="uittreden_vanaf", allow_null=True, required=False)
    uittredingsvoorwaarden = serializers.CharField(required=False, allow_blank=True, default="")
    door = serializers.CharField(read_only=True)
    datum = DateField(required=False)
    vergadering = vergadering_field()


class VerzoekSerializer(serializers.Serializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="besluiten_api:verzoek-detail", lookup_field="uuid"
    )
    uuid = serializers.UUIDField()
    soort = serializers.CharField()
    titel = serializers.CharField()
    motivering = serializers.CharField()
    voorziening = serializers.UUIDField(source="voorziening.uuid")
    aanvrager = serializers.CharField(
        source="aanvrager_naam", help_text="De gemeente of het orgaan dat indient (geen persoon)."
    )
    ingediendOp = serializers.DateField(source="ingediend_op")
    stap = serializers.CharField()


class SteunSerializer(serializers.Serializer):
    gemeente = serializers.CharField(source="gemeente.code")
    naam = serializers.CharField(source="gemeente.naam")
    status = serializers.CharField(
        help_text=(
            "gevraagd: genoemd door de indiener, niet bevestigd; bevestigd: de gemeente steunt "
            "het verzoek zelf; afgewezen: de gemeente steunt het niet."
        ),
    )
    gevraagdOp = serializers.DateField(source="gevraagd_op")
    beantwoordOp = serializers.DateField(source="beantwoord_op", allow_null=True)


class VerzoekDetailSerializer(VerzoekSerializer):
    steunendeGemeenten = serializers.SerializerMethodField(
        help_text="De gemeenten die hun steun zelf hebben bevestigd (alleen die tellen)."
    )
    gevraagdeGemeenten = serializers.SerializerMethodField(
        help_text="Door de indiener genoemde gemeenten: gevraagd, niet bevestigd."
    )
    steun = SteunSerializer(many=True, help_text="Elke gevraagde gemeente met haar antwoord.")
    beoordeling = BeoordelingSerializer(allow_null=True, default=None)
    advies = AdviesSerializer(allow_null=True, default=None)
    besluiten = BesluitSerializer(many=True)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_steunendeGemeenten(self, obj) -> list[str]:  # noqa: N802
        return sorted(s.gemeente.code for s in obj.bevestigde_steun)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_gevraagdeGemeenten(self, obj) -> list[str]:  # noqa: N802
        return sorted(s.gemeente.code for s in obj.gevraagde_steun)


class VerzoekInputSerializer(serializers.Serializer):
    voorziening = serializers.SlugRelatedField(
        queryset=Voorziening.objects.all(), slug_field="uuid"
    )
    titel = serializers.CharField(max_length=200)
    motivering = serializers.CharField()
    steunendeGemeenten = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=(
            "Gemeenten die de indiener om steun vraagt (CBS-codes). Zij staan als gevraagd, niet "
            "bevestigd tot hun eigen contactpersoon bevestigt; de eigen gemeente van de "
            "indiener geldt meteen als steunend."
        ),
    )


class SteunInputSerializer(serializers.Serializer):
    antwoord = serializers.ChoiceField(
        choices=[("bevestigen", "steun bevestigen"), ("afwijzen", "steun afwijzen")]
    )


class BeoordelingInputSerializer(serializers.Serializer):
    impactGemeenten = serializers.CharField()
    impactInwoners = serializers.CharField()
    maatschappelijkeBaten = serializers.CharField()
    opschaalbaarheid = serializers.CharField()
    datum = DateField(required=False)


class BesluitInputSerializer(serializers.Serializer):
    uitkomst = serializers.ChoiceField(choices=Besluit.Uitkomst.choices)
    datum = DateField(required=False)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")
    wijzigingen = serializers.DictField(required=False)


def _detail_queryset():
    return Verzoek.objects.select_related(
        "voorziening", "beoordeling__vergadering", "advies__vergadering"
    ).prefetch_related(
        "steun__gemeente",
        "besluiten__vervangt",
        "besluiten__voorziening",
        "besluiten__vergadering",
    )


@extend_schema(tags=["besluiten"])
class VerzoekViewSet(
    UUIDLookup,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Verzoeken (bijvoorbeeld tot opschaling) en hun stappen naar een besluit."""

    @property
    def permissions(self):
        write = {
            "beoordeling": "besluiten.beoordelen",
            "advies": "besluiten.adviseren",
            "besluit": "besluiten.besluiten",
            "steun": "besluiten.steunen",
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
        verzoek = _call(
            services.submit_request,
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
        _call(
            services.assess,
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
        _call(
            services.advise,
            self.get_object(),
            d,
            d.pop("datum", None) or today(),
            user=request.user,
        )
        return self._detail(self.get_object(), status.HTTP_201_CREATED)

    @extend_schema(request=BesluitInputSerializer, responses={201: BesluitSerializer})
    @action(detail=True, methods=["post"], url_path="besluit")
    def besluit(self, request, uuid=None):
        data = BesluitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        besluit = _call(
            services.decide,
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

    @extend_schema(
        summary="Steun bevestigen of afwijzen (contactpersoon van de gevraagde gemeente)",
        description=(
            "Alleen de contactpersoon van een gemeente die de indiener om steun vraagt, "
            "antwoordt, en alleen voor de eigen gemeente; een antwoord wordt eenmaal gegeven "
            "(nogmaals: 409, er verandert niets)."
        ),
        request=SteunInputSerializer,
        responses={200: VerzoekDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="steun")
    def steun(self, request, uuid=None):
        verzoek = self.get_object()
        gemeente = getattr(request.user, "gemeente", None)
        if gemeente is None or not verzoek.steun.filter(gemeente=gemeente).exists():
            raise DomainError(
                "Uw gemeente is voor dit verzoek niet om steun gevraagd; alleen de gevraagde "
                "gemeente antwoordt, voor zichzelf.",
                [],
                403,
            )
        data = SteunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(
            services.answer_support,
            verzoek,
            data.validated_data["antwoord"] == "bevestigen",
            today(),
            request.user,
        )
        return self._detail(verzoek)


class WijzigingSerializer(serializers.Serializer):
    voorwaarden = serializers.CharField(required=False)
    binding = serializers.ChoiceField(choices=Binding.choices, required=False)
    uitvoering = serializers.ChoiceField(choices=Uitvoering.choices, required=False)
    uittredenVanaf = DateField(required=False, allow_null=True)
    uittredingsvoorwaarden = serializers.CharField(required=False, allow_blank=True)
    datum = DateField(required=False)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(tags=["besluiten"])
class BesluitViewSet(UUIDLookup, viewsets.ReadOnlyModelViewSet):
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
        nieuw = _call(
            services.amend, self.get_object(), d, datum, user=request.user, toelichting=toelichting
        )
        nieuw = Besluit.objects.select_related("voorziening", "vervangt", "vergadering").get(
            pk=nieuw.pk
        )
        return Response(
            BesluitSerializer(nieuw, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    serializer_class = BesluitSerializer

    def get_queryset(self):
        return Besluit.objects.select_related(
            "voorziening", "vervangt", "vervangen_door", "vergadering"
        ).order_by("-datum", "-id")
