"""Names as the duplicate and conflict checks compare them.

A resident's name is typed by different people on different keyboards: ``张 三``, ``张三``,
``ＺＨＡＮＧ　ＳＡＮ`` (full-width), ``阿依古丽·买买提`` or ``阿依古丽・买买提`` (the middle dot of
minority and foreign names in its several code points). The key folds these together: NFKC
(full-width to half-width, compatibility forms), no white space, no middle dots, lower case.
"""

from __future__ import annotations

import re
import unicodedata

# U+00B7 middle dot, U+2022 bullet, U+2027 hyphenation point, U+30FB katakana middle dot,
# U+FF65 half-width katakana middle dot, U+2219 bullet operator, U+22C5 dot operator, U+002E.
_DROPPED = re.compile(r"[\s\u00b7\u2022\u2027\u30fb\uff65\u2219\u22c5.]+")


def name_key(name: str) -> str:
    """The comparable form of a person's name ("" for no name)."""
    return _DROPPED.sub("", unicodedata.normalize("NFKC", name or "")).casefold()
