"""The search over the whole audit trail (the /audit page and GET /api/v1/audit): one filter set
of the shared query-parameter layer, so that the page and the API read the same parameters
the same way (ASCII dates within the platform's years, known channels and actions)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samen.api import filters
from samen.audit.models import Actie, AuditRegel, Kanaal


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


class AuditFilter(filters.FilterSet):
    """The trail filtered by object (type and id), person (user name), channel, action and
    period (van and tot inclusive, dates)."""

    objectType = filters.TextFilter(  # noqa: N815 - the API's parameter
        method="filter_object_type", help_text="bv. abonnementen.factuur"
    )
    objectId = filters.TextFilter(  # noqa: N815
        field_name="object_id", help_text="de id van het object"
    )
    gebruiker = filters.TextFilter(
        field_name="gebruiker_naam", lookup_expr="iexact", help_text="gebruikersnaam"
    )
    kanaal = filters.ChoiceFilter(
        field_name="kanaal",
        choices=Kanaal.choices,
        help_text="pagina, api, admin, commando of systeem",
    )
    actie = filters.ChoiceFilter(
        field_name="actie", choices=Actie.choices, help_text="bv. wijzigen, lezen"
    )
    van = filters.DateFilter(method="filter_van", help_text="vanaf deze dag")
    tot = filters.DateFilter(method="filter_tot", help_text="tot en met deze dag")

    class Meta:
        model = AuditRegel
        fields: list[str] = []

    def filter_object_type(self, queryset, name, value):
        return queryset.filter(object_type=value.lower())

    def filter_van(self, queryset, name, value):
        return queryset.filter(tijdstip__gte=_start_of(value))

    def filter_tot(self, queryset, name, value):
        # the last platform date + one day still exists (9999-12-31 never gets here)
        return queryset.filter(tijdstip__lt=_start_of(value + dt.timedelta(days=1)))


FILTERS = tuple(AuditFilter.base_filters)


def trail():
    return AuditRegel.objects.all().order_by("-tijdstip", "-id")
