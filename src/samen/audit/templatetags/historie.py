"""``{% load historie %}{% historie obj %}``: an object's history on its page."""

from __future__ import annotations

from django import template

from samen.audit.queries import history

register = template.Library()


@register.inclusion_tag("samen/_historie.html", takes_context=True)
def historie(context, obj):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"historie": history(obj, user), "anoniem": not getattr(user, "is_authenticated", False)}
