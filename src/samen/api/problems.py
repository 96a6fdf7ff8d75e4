"""Errors as application/problem+json (RFC 9457) with every invalid field listed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from samen.api.camel import camel_name
from samen.core.errors import DomainError

PROBLEM = "application/problem+json"
DEEP_JSON = "JSON is te diep genest."

TITLES = {
    400: "Ongeldige invoer.",
    401: "Niet geauthenticeerd.",
    403: "Geen toegang.",
    404: "Niet gevonden.",
    405: "Methode niet toegestaan.",
    406: "Gevraagd formaat niet beschikbaar.",
    409: "Conflict.",
    413: "Verzoek te groot.",
    414: "URI te lang.",
    415: "Mediatype niet ondersteund.",
    429: "Te veel verzoeken.",
    500: "Interne fout.",
}


def problem_type(status_code: int) -> str:
    return f"https://samen.vng.nl/problemen/{status_code}"


def _flatten(detail, prefix: str = "") -> list[dict]:
    params = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            key = camel_name(str(key))
            name = key if not prefix else f"{prefix}.{key}"
            if key == "nonFieldErrors":
                name = prefix or "nonFieldErrors"
            params.extend(_flatten(value, name))
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            for item in detail:
                params.append(
                    {
                        "name": prefix or "body",
                        "code": getattr(item, "code", "invalid"),
                        "reason": str(item),
                    }
                )
        else:
            for index, item in enumerate(detail):
                params.extend(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        params.append(
            {
                "name": prefix or "body",
                "code": getattr(detail, "code", "invalid"),
                "reason": str(detail),
            }
        )
    return params


def body_problem(reason: str, code: str = "invalid") -> list[dict]:
    """The one entry of invalidParams for a request body as a whole (it could not be read)."""
    return [{"name": "body", "code": code, "reason": reason}]


def problem_body(status_code: int, detail: str, instance: str, invalid=None) -> dict:
    """A problem document. Every 400 lists what is invalid (the documented InvalidParamsProblem):
    a 400 raised without naming a parameter names the request as a whole ("body")."""
    if status_code == 400 and not invalid:
        invalid = body_problem(detail)
    body = {
        "type": problem_type(status_code),
        "title": TITLES.get(status_code, "Fout."),
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }
    if invalid:
        body["invalidParams"] = invalid
    return body


def _raised_by_parser(exc: BaseException) -> bool:
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_globals.get("__name__") == "rest_framework.parsers":
            return True
        traceback = traceback.tb_next
    return False


def exception_handler(exc, context):
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        detail = f"Het verzoek is groter dan {megabytes} MB en is niet verwerkt."
        return Response(problem_body(413, detail, instance), status=413, content_type=PROBLEM)
    if isinstance(exc, RecursionError) and _raised_by_parser(exc):
        # JSON nested deeper than Python's recursion limit: malformed input, not a server error.
        exc = exceptions.ParseError(DEEP_JSON)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
        )
    if isinstance(exc, DomainError):
        invalid = [
            {"name": camel_name(p.name), "code": p.code, "reason": str(p)} for p in exc.problems
        ] or None
        body = problem_body(exc.status, exc.message, instance, invalid)
        set_rollback()
        return Response(body, status=exc.status, content_type=PROBLEM)
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        invalid = _flatten(exc.detail)
        body = problem_body(
            status.HTTP_400_BAD_REQUEST,
            f"{len(invalid)} ongeldige parameter(s).",
            instance,
            invalid,
        )
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        invalid = None
        if isinstance(exc, exceptions.ParseError):
            # A body that cannot be parsed (a NUL byte, truncated or invalid JSON, JSON nested
            # too deep): one entry for the body, so the 400 has the documented invalidParams.
            text = str(detail)
            if text.startswith("JSON parse error - ") or text == DEEP_JSON:
                reason = "geen geldige JSON: " + text.removeprefix("JSON parse error - ")
            else:
                reason = "onleesbare inhoud: " + text
            invalid = body_problem(reason, "parse_error")
            detail = "De inhoud van het verzoek kan niet worden gelezen."
        body = problem_body(exc.status_code, str(detail), instance, invalid)
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers, content_type=PROBLEM)


def problem_response(request, status_code: int, detail: str) -> JsonResponse:
    response = JsonResponse(
        problem_body(status_code, detail, request.get_full_path()),
        status=status_code,
        content_type=PROBLEM,
    )
    return response
