"""Permissions of the portfolio, added to the one permission table."""

from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

register("portfolio.bekijken", {PUBLIEK})
register("portfolio.beheren", {Rol.PROGRAMMABUREAU})
register("portfolio.scoren", {Rol.TASKFORCE})
register("portfolio.wegen", {Rol.TASKFORCE})
register("portfolio.routekaart", {Rol.PROGRAMMABUREAU})
