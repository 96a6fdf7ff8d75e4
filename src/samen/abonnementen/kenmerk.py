"""The payment reference (betalingskenmerk) of an invoice: 16 digits, a check digit followed by
15 digits, as Dutch banks validate it (weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 repeating from the
right, modulus 11). Pure module; derived from the invoice number, so it is never stored apart.

The 15 digits are the year (4), the number series (2: ``00`` for the administration office's,
01-99 for another seller's, derived from the series' name) and the number (9). Each series
numbers from 1 every year, so without the series code ``2027-000042`` and ``TOLK-2027-000042``
would share a reference. The office's references are the same as before the code existed
(year + the number in 11 digits)."""

from __future__ import annotations

import zlib

WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)


def check_digit(digits: str) -> int:
    total = sum(int(d) * WEIGHTS[i % 10] for i, d in enumerate(reversed(digits)))
    check = 11 - total % 11
    return {10: 1, 11: 0}.get(check, check)


def series_code(reeks: str) -> int:
    """0 for the office's series (""), else 1-99 from the series' name (stable, CRC-32). Two
    series with the same code are refused before either numbers an invoice
    (``abonnementen.services.billing._take_numbers``)."""
    if not reeks:
        return 0
    return zlib.crc32(reeks.encode("utf-8")) % 99 + 1


def betalingskenmerk(jaar: int, volgnummer: int, reeks: str = "") -> str:
    """'2018-000042' -> a 16-digit reference: check digit + year (4) + series (2) + number
    (9)."""
    if not (0 <= jaar <= 9999 and 0 <= volgnummer < 10**9):
        raise ValueError("invoice number out of range")
    body = f"{jaar:04d}{series_code(reeks):02d}{volgnummer:09d}"
    return f"{check_digit(body)}{body}"


def is_valid(kenmerk: str) -> bool:
    text = kenmerk.replace(" ", "")
    if len(text) != 16 or not text.isdigit():
        return False
    return check_digit(text[1:]) == int(text[0])


def parse(kenmerk: str) -> tuple[int, int, int] | None:
    """The (year, series code, number) a valid reference stands for, else None."""
    text = kenmerk.replace(" ", "")
    if not is_valid(text):
        return None
    return int(text[1:5]), int(text[5:7]), int(text[7:])
