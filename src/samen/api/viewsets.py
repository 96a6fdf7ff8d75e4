"""What the API's viewsets share: how an object is addressed in its URL.

Most objects are addressed by their UUID (``/deelnames/{uuid}``), municipalities by their CBS
code (``/gemeenten/GM0344``). The router turns ``lookup_value_regex`` into the URL pattern, so a
malformed id is a 404 of the router, never a query with a value the column cannot hold.

    class DeelnameViewSet(UUIDLookup, mixins.ListModelMixin, viewsets.GenericViewSet): ...

``ListOnlyFilters`` applies the viewset's filter set to the list only.
"""

from __future__ import annotations

UUID_LOOKUP = "[0-9a-f-]{36}"
CBS_CODE_LOOKUP = "GM[0-9]{4}"


class UUIDLookup:
    """A viewset whose objects are addressed by their ``uuid`` field."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_LOOKUP


class CbsCodeLookup:
    """A viewset of municipalities, addressed by their CBS code (``GM0344``)."""

    lookup_field = "code"
    lookup_value_regex = CBS_CODE_LOOKUP


class ListOnlyFilters:
    """The filter set selects objects for the list; a detail (and its actions) is addressed by
    its id alone, whatever the query says."""

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)  # type: ignore[misc]


class ServiceAction:
    """An endpoint that changes state through a service: validate the input, call the service,
    answer with the (re-read) object.

        @action(detail=True, methods=["post"])
        def uittreden(self, request, uuid=None):
            deelname = self.get_object()
            d = self.validated(UittredenSerializer)
            return self.answer(services.leave(deelname, d["datum"], user=request.user))
    """

    def validated(self, serializer_class) -> dict:
        """The request body, checked by ``serializer_class`` (a 400 problem when invalid)."""
        serializer = serializer_class(data=self.request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, obj, status: int = 200, serializer_class=None, **extra):
        """``obj`` as the viewset's serializer (or ``serializer_class``) shows it, with ``extra``
        keys added; ``status`` 201 for a created object."""
        from rest_framework.response import Response

        serializer_class = serializer_class or self.get_serializer_class()  # type: ignore[attr-defined]
        context = self.get_serializer_context()  # type: ignore[attr-defined]
        body = serializer_class(obj, context=context).data
        body.update(extra)
        return Response(body, status=status)
