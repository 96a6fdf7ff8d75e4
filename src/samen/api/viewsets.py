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
