"""Page-number pagination with strict `page` and `pageSize` query parameters.

An invalid value is a 400 problem that names the parameter (never a silent default, never a
500); a page past the last one is a 404 problem.
"""

from __future__ import annotations

import re

from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

POSITIVE_INT = re.compile(r"[1-9][0-9]*")


class Paginering(PageNumberPagination):
    page_size = 20
    page_query_param = "page"
    page_size_query_param = "pageSize"
    max_page_size = 500
    last_page_strings = ()
    invalid_page_message = "Pagina {page_number} bestaat niet: {message}."

    def query_errors(self, request) -> dict[str, list[ErrorDetail]]:
        """Every invalid pagination parameter of the request, by name."""
        errors: dict[str, list[ErrorDetail]] = {}
        page = request.query_params.get(self.page_query_param)
        if page is not None and not POSITIVE_INT.fullmatch(page):
            errors[self.page_query_param] = [
                ErrorDetail("Moet een geheel getal vanaf 1 zijn.", code="invalid")
            ]
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and not (
            len(size) <= 6 and POSITIVE_INT.fullmatch(size) and int(size) <= self.max_page_size
        ):
            errors[self.page_size_query_param] = [
                ErrorDetail(
                    f"Moet een geheel getal van 1 tot en met {self.max_page_size} zijn.",
                    code="invalid",
                )
            ]
        return errors

    def paginate_queryset(self, queryset, request, view=None):
        errors = self.query_errors(request)
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        if self.query_errors(request):
            return self.page_size
        size = request.query_params.get(self.page_size_query_param)
        return int(size) if size else self.page_size

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 342},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Paginanummer, vanaf 1 (standaard 1).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Aantal resultaten per pagina (standaard {self.page_size}, "
                    f"hoogstens {self.max_page_size})."
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
