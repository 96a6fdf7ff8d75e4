from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

register("deelnames.bekijken", {PUBLIEK})
# Scoped: a municipality contact only for its own municipality; the programme office for all.
register("deelnames.beheren.eigen", {Rol.GEMEENTE, Rol.PROGRAMMABUREAU})
# Support requests and the names of who acted: the municipality's own contacts and the office.
register("deelnames.ondersteuning.eigen", {Rol.GEMEENTE, Rol.PROGRAMMABUREAU})
# The programme office imports implementation statuses and handles the support requests.
register("deelnames.importeren", {Rol.PROGRAMMABUREAU})
register("deelnames.ondersteuning.beheren", {Rol.PROGRAMMABUREAU})
