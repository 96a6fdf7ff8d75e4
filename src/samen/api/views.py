from __future__ import annotations

import json
from functools import cache
from importlib import resources

import yaml
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

OPENAPI_FILE = resources.files("samen.api") / "openapi.yaml"


@cache
def _document() -> tuple[str, str]:
    text = OPENAPI_FILE.read_text(encoding="utf-8")
    return text, json.dumps(yaml.safe_load(text), ensure_ascii=False, indent=2)


@require_GET
def openapi_document(request, fmt: str):
    """The committed OpenAPI document (checked against the code by `make test`)."""
    text, as_json = _document()
    if fmt == "yaml":
        return HttpResponse(text, content_type="application/yaml; charset=utf-8")
    return HttpResponse(as_json, content_type="application/json")


@require_GET
def root(request):
    base = request.build_absolute_uri("/api/v1")
    return JsonResponse(
        {
            "naam": "Samen API",
            "versie": "1",
            "links": {
                "openapi": f"{base}/openapi.json",
                "gemeenten": f"{base}/gemeenten",
                "bevolking": f"{base}/bevolking",
            },
        }
    )
