"""One query-parameter layer for the API: filter sets (django-filter) with strict shared filters.

Every list endpoint declares a ``filterset_class`` built from the filters below and uses
``ParameterBackend`` (the default filter backend). A request is checked as a whole before any
work: every invalid filter parameter *and* every invalid pagination parameter end up together in
one 400 application/problem+json (``invalidParams``), never a 500 and never a silent default.

The filters parse the way a Dutch government API is expected to:

- ``YearFilter``: four ASCII digits within a range (``"²²²²"``, ``"99999999999"``, NUL and the
  empty string are refused with the range in the reason);
- ``DateFilter``: an ISO date (``JJJJ-MM-DD``) within a range that fits its meaning;
- ``UUIDFilter``: a UUID (no database round trip for a malformed one);
- ``CbsCodeFilter``: a CBS municipality code ``GM0344``;
- ``ChoiceFilter``: one of the documented values, listed in the reason.

drf-spectacular documents each filter with its type and bounds (``_spectacular_annotation``), so
list endpoints need no ``list()`` override to describe their parameters. A non-list endpoint that
takes query parameters (a detail with ``jaar``) validates them with ``check(FilterSet, request)``
and documents them with ``parameters(FilterSet)``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid as uuid_mod
from typing import Any

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ErrorDetail, ValidationError

from samen.core import dates

YEAR = re.compile(r"[0-9]{4}")
CBS_CODE = re.compile(r"GM[0-9]{4}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_TEXT = 200


def _invalid(message: str) -> forms.ValidationError:
    return forms.ValidationError(message, code="invalid")


# --- form fields: the parsing ----------------------------------------------------------------


class _StrictField(forms.Field):
    """A field whose raw value is text (never empty when present, never containing NUL)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if "\x00" in str(value):
            raise _invalid(f"Bevat een NUL-teken; verwacht {self.expected()}.")
        return self.parse(str(value).strip())

    def parse(self, text: str) -> Any:  # pragma: no cover - overridden
        return text

    def clean(self, value: Any) -> Any:
        # present but empty ("?jaar=") is invalid: absent is the only way to ask for the default
        if value is not None and str(value).strip() == "":
            raise _invalid(self.empty_message())
        return super().clean(value)

    def expected(self) -> str:
        return "tekst"

    def empty_message(self) -> str:
        return (
            f"Mag niet leeg zijn: {self.expected()}; laat de parameter weg voor de standaardwaarde."
        )


class YearField(_StrictField):
    def __init__(self, *, minimum: int, maximum: int, **kwargs: Any) -> None:
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def _range(self) -> str:
        return f"een jaartal van {self.minimum} tot en met {self.maximum}"

    def expected(self) -> str:
        return self._range()

    def parse(self, text: str) -> int:
        if not (text.isascii() and YEAR.fullmatch(text)):
            raise _invalid(f"Geen geldig jaar: gebruik {self._range()}.")
        year = int(text)
        if not self.minimum <= year <= self.maximum:
            raise forms.ValidationError(f"Buiten bereik: {self._range()}.", code="range")
        return year


WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")  # ASCII digits only


class IntegerField(YearField):
    """A whole number in ASCII digits within ``minimum``..``maximum``."""

    def _range(self) -> str:
        return f"een geheel getal van {self.minimum} tot en met {self.maximum}"

    def parse(self, text: str) -> int:
        if not (text.isascii() and WHOLE_NUMBER.fullmatch(text)):
            raise _invalid(f"Geen geheel getal: gebruik {self._range()}.")
        number = int(text)
        if not self.minimum <= number <= self.maximum:
            raise forms.ValidationError(f"Buiten bereik: {self._range()}.", code="range")
        return number


