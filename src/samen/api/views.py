from __future__ import annotations

import json
from functools import cache, wraps
from importlib import resources

import yaml
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from samen.api.problems import problem_response

OPENAPI_FILE = resources.files("samen.api") / "openapi.yaml"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def read_only(view):
    """GET and HEAD only; OPTIONS names them; any other method is a 405 problem."""

    allow = ", ".join(SAFE_METHODS)

    @csrf_exempt  # nothing here changes state; other methods get a 405 problem, not a CSRF page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method in ("GET", "HEAD"):
            response = view(request, *args, **kwargs)
        else:
            response = problem_response(
                request, 405, f"Methode {request.method} is hier niet toegestaan."
            )
        response["Allow"] = allow
        return response

    return wrapper


@cache
def _document() -> tuple[str, str]:
    text = OPENAPI_FILE.read_text(encoding="utf-8")
    return text, json.dumps(yaml.safe_load(text), ensure_ascii=False, indent=2)


@read_only
def openapi_document(request, fmt: str):
    """The committed OpenAPI document (checked against the code by `make test`)."""
    text, as_json = _document()
    if fmt == "yaml":
        return HttpResponse(text, content_type="application/yaml; charset=utf-8")
    return HttpResponse(as_json, content_type="application/json")


@read_only
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
