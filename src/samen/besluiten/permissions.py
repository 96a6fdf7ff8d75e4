from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

register("besluiten.bekijken", {PUBLIEK})
register("besluiten.verzoeken", {Rol.GEMEENTE, Rol.PROGRAMMABUREAU})
register("besluiten.beoordelen", {Rol.TASKFORCE})
register("besluiten.adviseren", {Rol.COLLEGE})
register("besluiten.besluiten", {Rol.BESTUUR})
# A municipality's contact answers a request for support of its own municipality (the service
# checks it is the asked municipality; no other role answers for a municipality).
register("besluiten.steunen", {Rol.GEMEENTE})
