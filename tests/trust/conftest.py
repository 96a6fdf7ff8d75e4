"""Fixtures of the hostile-input tests: the demo content, a superuser client, a row snapshot."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.utils.module_loading import autodiscover_modules


@pytest.fixture
def demo(db):
    """The demo content of `make run` (every kind of object exists at least once)."""
    from samen.core import demo as loaders

    autodiscover_modules("demo")
    loaders.load_all()


@pytest.fixture
def admin_client(make_user):
    client = Client()
    client.force_login(make_user(is_superuser=True))
    return client


def snapshot() -> dict[str, int]:
    """The number of rows of every model: equal before and after means nothing was stored."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label != "sessions.Session"
    }
