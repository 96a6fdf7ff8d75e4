"""Uploaded files: a safe base name to store and offer for download."""

from __future__ import annotations

import re
from pathlib import PurePosixPath


def clean_filename(name: str) -> str:
    """The base name without directories or odd characters; ``document.pdf`` if nothing is
    left."""
    base = PurePosixPath(str(name or "").replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", base).strip(" ._")
    base = re.sub(r"_+", "_", base)
    if not base:
        base = "document.pdf"
    if not base.lower().endswith(".pdf"):
        base += ".pdf"
    return base[-200:]
