"""Serializer fields that several apps' API resources share."""

from __future__ import annotations

from rest_framework import serializers


def vergadering_field(**kwargs):
    """The meeting of a body (samen.gremia) in which a step was taken; null for steps from
    before the bodies existed."""
    return serializers.UUIDField(
        source="vergadering.uuid",
        allow_null=True,
        read_only=True,
        help_text="De vergadering van het gremium waarin dit is genomen "
        "(/api/v1/vergaderingen); leeg voor stappen van vóór de gremia.",
        **kwargs,
    )
