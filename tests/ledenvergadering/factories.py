"""Test data for the members' meeting, built through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samen.accounts.models import Rol
from samen.ledenvergadering import services
from tests.factories import GebruikerFactory, GemeenteFactory

KLASSEN = [(0, 1), (10_000, 2), (50_000, 5), (200_000, 10)]


def table(jaar=2010, klassen=KLASSEN, voorbeeld=True):
    return services.enter_table(jaar, klassen, voorbeeld=voorbeeld)


def meeting(datum=dt.date(2024, 6, 1), soort="balv", **kwargs):
    kwargs.setdefault("stemmen_tot", timezone.now() + dt.timedelta(days=1))
    kwargs.setdefault("amendementen_tot", timezone.now() + dt.timedelta(hours=12))
    return services.create_meeting(soort, kwargs.pop("titel", "BALV test"), datum, **kwargs)


def voter(gemeente, vergadering=None):
    """A contact of ``gemeente``, designated by its gemeentesecretaris when a meeting is given."""
    user = GebruikerFactory(rol=Rol.GEMEENTE, gemeente=gemeente)
    if vergadering is not None:
        secretaris = GebruikerFactory(rol=Rol.GEMEENTE, gemeente=gemeente, gemeentesecretaris=True)
        services.designate(vergadering, user, user=secretaris)
    return user


def municipalities(*inwoners):
    return [GemeenteFactory(inwoners=n) for n in inwoners]
