from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

register("fonds.bekijken", {PUBLIEK})
register("fonds.begroten", {Rol.FINANCIEN})
register("fonds.bijdragen", {Rol.FINANCIEN})
register("fonds.voorstellen", {Rol.COLLEGE})
register("fonds.besluiten", {Rol.BESTUUR})
