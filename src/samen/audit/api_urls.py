from __future__ import annotations

from django.urls import path

from samen.audit.api import AuditList

app_name = "audit_api"

urlpatterns = [path("audit", AuditList.as_view(), name="audit")]
