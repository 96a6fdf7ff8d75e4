"""Duplicate-code check of `make check`: jscpd over the Python code in src/ (migrations excluded).

Prints the number of duplicate pairs (clones: two places with the same run of at least
--min-lines lines and 50 tokens) and each pair, and fails when the number rises above the
ceiling (`make check` passes DUPLICATES_MAX from the Makefile). Lower the ceiling when you remove
duplicates, never raise it to make a new copy pass: share the code instead.

    python scripts/duplicates.py --max 8 [--min-lines 6] [paths...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JSCPD = ROOT / "node_modules" / ".bin" / "jscpd"


def clones(paths: list[str], min_lines: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                str(JSCPD),
                "--format",
                "python",
                "--min-lines",
                str(min_lines),
                "--min-tokens",
                "50",
                "--ignore",
                "**/migrations/**",
                "--reporters",
                "json",
                "--output",
                out,
                "--silent",
                *paths,
            ],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        return json.loads((Path(out) / "jscpd-report.json").read_text())["duplicates"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["src"])
    parser.add_argument("--max", type=int, required=True, help="ceiling: the figure of today")
    parser.add_argument("--min-lines", type=int, default=6)
    args = parser.parse_args()
    if not JSCPD.exists():
        print(f"{JSCPD} is missing: run `npm ci` (make does it)", file=sys.stderr)
        return 2
    found = clones(args.paths, args.min_lines)
    for clone in found:
        first, second = clone["firstFile"], clone["secondFile"]
        print(
            f"  {first['name']}:{first['start']}-{first['end']}"
            f"  =  {second['name']}:{second['start']}-{second['end']}"
            f"  ({clone['lines']} lines)"
        )
    print(f"duplicate-code: {len(found)} pairs (ceiling {args.max})")
    if len(found) > args.max:
        print(
            f"duplicate-code: {len(found) - args.max} new pair(s) above the ceiling: "
            "share the code instead of copying it",
            file=sys.stderr,
        )
        return 1
    if len(found) < args.max:
        print(f"duplicate-code: below the ceiling: lower DUPLICATES_MAX to {len(found)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
