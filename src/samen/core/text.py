"""Text that reaches a document (PDF, XML, letters, exports): refuse what XML 1.0 forbids.

XML 1.0 allows tab, line feed, carriage return and the characters from U+0020 on, except the
surrogates (U+D800-U+DFFF) and U+FFFE/U+FFFF. A control character such as ``\\x01`` or ``\\x1b``
in a name makes an e-invoice "not well-formed (invalid token)" and shows as a box or nothing in
a PDF, so it is refused where the text is entered, with a Dutch message naming the field.

Pure module (no Django). Two functions:

- ``xml_safe_problems(value, field, label)``: the problems of one text (an empty list: fine);
- ``check_xml_text(value, *, field, label, problems)``: append them to a service's list and
  return the value when it is acceptable (else None), like ``core.dates.check_date``.

``None`` and the empty string pass: whether a text is required is the caller's decision.
"""

from __future__ import annotations

import re

from samen.core.errors import Problem

__all__ = ["check_xml_text", "forbidden_characters", "xml_safe_problems"]

#: Every character XML 1.0 forbids (section 2.2, production [2] Char).
_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def forbidden_characters(value: str | None) -> list[str]:
    """The distinct characters of ``value`` that XML 1.0 forbids, in order of appearance."""
    seen: list[str] = []
    for char in _FORBIDDEN.findall(value or ""):
        if char not in seen:
            seen.append(char)
    return seen


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def xml_safe_problems(value: str | None, field: str, label: str) -> list[Problem]:
    """One Problem for ``field`` when ``value`` holds characters XML 1.0 forbids, else none."""
    found = forbidden_characters(value)
    if not found:
        return []
    tekens = ", ".join(_describe(c) for c in found)
    return [
        Problem(
            field,
            f"{label} bevat een teken dat niet in een document kan staan ({tekens}, een "
            "stuurteken); verwijder het",
            code="invalid",
        )
    ]


def check_xml_text(
    value: str | None, *, field: str, label: str, problems: list[Problem]
) -> str | None:
    """Append the problems of ``value`` to ``problems``; return the value when it is
    acceptable, else None."""
    found = xml_safe_problems(value, field, label)
    problems.extend(found)
    return None if found else value
