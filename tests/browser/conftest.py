"""Headless Chromium (Debian's) driven by Playwright, against the live site."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def taskforce_login(live_site):
    """A Task Force member with a password on the live site (created through the shell)."""
    password = "Taskforce-wachtwoord-2017!"
    live_site.run(
        "shell",
        "-c",
        "from samen.accounts.models import Gebruiker\n"
        "u, _ = Gebruiker.objects.get_or_create(\n"
        "    username='taskforce', defaults={'rol': 'taskforce'})\n"
        f"u.set_password('{password}'); u.save()",
    )
    return "taskforce", password


def login(page, base, username, password):
    page.context.clear_cookies()  # sign out whoever was signed in
    page.goto(base + "/inloggen")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [v for v in result.response["violations"] if v.get("impact") in ("serious", "critical")]
