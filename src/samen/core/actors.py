"""Who does something: the user of a request or command, as stored on records."""

from __future__ import annotations


def authenticated(user):
    """The user if signed in, else None (for foreign keys to the acting user)."""
    return user if getattr(user, "is_authenticated", False) else None


def label(user) -> str:
    """The name shown as author ("door"): full name, else username; empty for nobody."""
    user = authenticated(user)
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def role_label(user) -> str:
    """Who did something, as the public may see it (status and phase histories, scores,
    accepted conditions): a role or organisation, never a person's name ("contactpersoon
    Utrecht", "programmabureau", "AKJ"); "beheerder" for a superuser without a role; empty for
    the system."""
    from samen.accounts.models import Rol

    user = authenticated(user)
    if user is None:
        return ""
    if user.rol == Rol.GEMEENTE and user.gemeente_id:
        return f"contactpersoon {user.gemeente.naam}"
    if user.rol == Rol.AANBIEDER and user.organisatie_id:
        return user.organisatie.naam
    if user.rol:
        return str(Rol(user.rol).label)
    return "beheerder" if user.is_superuser else ""
