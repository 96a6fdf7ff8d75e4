from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

# The keys, their inputs and shares, the compensations and the regions are public.
register("financiering.bekijken", {PUBLIEK})
# Finance or the administration office enters the figures (each with its source).
register("financiering.beheren", {Rol.FINANCIEN, Rol.ADMINISTRATIEKANTOOR})
# The office invoices an allocation key's shares and the regional contributions.
register("financiering.factureren", {Rol.ADMINISTRATIEKANTOOR})
