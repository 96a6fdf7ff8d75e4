"""Reading settings from environment variables.

Every variable Samen reads is declared once in ``VARIABLES`` with its default and meaning;
``docs/configuratie.md`` lists them and a test checks that each reaches the setting it names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    setting: str
    meaning: str


VARIABLES: dict[str, Variable] = {}


def declare(name: str, default: str, setting: str, meaning: str) -> str:
    VARIABLES[name] = Variable(name, default, setting, meaning)
    return os.environ.get(name, default)


def as_bool(value: str) -> bool:
    if value.strip().lower() in {"1", "true", "yes", "on", "ja"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off", "nee", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def as_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
