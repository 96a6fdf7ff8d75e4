"""Brute-force protection (django-axes): the client address, the lock-out page, the trail."""

from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.shortcuts import render

from samen.audit.models import Actie
from samen.audit.services import record

log = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind SAMEN_TRUSTED_PROXIES proxies the address the outermost trusted
    proxy saw (counted from the right of X-Forwarded-For, which a client cannot forge)."""
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    minutes = settings.LOGIN_COOLOFF_MINUTES
    return render(
        request,
        "accounts/geblokkeerd.html",
        {"minuten": minutes, "status": settings.AXES_HTTP_RESPONSE_CODE},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@receiver(user_locked_out)
def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    log.warning("Inloggen geblokkeerd voor %r vanaf %s", username, ip_address)
    record(
        Actie.OVERIG,
        object_type="accounts.gebruiker",
        object_id=str(username or "")[:100],
        object_omschrijving=str(username or "")[:255],
        toelichting=(
            f"Inloggen geblokkeerd na {settings.AXES_FAILURE_LIMIT} mislukte pogingen "
            f"(adres {ip_address}, {settings.LOGIN_COOLOFF_MINUTES} minuten)"
        ),
        user=None,
    )
