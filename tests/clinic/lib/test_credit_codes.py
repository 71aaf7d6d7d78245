"""统一社会信用代码: the check character of GB 32100-2015."""

from __future__ import annotations

import pytest

from clinic.lib.credit_codes import check_character, is_valid_credit_code, normalise_credit_code


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # examples published with python-stdnum's check
        "91110000600037341L",
        "91530103MA6K3Q8T2E",
    ],
)
def test_published_codes_pass(code: str) -> None:
    assert is_valid_credit_code(code)


def test_every_other_check_character_fails() -> None:
    code = "91530103MA6K3Q8T2E"
    others = [c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != code[-1]]
    assert not any(is_valid_credit_code(code[:-1] + c) for c in others)


def test_a_check_of_zero_is_the_digit_zero() -> None:
    # 31 - (sum mod 31) is 31 when the sum is a multiple of 31: the check is then "0"
    first = next(
        f"9153010300000{n:04d}"
        for n in range(10000)
        if check_character(f"9153010300000{n:04d}") == "0"
    )
    assert is_valid_credit_code(first + "0")


@pytest.mark.parametrize(
    "code",
    ["", "9153010300000000", "91530103MA6K3Q8T2EE", "91530103MA6K3Q8TIE", "91530103MA6K3Q8TOE"],
)
def test_wrong_lengths_and_letters_outside_the_alphabet_fail(code: str) -> None:
    assert not is_valid_credit_code(code)


def test_full_width_lower_case_spaces_and_hyphens_are_folded() -> None:
    assert normalise_credit_code("ｇ１ 5301-03ma6k3q8t2e") == "G15301-03MA6K3Q8T2E".replace("-", "")
    assert is_valid_credit_code("９１５３０１０３ma6k 3q8t-2e")
