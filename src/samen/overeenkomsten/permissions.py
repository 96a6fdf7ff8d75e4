from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

# The agreements and the campaign's totals are public.
register("overeenkomsten.bekijken", {PUBLIEK})
# A municipality's signing: its own contacts see and update it; the office records on its behalf.
register("overeenkomsten.tekenen.eigen", {Rol.GEMEENTE, Rol.PROGRAMMABUREAU})
# The campaign's details (who has not signed, in which step), reminders, herindelingen.
register("overeenkomsten.campagne", {Rol.PROGRAMMABUREAU})
