from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse

from samen.api.problems import PROBLEM, problem_body, problem_response

NUL = "\x00"


def _nul_problem(request):
    """A NUL character in the path or a query parameter of an API request: PostgreSQL cannot
    store or compare such text, so a lookup or a search with it used to fail with a 500 (found
    by the fuzzer, tests/trust/test_fuzz.py). No resource has such a name (404); a parameter
    with it is invalid (400, every such parameter listed)."""
    if NUL in request.path:
        return problem_response(request, 404, "Niet gevonden.")
    names = sorted(
        {
            key
            for key, values in request.GET.lists()
            if NUL in key or any(NUL in value for value in values)
        }
    )
    if not names:
        return None
    invalid = [
        {
            "name": name.replace(NUL, "\\u0000"),
            "code": "null_characters_not_allowed",
            "reason": "Mag geen NUL-tekens (\\u0000) bevatten.",
        }
        for name in names
    ]
    detail = f"{len(invalid)} ongeldige parameter(s)."
    return JsonResponse(
        problem_body(400, detail, request.get_full_path(), invalid),
        status=400,
        content_type=PROBLEM,
    )


class ApiVersionMiddleware:
    """Every API response carries the full version in the API-Version header (API-57); an API
    request with a NUL character in its path or query is refused before it reaches a view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith("/api/")
        response = (_nul_problem(request) if is_api else None) or self.get_response(request)
        if is_api:
            response["API-Version"] = settings.API_VERSION
        return response
