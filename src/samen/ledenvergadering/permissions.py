from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

# Meetings, agendas, weights and (after publication) the results are public.
register("ledenvergadering.bekijken", {PUBLIEK})
# The programme office prepares meetings, freezes the weights, closes and publishes.
register("ledenvergadering.beheren", {Rol.PROGRAMMABUREAU})
# A municipality contact for its own municipality: the designated voter casts its ballot, the
# gemeentesecretaris designates the voter, an authorised person files or co-signs amendments
# (the service checks which contact may do which).
register("ledenvergadering.stemmen.eigen", {Rol.GEMEENTE})
