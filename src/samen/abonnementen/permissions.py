from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

# Arrangements, tariffs, their derivation, reconciliation and yearly totals are public.
register("abonnementen.bekijken", {PUBLIEK})
# Arrangement data (indices, exemptions, subscriptions): the administration office and the
# programme office.
register("abonnementen.beheren", {Rol.ADMINISTRATIEKANTOOR, Rol.PROGRAMMABUREAU})
# Only the administration office runs billing and issues corrections.
register("abonnementen.factureren", {Rol.ADMINISTRATIEKANTOOR})
# Invoices: a municipality contact sees its own; the office, finance and the programme office all.
register(
    "facturen.bekijken.eigen",
    {Rol.GEMEENTE, Rol.ADMINISTRATIEKANTOOR, Rol.FINANCIEN, Rol.PROGRAMMABUREAU},
)
# Invoice details for e-invoices: a municipality contact sees and edits its own; the office,
# finance and the programme office see all; only the office imports them in bulk.
register(
    "factuurgegevens.bekijken.eigen",
    {Rol.GEMEENTE, Rol.ADMINISTRATIEKANTOOR, Rol.FINANCIEN, Rol.PROGRAMMABUREAU},
)
register("factuurgegevens.bewerken.eigen", {Rol.GEMEENTE})
register("factuurgegevens.importeren", {Rol.ADMINISTRATIEKANTOOR})
