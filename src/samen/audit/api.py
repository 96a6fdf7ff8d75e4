"""GET /api/v1/audit: the programme office searches the whole audit trail."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from samen.api.camel import CamelCase
from samen.audit.filters import AuditFilter, trail
from samen.audit.models import AuditRegel


class AuditRegelSerializer(serializers.ModelSerializer):
    gebruiker = serializers.CharField(source="gebruiker_naam")
    kanaal = serializers.CharField(help_text="pagina, api, admin, commando of systeem")
    actie = serializers.CharField(help_text="aanmaken, wijzigen, verwijderen, lezen, ...")
    object_type = serializers.CharField()
    object_id = serializers.CharField()
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
            "object_type",
            "object_id",
            "object",
            "voor",
            "na",
            "toelichting",
        ]


@extend_schema(tags=["audit"], summary="De audittrail doorzoeken (programmabureau)")
class AuditList(CamelCase, generics.ListAPIView):
    """Wie deed wat, wanneer, via welk kanaal, met welk object; nieuwste eerst."""

    permissions = {"GET": "audit.bekijken", "HEAD": "audit.bekijken"}
    serializer_class = AuditRegelSerializer
    filterset_class = AuditFilter

    def get_queryset(self):
        return trail()
