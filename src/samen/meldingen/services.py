"""Sending notifications and storing a user's choices. ``notify`` runs after the change that
caused it has committed (samen.meldingen.receivers): a mail server that fails is recorded as a
failed sending and never undoes or breaks that change."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from samen.audit.models import Actie, Kanaal
from samen.audit.services import record
from samen.core.errors import DomainError, Problem
from samen.meldingen import queries, soorten
from samen.meldingen.models import Verzending, Voorkeur

logger = logging.getLogger(__name__)

GEEN_ADRES = "geen e-mailadres"
UITGEZET = "uitgezet door de ontvanger"


def _subject(text: str) -> str:
    """One line (a newline in a header is refused), at most what the column holds."""
    return " ".join(str(text).split())[:255]


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def notify(
    soort: str,
    ontvangers,
    context: dict,
    *,
    obj=None,
    aanleiding=None,
    connection=None,
) -> list[Verzending]:
    """E-mail one message of kind ``soort`` to each of ``ontvangers`` (plain text, from the
    template ``meldingen/email/<soort>.txt``), and record every one: sent, failed (with the
    error of the mail server) or skipped (switched off by an informative kind's recipient, or no
    e-mail address). Each record is audited. ``aanleiding`` is the uuid of the audit row of the
    change the message is about."""
    kind = soorten.get(soort)
    unique = list({u.pk: u for u in ontvangers}.values())
    uit = set() if kind.formeel else queries.switched_off(unique, kind.key)
    outcomes: list[tuple[object, str, str, str]] = []  # user, status, reason, address
    with translation.override(settings.LANGUAGE_CODE):
        onderwerp = _subject(context.get("onderwerp", kind.label))
        to_send = []
        for user in unique:
            if user.pk in uit:
                outcomes.append((user, Verzending.Status.OVERGESLAGEN, UITGEZET, user.email))
            elif not (user.email or "").strip():
                outcomes.append((user, Verzending.Status.OVERGESLAGEN, GEEN_ADRES, ""))
            else:
                body = _body(
                    kind,
                    {
                        **context,
                        "ontvanger": user,
                        "soort": kind,
                        "voorkeuren_url": soorten.link("meldingen:voorkeuren"),
                    },
                )
                to_send.append((user, body))
        outcomes += _send(kind, onderwerp, to_send, connection)
    return _store(kind, onderwerp, outcomes, obj, aanleiding)


def _body(kind, context: dict) -> str:
    """The plain-text body: the kind's template, without the blank lines its tags leave."""
    text = render_to_string(f"meldingen/email/{kind.key}.txt", context)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line if line != "--" else "-- ")  # the signature separator keeps its space
    return "\n".join(out) + "\n"


def _send(kind, onderwerp: str, to_send, connection) -> list[tuple[object, str, str, str]]:
    if not to_send:
        return []
    own = connection is None
    connection = connection or get_connection(fail_silently=False)
    outcomes: list[tuple[object, str, str, str]] = []
    opened = None
    try:
        connection.open()
    except Exception as exc:  # the server cannot be reached: every message fails with it
        opened = exc
    for user, body in to_send:
        address = user.email.strip()
        if opened is not None:
            outcomes.append((user, Verzending.Status.MISLUKT, _error(opened), address))
            continue
        message = EmailMessage(
            subject=onderwerp,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            connection=connection,
            headers={"Auto-Submitted": "auto-generated", "X-Samen-Melding": kind.key},
        )
        try:
            sent = connection.send_messages([message])
        except Exception as exc:
            logger.warning("notification %s to %s failed: %s", kind.key, user.pk, exc)
            outcomes.append((user, Verzending.Status.MISLUKT, _error(exc), address))
            _reset(connection)
            continue
        if sent == 0:
            outcomes.append((user, Verzending.Status.MISLUKT, "niet verzonden", address))
        else:
            outcomes.append((user, Verzending.Status.VERZONDEN, "", address))
    if own:
        _reset(connection, reopen=False)
    return outcomes


def _reset(connection, reopen: bool = True) -> None:
    """Close a connection after an error (its state is unknown) and open it again."""
    try:
        connection.close()
        if reopen:
            connection.open()
    except Exception:  # the next message reports the error
        logger.debug("mail connection reset failed", exc_info=True)


@transaction.atomic
def _store(kind, onderwerp: str, outcomes, obj, aanleiding) -> list[Verzending]:
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(getattr(obj, "audit_id", obj.pk)) if obj is not None else ""
    rows = []
    for user, status, reden, adres in outcomes:
        verzending = Verzending.objects.create(
            soort=kind.key,
            ontvanger=user,
            ontvanger_naam=user.get_username(),
            adres=adres,
            onderwerp=onderwerp,
            object_type=object_type,
            object_id=object_id,
            object_omschrijving=str(obj)[:255] if obj is not None else "",
            aanleiding=aanleiding,
            status=status,
            reden=reden,
        )
        record(
            Actie.AANMAKEN,
            verzending,
            na={
                "soort": kind.key,
                "ontvanger": user.get_username(),
                "status": status,
                "object": f"{object_type} {object_id}".strip(),
            },
            kanaal=Kanaal.SYSTEEM,
            toelichting=f"melding {status}" + (f": {reden}" if reden else ""),
        )
        rows.append(verzending)
    return rows


@transaction.atomic
def set_preferences(user, keuzes: dict[str, bool], acting_user=None) -> list[Voorkeur]:
    """Switch informative kinds on or off for ``user``. A formal kind cannot be switched off
    and an unknown kind is named; nothing changes when any choice is refused."""
    problems = []
    for key, aan in keuzes.items():
        try:
            kind = soorten.get(key)
        except KeyError:
            problems.append(Problem(key, "onbekende soort melding", "unknown"))
            continue
        if kind.formeel and not aan:
            problems.append(Problem(key, str(kind.reden_formeel), "formal"))
    if problems:
        raise DomainError("De voorkeuren zijn niet opgeslagen.", problems)
    stored = queries.preferences(user)
    changed = []
    for key, aan in keuzes.items():
        if soorten.get(key).formeel or stored.get(key, True) == bool(aan):
            continue
        voorkeur, _ = Voorkeur.objects.update_or_create(
            gebruiker=user, soort=key, defaults={"aan": bool(aan)}
        )
        record(
            Actie.WIJZIGEN,
            voorkeur,
            voor={"soort": key, "aan": stored.get(key, True)},
            na={"soort": key, "aan": bool(aan)},
            user=acting_user or user,
        )
        changed.append(voorkeur)
    return changed
