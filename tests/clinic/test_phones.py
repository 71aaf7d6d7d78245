from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from clinic.lib import limits
from clinic.lib.phones import normalise_phone, phone_validator

KEPT_AS = [
    # mobiles, however they are typed
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("0086 13812345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),  # full-width, from a Chinese input method
    ("19912345678", "19912345678"),
    # landlines with their area code, and an extension
    ("0871-65123456", "0871-65123456"),
    ("087165123456", "0871-65123456"),
    ("(0871)65123456", "0871-65123456"),
    ("（0871）65123456", "0871-65123456"),
    ("0871 6512 3456", "0871-65123456"),
    ("0871-6512-3456", "0871-65123456"),
    ("0871-6512345", "0871-6512345"),
    ("010-65123456", "010-65123456"),
    ("02162345678", "021-62345678"),
    ("+86 871 6512 3456", "0871-65123456"),
    ("0871-65123456转123", "0871-65123456转123"),
    ("0871-65123456-123", "0871-65123456转123"),
    ("0871-65123456 ext. 8", "0871-65123456转8"),
    ("0871-65123456转123456", "0871-65123456转123456"),
    # abroad
    ("+44 20 7946 0958", "+442079460958"),
    ("+1 (212) 555-0100", "+12125550100"),
    ("+852 2123 4567", "+85221234567"),
    ("0044 20 7946 0958", "+442079460958"),
]

REFUSED = [
    "12812345678",  # no mobile starts 12
    "1381234567",  # 10 digits
    "138123456789",  # 12 digits
    "13812345678转1",  # a mobile has no extension
    "65123456",  # no area code: nobody could call it back from another city
    "0871-6512",  # too short
    "0871-05123456",  # no local number starts with 0
    "0871-65123456转",  # an extension of nothing
    "0871-65123456转1234567",  # extensions have at most 6 digits
    "110",
    "12348",
    "+",
    "+86 12345",
    "+0 1234567",
    "-5",
    "abc",
    "=HYPERLINK(1)",
]


@pytest.mark.parametrize(("typed", "kept"), KEPT_AS)
def test_a_real_number_is_accepted_and_kept_in_one_form(typed: str, kept: str) -> None:
    assert normalise_phone(typed) == kept
    phone_validator(typed)
    phone_validator(kept)


@pytest.mark.parametrize("typed", REFUSED)
def test_what_is_not_a_number_one_could_call_is_refused(typed: str) -> None:
    assert normalise_phone(typed) is None
    with pytest.raises(ValidationError) as refused:
        phone_validator(typed)
    assert refused.value.code == "invalid"


def test_every_kept_number_fits_the_column() -> None:
    assert max(len(kept) for _typed, kept in KEPT_AS) <= limits.PHONE
