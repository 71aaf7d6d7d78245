"""统一社会信用代码: the unified social credit code of a legal person or another organisation
(GB 32100-2015).

Eighteen characters from digits and capital letters without I, O, S, V and Z; the last is a
check character over the first seventeen: each character's value (its place in
:data:`ALPHABET`) times the weight 3**i mod 31, summed, and the check is the character whose
value is (31 - sum mod 31) mod 31. python-stdnum's ``stdnum.cn.uscc`` does the same; the check
is kept here, a few lines, rather than a new dependency for one function.
"""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_SHAPE = re.compile(rf"[{ALPHABET}]{{18}}")


def normalise_credit_code(code: str) -> str:
    """The code as stored: full-width folded, spaces and hyphens dropped, upper case."""
    return re.sub(r"[\s-]+", "", unicodedata.normalize("NFKC", code or "")).upper()


def check_character(first17: str) -> str:
    """The check character for the first seventeen characters of a code."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """Eighteen characters of the code's alphabet whose last is the right check character
    (the code is normalised first)."""
    code = normalise_credit_code(code)
    return bool(_SHAPE.fullmatch(code)) and check_character(code[:17]) == code[17]
