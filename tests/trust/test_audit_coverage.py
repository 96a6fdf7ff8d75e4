"""Every service that changes state leaves a row in the audit trail.

The services are the only place where the domain changes (views, API, admin and commands call
them), so the test reads the source of every public function in ``src/samen/*/services.py`` and
asserts it calls ``samen.audit.services.record`` directly or through a function it calls (a
private helper of its module or a service of another app). Functions that only read are listed
in ``READ_ONLY`` below, each with the reason; that list is reviewed like code. A new public
service that neither records nor is listed makes the test fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "samen"

# Reads live in queries.py (issue 15): the list is empty and stays empty; a function here would
# need a reason why a read belongs in services.
READ_ONLY: dict[str, str] = {}

# Functions that change state only by starting something that records.
RECORDED_ELSEWHERE = {
    "abonnementen.start_billing_run": (
        "enqueues a background job (core.Taak) running billing_run, which records the run and "
        "every invoice; the job row itself is not in the trail"
    ),
    "inning.match_entries": (
        "the set-based matching step that statements.import_statement passes to its import; "
        "the import records the statement and every payment it books"
    ),
}


def _modules() -> dict[str, list[ast.Module]]:
    """Every app's services: a ``services.py`` module or the modules of a ``services/`` package
    (one namespace per app)."""
    found: dict[str, list[ast.Module]] = {}
    paths = sorted(PACKAGE.glob("*/services.py")) + sorted(PACKAGE.glob("*/services/*.py"))
    for path in paths:
        app = path.parent.name if path.name == "services.py" else path.parent.parent.name
        if app == "audit":
            continue
        found.setdefault(app, []).append(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def _aliases(app: str, tree: ast.Module):
    """Names bound to services modules (of other apps or of the app's own package), and names
    imported from them."""
    modules: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:  # inside a services package: from .billing import f / from . import x
            for alias in node.names:
                bound = alias.asname or alias.name
                if node.module:
                    names[bound] = (app, alias.name)
                else:
                    modules[bound] = app
            continue
        if not node.module:
            continue
        parts = node.module.split(".")
        for alias in node.names:
            bound = alias.asname or alias.name
            if parts[-1] != "services" and alias.name == "services" and len(parts) == 2:
                modules[bound] = parts[1]  # from samen.x import services [as y]
            elif parts[-1] == "services" and len(parts) == 3:
                names[bound] = (parts[1], alias.name)  # from samen.x.services import f
                modules.setdefault(bound, parts[1])  # ... or a module of its package
            elif len(parts) == 4 and parts[2] == "services":
                names[bound] = (parts[1], alias.name)  # from samen.x.services.y import f
    return modules, names


def _graph():
    """For every function of every services module: does it call record() itself, and which
    functions (app, name) it calls."""
    direct: dict[tuple[str, str], bool] = {}
    calls: dict[tuple[str, str], set[tuple[str, str]]] = {}
    public: list[tuple[str, str]] = []
    for app, trees in _modules().items():
        for tree in trees:
            modules, names = _aliases(app, tree)
            for node in tree.body:
                if not isinstance(node, ast.FunctionDef):
                    continue
                key = (app, node.name)
                if not node.name.startswith("_"):
                    public.append(key)
                direct[key] = direct.get(key, False)
                calls.setdefault(key, set())
                for call in ast.walk(node):
                    if not isinstance(call, ast.Call):
                        continue
                    func = call.func
                    if isinstance(func, ast.Name):
                        if func.id == "record" and names.get("record", ("audit",))[0] == "audit":
                            direct[key] = True
                        elif func.id in names:
                            calls[key].add(names[func.id])
                        else:
                            calls[key].add((app, func.id))
                    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                        target = modules.get(func.value.id)
                        if target == "audit" and func.attr == "record":
                            direct[key] = True
                        elif target:
                            calls[key].add((target, func.attr))
    return direct, calls, public


def _records(key, direct, calls, seen=None) -> bool:
    seen = seen if seen is not None else set()
    if key in seen or key not in direct:
        return False
    seen.add(key)
    return direct[key] or any(_records(c, direct, calls, seen) for c in calls[key])


def test_every_state_changing_service_records():
    direct, calls, public = _graph()
    assert len(public) > 50, "the services were not found"
    silent = [
        f"{app}.services.{name}"
        for app, name in public
        if f"{app}.{name}" not in READ_ONLY | RECORDED_ELSEWHERE.keys()
        and not _records((app, name), direct, calls)
    ]
    assert not silent, (
        "public services that change state without samen.audit.services.record (record the "
        "change, or list the function in READ_ONLY with the reason it only reads): "
        + ", ".join(silent)
    )


def test_the_read_only_list_is_current():
    """A listed function that no longer exists or now records is taken off the list."""
    direct, calls, public = _graph()
    names = {f"{app}.{name}" for app, name in public}
    stale = [name for name in READ_ONLY if name.split(".")[0] in _modules() and name not in names]
    assert not stale, f"READ_ONLY names functions that do not exist: {stale}"
    recording = [
        name
        for name in READ_ONLY
        if name in names and _records(tuple(name.split(".")), direct, calls)
    ]
    assert not recording, f"READ_ONLY functions that do record (remove them): {recording}"


def test_a_recording_service_leaves_a_row(make_voorziening):
    """The static check is backed by one real call: a change through a service is in the
    trail with the values after."""
    from samen.audit.models import Actie, AuditRegel

    v = make_voorziening(naam="Audit-voorziening")
    row = AuditRegel.objects.filter(object_type="portfolio.voorziening", actie=Actie.AANMAKEN)
    row = row.filter(object_omschrijving__contains=v.naam).first()
    assert row is not None and row.na


def test_every_admin_that_can_change_records(rf, django_user_model, db):
    """The admin is an adapter too: every registered model admin that lets a superuser add or
    change rows saves through RoleAdminMixin (save_model and save_formset record, with the
    values before), or is read-only; no admin deletes."""
    from django.contrib import admin

    from samen.core.admin import RoleAdminMixin

    superuser = django_user_model.objects.create_superuser("admin-audit", "a@example.org", "x")
    request = rf.get("/admin/")
    request.user = superuser
    unaudited, deleting = [], []
    for model, model_admin in admin.site._registry.items():
        name = model._meta.label_lower
        writes = model_admin.has_add_permission(request) or model_admin.has_change_permission(
            request
        )
        if writes and not isinstance(model_admin, RoleAdminMixin):
            unaudited.append(name)
        if model_admin.has_delete_permission(request):
            deleting.append(name)
    assert not unaudited, f"admins that change rows without the audit trail: {unaudited}"
    assert not deleting, f"admins that delete rows: {deleting}"
