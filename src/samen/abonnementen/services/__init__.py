"""State changes of arrangements priced per inhabitant, one module per topic: ``arrangements``
(indices, subscriptions, exemptions), ``herindelingen``, ``billing`` (billing runs),
``corrections``, ``invoice_details`` and ``given_amounts`` (invoices for amounts the caller
computed: allocation key, regional compensation, per verrichting). Each service is one
transaction (a billing run a sequence of short ones). The public names are re-exported here:
``from samen.abonnementen import services; services.billing_run(...)``."""

from __future__ import annotations

from .arrangements import (
    REDEN_MAX,
    add_exemption,
    end_subscription,
    set_index,
    subscribe,
    subscribe_all,
)
from .billing import (
    BETAALTERMIJN_DAGEN,
    STALE_AFTER,
    Voorvertoning,
    abort_run,
    billing_run,
    preview_billing,
    start_billing_run,
)
from .corrections import (
    correct_invoice,
)
from .given_amounts import (
    Bedrag,
    invoice_amounts,
)
from .herindelingen import (
    apply_herindelingen,
)
from .invoice_details import (
    IMPORT_KOLOMMEN,
    IMPORT_VERPLICHT,
    import_factuurgegevens,
    save_factuurgegevens,
)

__all__ = [
    "BETAALTERMIJN_DAGEN",
    "Bedrag",
    "IMPORT_KOLOMMEN",
    "IMPORT_VERPLICHT",
    "REDEN_MAX",
    "STALE_AFTER",
    "Voorvertoning",
    "abort_run",
    "add_exemption",
    "apply_herindelingen",
    "billing_run",
    "correct_invoice",
    "end_subscription",
    "import_factuurgegevens",
    "invoice_amounts",
    "preview_billing",
    "save_factuurgegevens",
    "set_index",
    "start_billing_run",
    "subscribe",
    "subscribe_all",
]