class IsoDateField(_StrictField):
    def __init__(self, *, earliest: dt.date, latest: dt.date, **kwargs: Any) -> None:
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def _range(self) -> str:
        return f"van {self.earliest:%Y-%m-%d} tot en met {self.latest:%Y-%m-%d}"

    def expected(self) -> str:
        return f"een datum JJJJ-MM-DD {self._range()}"

    def parse(self, text: str) -> dt.date:
        if not (text.isascii() and ISO_DATE.fullmatch(text)):
            raise _invalid("Geen geldige datum; gebruik JJJJ-MM-DD.")
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise _invalid(f"{text} bestaat niet als datum.") from None
        if not self.earliest <= value <= self.latest:
            raise forms.ValidationError(
                f"Buiten bereik: een datum {self._range()}; niet {value:%Y-%m-%d}.", code="range"
            )
        return value


class StrictUUIDField(_StrictField):
    def expected(self) -> str:
        return "een UUID"

    def parse(self, text: str) -> uuid_mod.UUID:
        try:
            if not text.isascii() or len(text) > 36:
                raise ValueError
            return uuid_mod.UUID(text)
        except ValueError:
            raise _invalid("Geen geldige UUID.") from None


class CbsCodeField(_StrictField):
    def expected(self) -> str:
        return "een CBS-gemeentecode (GM0344)"

    def parse(self, text: str) -> str:
        code = text.upper()
        if not (code.isascii() and CBS_CODE.fullmatch(code)):
            raise _invalid("Geen geldige CBS-gemeentecode; gebruik GM gevolgd door vier cijfers.")
        return code


