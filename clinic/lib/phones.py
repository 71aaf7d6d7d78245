"""Phone numbers: what is accepted, and the one form each is kept in.

- a mobile: ``1[3-9]`` and 9 more digits, kept as the 11 digits (``138 1234-5678``,
  ``+86 138 1234 5678`` → ``13812345678``);
- a landline with its area code, and an extension when there is one, kept as
  ``0871-65123456`` or ``0871-65123456转123`` (``087165123456``, ``(0871)65123456``,
  ``0871 6512 3456-123``, ``0871-65123456 ext. 123``);
- a foreign number: ``+`` or ``00``, the country code and the number, kept as ``+`` and its
  digits (``+44 20 7946 0958`` → ``+442079460958``).

Full-width digits and brackets typed with a Chinese input method count as their ASCII
selves. A number without its area code, or a short service number, is refused: nobody could
call it back from another city.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"(?:\+86|0086)?(1[3-9]\d{9})")
#: Area codes: 010 and 02x have three digits, all others four; local numbers 7 or 8 digits,
#: never starting with 0 or 1.
LANDLINE = re.compile(
    r"(?P<area>010|02\d|0[3-9]\d\d)-?(?P<local>[2-9]\d{2,3}-?\d{4})"
    r"(?:(?:转|分机|-|ext\.?|x|#)(?P<extension>\d{1,6}))?",
    re.IGNORECASE,
)
#: E.164: a country code that does not start with 0, at most 15 digits in all.
FOREIGN = re.compile(r"\+([1-9]\d{6,14})")
SEPARATORS = re.compile(r"[\s\-.()]")


def normalise_phone(value: str) -> str | None:
    """The number in the form it is kept in, or None when ``value`` is not a phone number."""
    text = unicodedata.normalize("NFKC", value or "")
    text = re.sub(r"\s+", "", text)
    if not text:
        return None
    digits = SEPARATORS.sub("", text)
    if mobile := MOBILE.fullmatch(digits):
        return mobile.group(1)
    # brackets around the area code read as a separator; +86 or 0086 stands for the leading 0
    bracketed = re.sub(r"-+", "-", re.sub(r"[()]", "-", text)).strip("-")
    domestic = re.sub(r"^(?:\+86|0086)-?0?", "0", bracketed)
    if landline := LANDLINE.fullmatch(domestic):
        number = f"{landline['area']}-{landline['local'].replace('-', '')}"
        return f"{number}转{landline['extension']}" if landline["extension"] else number
    if digits.startswith("00"):
        digits = f"+{digits[2:]}"
    if (foreign := FOREIGN.fullmatch(digits)) and not digits.startswith("+86"):
        return f"+{foreign.group(1)}"
    return None


@deconstructible
class PhoneValidator:
    """Refuses what ``normalise_phone`` cannot read as a phone number."""

    message = _(
        "Enter a mobile number (11 digits), a landline with its area code (0871-65123456, "
        "an extension after 转), or + and the country code for a number abroad."
    )
    code = "invalid"

    def __call__(self, value: Any) -> None:
        if normalise_phone(str(value)) is None:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PhoneValidator)

    def __hash__(self) -> int:
        return hash(PhoneValidator)


phone_validator = PhoneValidator()
