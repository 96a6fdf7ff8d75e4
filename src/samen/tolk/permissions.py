"""Who may do what in the interpreter service. Health data (GDPR art. 9): only the mediator's
staff, interpreters (their own assignments) and the municipality's contact (its own residents,
scoped by ``.eigen`` to the client's current municipality of residence)."""

from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

# The mediator's staff: clients, entitlements, requests, offers, assignments, tariffs.
register("tolk.bemiddelen", {Rol.BEMIDDELAAR})
# Clients and their entitlements: the mediator for all, a municipality for its own residents.
register("tolk.clienten.bekijken.eigen", {Rol.BEMIDDELAAR, Rol.GEMEENTE})
# Decisions on extra hours: the payer (a municipality only for its own domains and residents;
# the mediator records the decision of the other payers).
register("tolk.meeruren.besluiten.eigen", {Rol.BEMIDDELAAR, Rol.GEMEENTE})
# Monthly statements: the mediator for all, a municipality for its own.
register("tolk.afrekening.bekijken.eigen", {Rol.BEMIDDELAAR, Rol.GEMEENTE})
# An interpreter's own agenda and offers.
register("tolk.agenda", {Rol.TOLK})
# The tariff table is public; the mediator enters it.
register("tolk.tarieven.bekijken", {PUBLIEK})
