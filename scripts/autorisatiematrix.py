#!/usr/bin/env python
"""Observe who may use every page and API endpoint and print the authorisation matrix.

    .venv/bin/python scripts/autorisatiematrix.py > /tmp/matrix.md

Builds a throw-away SQLite database with the CBS register and the demo content, signs in one
user per role (see tests/trust/test_authorisation_matrix.py for the roles, the sample objects
and how an outcome is classified), makes every request and prints the table. The output is for
review: copy the rows into docs/autorisatiematrix.md only after checking every outcome is the
intended one (a wrong one is a bug to fix, not a row to copy).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    work = tempfile.mkdtemp(prefix="samen-matrix-")
    os.environ["DATABASE_URL"] = f"sqlite:///{work}/matrix.sqlite3"
    os.environ["SAMEN_VAR_DIR"] = work
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.conf.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from django.utils.module_loading import autodiscover_modules

    from samen.core import demo as loaders
    from samen.gemeenten.services import load_register
    from tests.trust import test_authorisation_matrix as matrix

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    load_register()
    autodiscover_modules("demo")
    loaders.load_all()
    matrix.ensure_samples()
    cookies = matrix.login_cookies(matrix.make_users())

    from django.db import transaction

    started = time.monotonic()
    observed = {}
    for route, methods in matrix.routes():
        for method in methods:
            outcomes = {}
            for role in matrix.ROLES:
                # every request in a transaction that is rolled back: nothing it stores stays
                with transaction.atomic():
                    outcomes[role] = matrix.observe(cookies, route, method, role)
                    transaction.set_rollback(True)
            observed[(route, method)] = outcomes
    print(matrix.render_table(observed), end="")
    print(
        f"{len(observed)} rows, {len(observed) * len(matrix.ROLES)} requests in "
        f"{time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
