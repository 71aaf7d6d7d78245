"""Password rules: the length rule in our own words, and the stricter rule of the MLPS
profile (``PASSWORD_PROFILE=mlps``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassesValidator:
    """Letters, digits and symbols, each at least once (等保二级 password complexity)."""

    def validate(self, password: str, user: Any = None) -> None:
        has_letter = any(c.isalpha() for c in password)
        has_digit = any(c.isdigit() for c in password)
        has_symbol = any(not c.isalnum() and not c.isspace() for c in password)
        if not (has_letter and has_digit and has_symbol):
            raise ValidationError(
                _("The password must contain letters, digits and symbols (such as # or !)."),
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _("Your password must contain letters, digits and symbols (such as # or !).")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in our catalogue (Django's own Chinese
    catalogue lacks the wording Django 5.2 uses)."""

    def get_error_message(self) -> str:
        return ngettext(
            "The password is too short: use at least %(n)d character.",
            "The password is too short: use at least %(n)d characters.",
            self.min_length,
        ) % {"n": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(n)d character.", "Use at least %(n)d characters.", self.min_length
        ) % {"n": self.min_length}
