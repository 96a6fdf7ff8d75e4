from __future__ import annotations

import pytest

from samen.accounts.models import Rol


@pytest.fixture
def office(make_user):
    return make_user(Rol.PROGRAMMABUREAU)


@pytest.fixture
def taskforce(make_user):
    return make_user(Rol.TASKFORCE)
