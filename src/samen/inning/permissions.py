from samen.accounts.models import Rol
from samen.accounts.permissions import register

# Payments: a municipality contact sees the payments booked on its own receivables; the
# administration office and finance see all.
register(
    "inning.betalingen.bekijken.eigen", {Rol.GEMEENTE, Rol.ADMINISTRATIEKANTOOR, Rol.FINANCIEN}
)
# Only the administration office registers and imports payments, matches unmatched items,
# sends reminders and runs the distribution to providers.
register("inning.beheren", {Rol.ADMINISTRATIEKANTOOR})
# Distribution statements: a provider sees its own (the queryset limits it); the office and
# finance see all and the reconciliation.
register("inning.afdrachten.bekijken", {Rol.AANBIEDER, Rol.ADMINISTRATIEKANTOOR, Rol.FINANCIEN})
register("inning.aansluiting.bekijken", {Rol.ADMINISTRATIEKANTOOR, Rol.FINANCIEN})
