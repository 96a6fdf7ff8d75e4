from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

register("besluiten.bekijken", {PUBLIEK})
register("besluiten.verzoeken", {Rol.GEMEENTE, Rol.PROGRAMMABUREAU})
register("besluiten.beoordelen", {Rol.TASKFORCE})
register("besluiten.adviseren", {Rol.COLLEGE})
register("besluiten.besluiten", {Rol.BESTUUR})
