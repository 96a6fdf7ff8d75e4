"""GET /api/v1/audit: the programme office searches the whole audit trail."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from samen.audit import queries
from samen.audit.models import AuditRegel


class AuditRegelSerializer(serializers.ModelSerializer):
    gebruiker = serializers.CharField(source="gebruiker_naam")
    kanaal = serializers.CharField(help_text="pagina, api, admin, commando of systeem")
    actie = serializers.CharField(help_text="aanmaken, wijzigen, verwijderen, lezen, ...")
    objectType = serializers.CharField(source="object_type")  # noqa: N815
    objectId = serializers.CharField(source="object_id")  # noqa: N815
    object = serializers.CharField(source="object_omschrijving")
    voor = serializers.JSONField(allow_null=True)
    na = serializers.JSONField(allow_null=True)

    class Meta:
        model = AuditRegel
        fields = [
            "uuid",
            "tijdstip",
            "gebruiker",
            "kanaal",
            "actie",
            "objectType",
            "objectId",
            "object",
            "voor",
            "na",
            "toelichting",
        ]


@extend_schema(
    tags=["audit"],
    summary="De audittrail doorzoeken (programmabureau)",
    parameters=[
        OpenApiParameter("objectType", OpenApiTypes.STR, description="bv. abonnementen.factuur"),
        OpenApiParameter("objectId", OpenApiTypes.STR, description="de id van het object"),
        OpenApiParameter("gebruiker", OpenApiTypes.STR, description="gebruikersnaam"),
        OpenApiParameter(
            "kanaal", OpenApiTypes.STR, description="pagina, api, admin, commando of systeem"
        ),
        OpenApiParameter("actie", OpenApiTypes.STR, description="bv. wijzigen, lezen"),
        OpenApiParameter("van", OpenApiTypes.DATE, description="vanaf deze dag"),
        OpenApiParameter("tot", OpenApiTypes.DATE, description="tot en met deze dag"),
    ],
)
class AuditList(generics.ListAPIView):
    """Wie deed wat, wanneer, via welk kanaal, met welk object; nieuwste eerst."""

    permissions = {"GET": "audit.bekijken", "HEAD": "audit.bekijken"}
    serializer_class = AuditRegelSerializer
    filter_backends: list = []

    def get_queryset(self):
        try:
            return queries.search(self.request.query_params)
        except queries.FilterError as error:
            raise ValidationError({error.field: [error.reason]}) from None
