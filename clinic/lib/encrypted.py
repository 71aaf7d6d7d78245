"""Encrypted model fields and keyed lookup hashes for personal data at rest.

``EncryptedCharField`` stores Fernet tokens (AES-128-CBC with HMAC-SHA256, from the
``cryptography`` package). Keys come from ``settings.FIELD_ENCRYPTION_KEYS``: the first
encrypts, all decrypt, so keys can be rotated. Exact lookups use ``lookup_hash()``, an
HMAC-SHA256 of the normalised value under ``settings.LOOKUP_HASH_KEY``, stored beside the field.

We wrote this small field ourselves: the one maintained package for it derives its keys from
``SECRET_KEY`` and marks values as decrypted on the shared field object, which is not
thread-safe.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError("no configured key decrypts this value") from error


def lookup_hash(value: str) -> str:
    """A keyed hash for exact matching of a normalised value ("" for no value)."""
    if not value:
        return ""
    key = settings.LOOKUP_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A short text stored encrypted. Not searchable: add a lookup-hash field for that."""

    def __init__(self, *args: Any, max_plain_length: int = 50, **kwargs: Any) -> None:
        self.max_plain_length = max_plain_length
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_plain_length"] = self.max_plain_length
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if not value:
            return ""
        return encrypt(str(value))

    #: Serialised values (backups, fixtures) carry the ciphertext under this prefix, never
    #: the plain value; loading them decrypts and stores them encrypted again.
    SERIALISED_PREFIX = "fernet:"

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return f"{self.SERIALISED_PREFIX}{encrypt(value)}" if value else ""

    def to_python(self, value: Any) -> str:
        if isinstance(value, str) and value.startswith(self.SERIALISED_PREFIX):
            return decrypt(value.removeprefix(self.SERIALISED_PREFIX))
        return super().to_python(value)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field:
        """A plain text box as long as the plain value may be (the stored token is longer),
        labelled with the field's verbose name like any other field."""
        field = models.Field.formfield(
            self,
            form_class=form_class or forms.CharField,
            choices_form_class=choices_form_class,
            **{"max_length": self.max_plain_length, **kwargs},
        )
        return cast(forms.Field, field)  # None only for a field that opts out of forms
