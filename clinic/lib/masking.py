"""Masks for personal data shown to people who do not need it in full."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """``530103199001011234`` → ``530103********1234``; other documents keep their last 4."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) == 18:
        return f"{value[:6]}{'*' * 8}{value[-4:]}"
    if len(value) <= 4:
        return "*" * len(value)
    return f"{'*' * (len(value) - 4)}{value[-4:]}"


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; landlines keep the area code and the last 4."""
    digits = (value or "").strip()
    if not digits:
        return ""
    if len(digits) <= 7:
        return f"{digits[:1]}{'*' * (len(digits) - 1)}"
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
