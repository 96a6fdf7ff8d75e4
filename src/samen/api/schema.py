"""OpenAPI generation tuned to the NL API Design Rules 2.2."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
INVALID_REF = {"$ref": "#/components/schemas/InvalidParamsProblem"}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Foutbericht volgens RFC 9457 (application/problem+json).",
    "required": ["status", "title", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "URI van het soort fout."},
        "title": {"type": "string", "description": "Korte omschrijving van het soort fout."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "Uitleg bij deze fout."},
        "instance": {"type": "string", "description": "Het verzoek waar het om gaat."},
    },
}
INVALID_PARAMS_SCHEMA = {
    "allOf": [
        PROBLEM_REF,
        {
            "type": "object",
            "required": ["invalidParams"],
            "properties": {
                "invalidParams": {
                    "type": "array",
                    "description": "Elke ongeldige parameter met de reden.",
                    "items": {
                        "type": "object",
                        "required": ["name", "code", "reason"],
                        "properties": {
                            "name": {"type": "string"},
                            "code": {"type": "string"},
                            "reason": {"type": "string"},
                        },
                    },
                }
            },
        },
    ]
}

VERSION_HEADER = {
    "description": "De volledige versie van de API (API-57).",
    "schema": {"type": "string", "example": "1.0.0"},
    "required": True,
}


URI_TOO_LONG = "De URI (pad en queryparameters) is te lang."

SUCCESS_DESCRIPTIONS = {
    "200": "OK.",
    "201": "Aangemaakt.",
    "202": "Geaccepteerd.",
    "204": "Gelukt.",
}


class SamenAutoSchema(AutoSchema):
    """The schema class of every API view (settings.REST_FRAMEWORK); the NL API Design Rules
    tuning happens in `postprocess_nl_api`, which sees the whole document."""


def _problem(description: str, ref=PROBLEM_REF) -> dict:
    return {
        "description": description,
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {"application/problem+json": {"schema": ref}},
    }


def _openapi_document_path(media_type: str, summary: str) -> dict:
    return {
        "get": {
            "operationId": f"openapi_{media_type.rsplit('/', 1)[-1]}",
            "summary": summary,
            "description": (
                "Dit OpenAPI-document, openbaar en voor elke origin leesbaar (CORS); "
                "hetzelfde document als JSON en als YAML."
            ),
            "tags": ["openapi"],
            "security": [{}],
            "responses": {
                "200": {
                    "description": "Het OpenAPI-document.",
                    "headers": {
                        "API-Version": {"$ref": "#/components/headers/API-Version"},
                        "Access-Control-Allow-Origin": {
                            "description": "Elke origin mag dit document lezen.",
                            "schema": {"type": "string", "example": "*"},
                        },
                    },
                    "content": {media_type: {"schema": {"type": "object"}}},
                },
                "414": _problem(URI_TOO_LONG),
                "500": _problem("Interne fout."),
            },
        }
    }


def _is_paginated(operation: dict) -> bool:
    return any(
        p.get("in") == "query" and p.get("name") == "page" for p in operation.get("parameters", [])
    )


def postprocess_nl_api(result, generator, request, public):
    """Make the generated document follow the NL API Design Rules 2.2 (the Spectral ruleset in
    ../shared/specs/adr/linter.yaml): API-Version on every 2xx/3xx response, every 4xx/5xx an
    application/problem+json Problem, a 400 on every operation (all invalid parameters listed),
    a 404 on addressed resources and pages past the last one, a 409 on every change, a 414 on
    every operation (a URI longer than the server accepts), and the OpenAPI document itself
    as a public, CORS-readable resource."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["InvalidParamsProblem"] = INVALID_PARAMS_SCHEMA
    components.setdefault("headers", {})["API-Version"] = VERSION_HEADER
    paths = result.setdefault("paths", {})
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                if str(code).startswith(("2", "3")):
                    if not response.get("description"):
                        response["description"] = SUCCESS_DESCRIPTIONS.get(str(code), "Gelukt.")
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
                elif str(code).startswith(("4", "5")):
                    responses[code] = _problem(response.get("description") or "Fout.")
            responses.setdefault("400", _problem("Ongeldige invoer.", INVALID_REF))
            if "{" in path:
                responses.setdefault("404", _problem("Niet gevonden."))
            elif _is_paginated(operation):
                responses.setdefault("404", _problem("Deze pagina bestaat niet."))
            if method != "get" or operation.get("security") not in (None, [{}]):
                responses.setdefault("401", _problem("Niet geauthenticeerd."))
                responses.setdefault("403", _problem("Geen toegang."))
            if method != "get":
                # Every change goes through a service that refuses it with 409 when the state
                # forbids it (a decided request, a published version, a participation already
                # ended); the fuzzer found these undocumented.
                responses.setdefault(
                    "409", _problem("Conflict: de huidige toestand staat deze wijziging niet toe.")
                )
            # A request line longer than the server accepts (gunicorn's limit_request_line):
            # Samen answers it itself below that limit (samen.core.middleware.MAX_URI_LENGTH).
            responses.setdefault("414", _problem(URI_TOO_LONG))
            responses.setdefault("500", _problem("Interne fout."))
    paths["/openapi.json"] = _openapi_document_path("application/json", "OpenAPI-document (JSON)")
    paths["/openapi.yaml"] = _openapi_document_path("application/yaml", "OpenAPI-document (YAML)")
    tags = result.setdefault("tags", [])
    if not any(tag.get("name") == "openapi" for tag in tags):
        tags.append({"name": "openapi", "description": "Het OpenAPI-document van deze API."})
    return result
