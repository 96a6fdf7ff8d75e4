#!/usr/bin/env python
"""Quality gate for the committed OpenAPI document (run by `make openapi-check`).

1. Regenerates the document from the code with drf-spectacular and fails when the committed
   src/samen/api/openapi.yaml differs (run `make openapi` to update it), showing the diff.
2. Lints the committed document with the NL API Design Rules 2.2 Spectral ruleset
   (../shared/specs/adr/linter.yaml, next to this repository) and fails on any error; warnings
   are printed but do not fail.

Both checks always run; the exit status is non-zero when either fails.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "src" / "samen" / "api" / "openapi.yaml"
RULESET = Path("specs") / "adr" / "linter.yaml"
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
SAMEN = Path(sys.executable).parent / "samen"
MAX_DIFF_LINES = 300
SEVERITIES = {0: "error", 1: "warning", 2: "info", 3: "hint"}


def find_ruleset() -> Path | None:
    """The shared folder is the sibling `../shared` of the repository; SAMEN_SHARED_DIR
    overrides it. Parents further up are tried too (a worktree nested one level deeper)."""
    candidates = []
    if os.environ.get("SAMEN_SHARED_DIR"):
        candidates.append(Path(os.environ["SAMEN_SHARED_DIR"]) / RULESET)
    candidates += [parent / "shared" / RULESET for parent in ROOT.parents]
    return next((path for path in candidates if path.is_file()), None)


def regenerate() -> str | None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "openapi.yaml"
        env = dict(os.environ, SAMEN_VAR_DIR=tmp)
        env.pop("DATABASE_URL", None)
        result = subprocess.run(
            [str(SAMEN), "spectacular", "--validate", "--fail-on-warn", "--file", str(out)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 or not out.is_file():
            print((result.stdout + result.stderr).strip())
            return None
        return out.read_text(encoding="utf-8")


def check_stale() -> bool:
    fresh = regenerate()
    if fresh is None:
        print("openapi-check: FAIL generating the OpenAPI document from the code failed (above)")
        return False
    committed = COMMITTED.read_text(encoding="utf-8")
    if fresh == committed:
        print("openapi-check: ok   the committed OpenAPI document matches the code")
        return True
    diff = list(
        difflib.unified_diff(
            committed.splitlines(),
            fresh.splitlines(),
            "src/samen/api/openapi.yaml (committed)",
            "src/samen/api/openapi.yaml (generated from the code)",
            lineterm="",
        )
    )
    print("\n".join(diff[:MAX_DIFF_LINES]))
    if len(diff) > MAX_DIFF_LINES:
        print(f"... {len(diff) - MAX_DIFF_LINES} more diff lines")
    print(
        "openapi-check: FAIL src/samen/api/openapi.yaml is stale: it differs from the code "
        "(diff above). Run `make openapi` and commit the result."
    )
    return False


def lint() -> bool:
    ruleset = find_ruleset()
    if ruleset is None:
        print(f"openapi-check: FAIL the ruleset ../shared/{RULESET} was not found")
        return False
    if not SPECTRAL.exists():
        print("openapi-check: FAIL node_modules/.bin/spectral is missing; run `npm ci`")
        return False
    result = subprocess.run(
        [
            str(SPECTRAL),
            "lint",
            "--ruleset",
            str(ruleset),
            "--format",
            "json",
            "--quiet",
            str(COMMITTED),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    try:
        findings = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        findings = None
    if findings is None or result.returncode not in (0, 1):
        print((result.stdout + result.stderr).strip())
        print(f"openapi-check: FAIL spectral did not run (exit status {result.returncode})")
        return False
    counts = dict.fromkeys(SEVERITIES.values(), 0)
    for finding in sorted(findings, key=lambda f: (f["severity"], f["range"]["start"]["line"])):
        severity = SEVERITIES.get(finding["severity"], "error")
        counts[severity] += 1
        line = finding["range"]["start"]["line"] + 1
        where = ".".join(str(part) for part in finding.get("path", []))
        print(f"  {line:>5}  {severity:<7}  {finding['code']}  {finding['message']}  {where}")
    summary = ", ".join(f"{n} {name}(s)" for name, n in counts.items())
    if counts["error"]:
        print(f"openapi-check: FAIL NL API Design Rules 2.2 ({ruleset}): {summary}")
        return False
    print(f"openapi-check: ok   NL API Design Rules 2.2 ({ruleset}): {summary}")
    return True


def main() -> int:
    fresh = check_stale()
    linted = lint()
    return 0 if fresh and linted else 1


if __name__ == "__main__":
    sys.exit(main())
