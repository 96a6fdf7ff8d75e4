#!/usr/bin/env python
"""Quality gate for the committed OpenAPI document (run by `make openapi-check`).

1. Regenerates the document from the code and fails when the committed
   src/samen/api/openapi.yaml differs (run `make openapi` to update it).
2. Lints the committed document with the NL API Design Rules 2.2 Spectral ruleset
   (../shared/specs/adr/linter.yaml) and fails on any error.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "src" / "samen" / "api" / "openapi.yaml"
RULESET_CANDIDATES = [
    ROOT.parent / "shared" / "specs" / "adr" / "linter.yaml",
    ROOT / "specs" / "adr" / "linter.yaml",
]
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
SAMEN = Path(sys.executable).parent / "samen"


def regenerate() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "openapi.yaml"
        env = dict(os.environ, SAMEN_VAR_DIR=tmp)
        env.pop("DATABASE_URL", None)
        result = subprocess.run(
            [str(SAMEN), "spectacular", "--validate", "--fail-on-warn", "--file", str(out)],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            print(result.stdout + result.stderr)
            sys.exit("openapi-check: generating the OpenAPI document failed")
        return out.read_text(encoding="utf-8")


def main() -> int:
    fresh = regenerate()
    committed = COMMITTED.read_text(encoding="utf-8")
    if fresh != committed:
        diff = difflib.unified_diff(
            committed.splitlines(), fresh.splitlines(), "committed", "generated", lineterm=""
        )
        print("\n".join(list(diff)[:200]))
        print(
            "openapi-check: src/samen/api/openapi.yaml is stale; run `make openapi` and commit it"
        )
        return 1
    print("openapi-check: the committed OpenAPI document matches the code")
    ruleset = next((p for p in RULESET_CANDIDATES if p.is_file()), None)
    if ruleset is None:
        print("openapi-check: the NL API Design Rules ruleset was not found")
        return 1
    if not SPECTRAL.exists():
        print("openapi-check: spectral is not installed (npm ci)")
        return 1
    result = subprocess.run(
        [
            str(SPECTRAL),
            "lint",
            "--ruleset",
            str(ruleset),
            "--fail-severity",
            "error",
            str(COMMITTED),
        ],
        capture_output=True,
        text=True,
    )
    print(result.stdout.strip() or result.stderr.strip())
    if result.returncode != 0:
        print("openapi-check: the document breaks the NL API Design Rules (errors above)")
        return 1
    print("openapi-check: 0 errors against the NL API Design Rules 2.2 ruleset")
    return 0


if __name__ == "__main__":
    sys.exit(main())