class StrictChoiceField(_StrictField):
    def __init__(self, *, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        self.values = [str(value) for value, _ in choices]
        super().__init__(**kwargs)

    def _allowed(self) -> str:
        return ", ".join(self.values)

    def expected(self) -> str:
        return f"een van {self._allowed()}"

    def parse(self, text: str) -> str:
        if text not in self.values:
            raise _invalid(f"Onbekende waarde; kies uit {self._allowed()}.")
        return text


class TextField(_StrictField):
    def parse(self, text: str) -> str:
        if len(text) > MAX_TEXT:
            raise _invalid(f"Te lang: hoogstens {MAX_TEXT} tekens.")
        return text


# --- filters: the parameters -----------------------------------------------------------------


class _Documented:
    """Sets the OpenAPI schema of a filter instance (drf-spectacular reads this override)."""

    def document(self, schema: dict[str, Any]) -> None:
        """drf-spectacular takes the whole parameter schema from this override on list
        endpoints, so the filter's ``help_text`` goes in as its description."""
        help_text = getattr(self, "extra", {}).get("help_text")
        if help_text and "description" not in schema:
            schema = {**schema, "description": str(help_text)}
        self._spectacular_annotation = {"field": schema}


class YearFilter(_Documented, django_filters.Filter):
    """A year within ``minimum``..``maximum`` (default: the platform's years)."""

    field_class = YearField

    def __init__(
        self,
        *args: Any,
        minimum: int = dates.PLATFORM_YEARS.start,
        maximum: int = dates.PLATFORM_YEARS.stop - 1,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("lookup_expr", "exact")
        super().__init__(*args, minimum=minimum, maximum=maximum, **kwargs)
        self.document({"type": "integer", "minimum": minimum, "maximum": maximum})


class IntegerFilter(YearFilter):
    """A whole number within ``minimum``..``maximum`` (both required)."""

    field_class = IntegerField

    def __init__(self, *args: Any, minimum: int, maximum: int, **kwargs: Any) -> None:
        super().__init__(*args, minimum=minimum, maximum=maximum, **kwargs)


def described(field, text: str):
    """``field`` with ``text`` as its description in the schema of a list endpoint (where
    drf-spectacular takes the description from the documented schema, not from help_text)."""
    field.document({**field._spectacular_annotation["field"], "description": text})
    return field


class DateFilter(_Documented, django_filters.Filter):
    """An ISO date within ``earliest``..``latest`` (default: the platform's dates)."""

    field_class = IsoDateField

    def __init__(
        self,
        *args: Any,
        earliest: dt.date = dates.EARLIEST,
        latest: dt.date = dates.LATEST,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, earliest=earliest, latest=latest, **kwargs)
        self.document({"type": "string", "format": "date"})


class UUIDFilter(_Documented, django_filters.Filter):
    field_class = StrictUUIDField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document({"type": "string", "format": "uuid"})


class CbsCodeFilter(_Documented, django_filters.Filter):
    field_class = CbsCodeField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document({"type": "string", "pattern": "^GM[0-9]{4}$", "example": "GM0344"})


class ChoiceFilter(_Documented, django_filters.Filter):
    """One of ``choices`` (a Django ``TextChoices`` class's ``.choices`` or pairs)."""

    field_class = StrictChoiceField

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, choices=list(choices), **kwargs)
        self.document({"type": "string", "enum": [str(value) for value, _ in choices]})


class TextFilter(_Documented, django_filters.Filter):
    """Free text up to 200 characters (``lookup_expr="icontains"`` for a search)."""

    field_class = TextField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document({"type": "string", "maxLength": MAX_TEXT})


class FilterSet(django_filters.FilterSet):
    """The base of every filter set: ``values`` are the cleaned parameters after validation."""

    @property
    def values(self) -> dict[str, Any]:
        return {key: value for key, value in self.form.cleaned_data.items() if value is not None}


# --- checking a request as a whole -----------------------------------------------------------


def errors_of(filterset: django_filters.FilterSet) -> dict[str, list[ErrorDetail]]:
    if filterset.is_valid():
        return {}
    return dict(translate_validation(filterset.errors).detail)


def check(filterset_class: type[FilterSet], request, view=None, queryset=None) -> dict[str, Any]:
    """Validate ``request``'s query against ``filterset_class`` (and the view's paginator):
    the cleaned values, or one ValidationError listing every invalid parameter."""
    model = filterset_class._meta.model
    if queryset is None and model is not None:
        queryset = model._default_manager.none()
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    errors = errors_of(filterset)
    paginator = getattr(view, "paginator", None) if view is not None else None
    if paginator is not None and hasattr(paginator, "query_errors"):
        errors.update(paginator.query_errors(request))
    if errors:
        raise ValidationError(errors)
    return filterset.values


class ParameterBackend(DjangoFilterBackend):
    """django-filter's backend, strict: every invalid filter and pagination parameter in one 400.

    A view whose filtering needs more than the queryset (a year that selects a computation) reads
    ``view.parameters()`` (the cleaned values) instead of parsing ``request.query_params``."""

    raise_exception = True

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            errors = {}
            paginator = getattr(view, "paginator", None)
            if paginator is not None and hasattr(paginator, "query_errors"):
                errors.update(paginator.query_errors(request))
            if errors:
                raise ValidationError(errors)
            return queryset
        errors = errors_of(filterset)
        paginator = getattr(view, "paginator", None)
        if paginator is not None and hasattr(paginator, "query_errors"):
            errors.update(paginator.query_errors(request))
        if errors:
            raise ValidationError(errors)
        return filterset.qs


class ParametersMixin:
    """For viewsets: ``self.parameters()`` is the validated query of the view's filter set (or
    the one given), every invalid parameter raised together with the paginator's."""

    def parameters(self, filterset_class: type[FilterSet] | None = None) -> dict[str, Any]:
        cls = filterset_class or self.filterset_class  # type: ignore[attr-defined]
        cache = self.__dict__.setdefault("_parameters", {})
        if cls not in cache:
            cache[cls] = check(cls, self.request, view=self)  # type: ignore[attr-defined]
        return cache[cls]


def parameters(filterset_class: type[FilterSet]) -> list[OpenApiParameter]:
    """OpenAPI parameters for an endpoint that is not a list (``extend_schema(parameters=...)``)."""
    result = []
    for name, field in filterset_class.base_filters.items():
        schema = getattr(field, "_spectacular_annotation", {}).get("field", {"type": "string"})
        result.append(
            OpenApiParameter(
                name,
                schema,  # type: ignore[arg-type]
                location=OpenApiParameter.QUERY,
                required=bool(field.extra.get("required")),
                description=str(field.extra.get("help_text") or field.label or ""),
            )
        )
    return result
