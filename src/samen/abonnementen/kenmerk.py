"""The payment reference (betalingskenmerk) of an invoice: 16 digits, a check digit followed by
15 digits, as Dutch banks validate it (weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 repeating from the
right, modulus 11). Pure module; derived from the invoice number, so it is never stored apart."""

from __future__ import annotations

WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)


def check_digit(digits: str) -> int:
    total = sum(int(d) * WEIGHTS[i % 10] for i, d in enumerate(reversed(digits)))
    check = 11 - total % 11
    return {10: 1, 11: 0}.get(check, check)


def betalingskenmerk(jaar: int, volgnummer: int) -> str:
    """'2018-000042' -> a 16-digit reference: check digit + year (4) + number (11)."""
    if not (0 <= jaar <= 9999 and 0 <= volgnummer < 10**11):
        raise ValueError("invoice number out of range")
    body = f"{jaar:04d}{volgnummer:011d}"
    return f"{check_digit(body)}{body}"


def is_valid(kenmerk: str) -> bool:
    text = kenmerk.replace(" ", "")
    if len(text) != 16 or not text.isdigit():
        return False
    return check_digit(text[1:]) == int(text[0])


def parse(kenmerk: str) -> tuple[int, int] | None:
    """The (year, number) a valid reference stands for, else None."""
    text = kenmerk.replace(" ", "")
    if not is_valid(text):
        return None
    return int(text[1:5]), int(text[5:])
