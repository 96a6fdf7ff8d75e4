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
    """Sign in through the real /inloggen form. Staff (who need a second factor) get a TOTP
    device with a key known to the test on the live site first, and the code is entered on the
    two-factor page, as a person with an authenticator app does."""
    import hashlib

    from django_otp.oath import totp

    key = hashlib.sha1(f"browser-test:{username}".encode()).hexdigest()
    if hasattr(base, "run"):
        base.run(
            "shell",
            "-c",
            "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
            "from samen.accounts.models import Gebruiker, vereist_tweestaps\n"
            f"u = Gebruiker.objects.get(username={username!r})\n"
            "if vereist_tweestaps(u):\n"
            "    d, _ = TOTPDevice.objects.get_or_create(user=u, name='browser-test',\n"
            f"        defaults={{'key': {key!r}, 'confirmed': True}})\n"
            "    # last_t=-1: the same code may sign in again within its 30 seconds\n"
            f"    TOTPDevice.objects.filter(pk=d.pk).update(key={key!r}, confirmed=True,\n"
            "        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None)\n",
        )
    page.context.clear_cookies()  # sign out whoever was signed in
    page.goto(base + "/inloggen")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    if "/inloggen/tweestaps" in page.url:
        page.fill("#id_code", f"{totp(bytes.fromhex(key)):06d}")
        page.click("form.form button[type=submit]")
        page.wait_for_load_state()


SERIOUS = ("serious", "critical")


# axe.run() answers through a promise its timers resolve. In a context with JavaScript off,
# page.evaluate still runs (over the DevTools protocol) but the page's timers never fire, so
# axe would wait forever. This probe needs a timer to fire and gives up after a few seconds.
_TIMERS_RUN = "() => new Promise(resolve => setTimeout(() => resolve(true), 0))"


def axe_all_violations(page) -> list[dict]:
    """Every axe violation on the page as it is now (all impacts). Refuses (AssertionError)
    instead of hanging when the page's context has JavaScript off: check the HTML such a page
    got in a page with JavaScript on instead (e.g. ``set_content`` on the same origin)."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(_TIMERS_RUN, timeout=5000)
    except PlaywrightTimeoutError:
        raise AssertionError(
            "axe needs JavaScript: run it in a context with java_script_enabled=True "
            f"(this page's context has JavaScript off: {page.url})"
        ) from None
    return Axe().run(page).response["violations"]


def axe_violations(page) -> list[dict]:
    """The serious and critical axe violations on the page."""
    return [v for v in axe_all_violations(page) if v.get("impact") in SERIOUS]


def describe_violations(violations: list[dict]) -> str:
    """One readable block per violation: impact, rule, what it means and where (CSS selectors)."""
    lines = []
    for v in violations:
        lines.append(f"[{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '')[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)
