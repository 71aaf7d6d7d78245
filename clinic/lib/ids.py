"""Resident identity numbers (GB 11643-1999): 17 digits and a check character."""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalise_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """True for an 18-character resident ID with a real birth date and the right check
    character."""
    number = normalise_id_number(value)
    if not _SHAPE.match(number):
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return check_character(number[:17]) == number[17]


def is_minor(value: str, on: date) -> bool:
    """Whether a valid resident ID number's holder is under 18 on ``on`` (False for anything
    else: another document, or no number)."""
    number = normalise_id_number(value)
    if not is_valid_resident_id(number):
        return False
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return (on.year - born.year) - ((on.month, on.day) < (born.month, born.day)) < 18


def with_check_character(first17: str) -> str:
    """Complete 17 digits into a valid ID number (for demo data and tests)."""
    return first17 + check_character(first17)
