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


class SamenAutoSchema(AutoSchema):
    """Adds the standard problem responses to every operation."""

    def _get_response_bodies(self, direction="response"):
        return super()._get_response_bodies(direction)


def _problem(description: str, ref=PROBLEM_REF) -> dict:
    return {
        "description": description,
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {"application/problem+json": {"schema": ref}},
    }


def postprocess_nl_api(result, generator, request, public):
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["InvalidParamsProblem"] = INVALID_PARAMS_SCHEMA
    components.setdefault("headers", {})["API-Version"] = VERSION_HEADER
    for _path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                if str(code).startswith(("2", "3")):
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
                elif str(code).startswith(("4", "5")):
                    responses[code] = _problem(response.get("description", "Fout."))
            responses.setdefault("400", _problem("Ongeldige invoer.", INVALID_REF))
            if "{" in _path:
                responses.setdefault("404", _problem("Niet gevonden."))
            if method != "get" or operation.get("security") not in (None, [{}]):
                responses.setdefault("401", _problem("Niet geauthenticeerd."))
                responses.setdefault("403", _problem("Geen toegang."))
            responses.setdefault("500", _problem("Interne fout."))
    return result
