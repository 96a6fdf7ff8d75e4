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
