"""camelCase on the wire, snake_case in Python: done once, here.

The NL API Design Rules ask for camelCase keys in JSON. Serializers name their fields in
snake_case, like the models and services; the renderer camelizes every key of a response, the
parser turns a request body's camelCase keys into snake_case before the serializer reads it, and
drf-spectacular's hook (``drf_spectacular.contrib.djangorestframework_camel_case``) does the same
for the OpenAPI document. Free-form JSON keeps its keys as they are: the audit trail's
before/after values, a factsheet's content, a distribution keyed by CBS code or slug. Its owning
fields are listed in ``JSON_CAMEL_CASE["JSON_UNDERSCOREIZE"]`` (settings), read by both sides.

Conversion is idempotent on keys that are camelCase already (``totaalBedrag`` stays), so a
viewset can move from hand-written camelCase fields to snake_case one at a time:

    class DeelnameViewSet(CamelCase, UUIDLookup, viewsets.GenericViewSet): ...
"""

from __future__ import annotations

import re

from djangorestframework_camel_case.settings import api_settings
from djangorestframework_camel_case.util import camelize, underscoreize
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

_CAMEL_RE = re.compile(r"_([a-z0-9])")


def camel_name(name: str) -> str:
    """``regels.0.bedrag_excl`` → ``regels.0.bedragExcl`` (names of invalid parameters)."""
    return _CAMEL_RE.sub(lambda m: m.group(1).upper(), name) if "_" in name else name


def to_camel(data):
    return camelize(data, **api_settings.JSON_UNDERSCOREIZE)


def to_snake(data):
    return underscoreize(data, **api_settings.JSON_UNDERSCOREIZE)


class CamelJSONRenderer(JSONRenderer):
    """JSON with camelCase keys (problem+json bodies are camelCase already)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return super().render(to_camel(data), accepted_media_type, renderer_context)


class CamelJSONParser(JSONParser):
    """DRF's own JSON parsing (its errors, its limits), then the keys to snake_case."""

    def parse(self, stream, media_type=None, parser_context=None):
        return to_snake(super().parse(stream, media_type, parser_context))


class CamelCase:
    """A viewset whose serializers name their fields in snake_case."""

    renderer_classes = [CamelJSONRenderer]
    parser_classes = [CamelJSONParser]
