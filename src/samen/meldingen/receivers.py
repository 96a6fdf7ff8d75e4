"""From the audit trail to notifications: every committed audit row (``samen.audit.services
.recorded``) is matched against the kinds of samen.meldingen.soorten; a kind that applies gives
the messages to send. Runs after the change committed; an error here is logged and recorded as
far as it got, and never reaches the person who made the change."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.utils import translation

from samen.meldingen import services, soorten

logger = logging.getLogger(__name__)


def on_recorded(sender, regel, obj=None, **kwargs) -> None:
    kinds = soorten.voor(regel.object_type, regel.actie)
    if not kinds or obj is None:
        return
    connection = None
    try:
        for kind in kinds:
            try:
                with translation.override(settings.LANGUAGE_CODE):
                    berichten = kind.berichten(regel, obj)
                if not berichten:
                    continue
                connection = connection or get_connection(fail_silently=False)
                for bericht in berichten:
                    if bericht.ontvangers:
                        services.notify(
                            kind.key,
                            bericht.ontvangers,
                            bericht.context,
                            obj=bericht.obj or obj,
                            aanleiding=regel.uuid,
                            connection=connection,
                        )
            except Exception:
                logger.exception("notification %s for %s failed", kind.key, regel)
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:
                logger.debug("closing the mail connection failed", exc_info=True)
