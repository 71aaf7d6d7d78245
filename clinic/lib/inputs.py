"""The form inputs every app shares, so that a phone, a name or an amount is typed the same way
on every page: the right keyboard on a phone (``inputmode``), the browser's autofill only where
the value is the person's own (``autocomplete``), and one way of checking it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.lib import limits
from clinic.lib.phones import normalise_phone, phone_validator

#: How much longer than the kept number a typed one may be: spaces, brackets, "ext." and a
#: leading +86 are dropped when it is kept.
PHONE_TYPING_ROOM = 10


class PhoneInput(forms.TextInput):
    """``type=tel`` with the phone keypad. ``own`` is for the person's own number: the browser
    may fill it in; a resident's or a party's number is typed, never filled with one's own."""

    input_type = "tel"

    def __init__(self, attrs: dict[str, Any] | None = None, *, own: bool = False) -> None:
        autocomplete = "tel" if own else "off"
        super().__init__({"inputmode": "tel", "autocomplete": autocomplete, **(attrs or {})})


class PhoneField(forms.CharField):
    """A phone number (``clinic.lib.phones``), cleaned to the one form it is kept in."""

    def __init__(self, *, own: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", limits.PHONE)
        kwargs.setdefault("widget", PhoneInput(own=own))
        super().__init__(**kwargs)
        self.validators.append(phone_validator)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return (normalise_phone(text) or text) if text else text

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if self.max_length is not None:
            attrs["maxlength"] = str(self.max_length + PHONE_TYPING_ROOM)
        return attrs


class TextBox(forms.Textarea):
    """A text box whose line breaks count as one character each, as the browser counts them
    for ``maxlength``: a form sends each as CR LF, two characters, and a text the browser let
    through up to its limit would be refused as too long."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class MonthInput(forms.TextInput):
    """A year and a month (``YYYY-MM``, the browser's month picker). A month input takes no
    ``maxlength`` (the HTML standard forbids it there); the field's own limit still holds."""

    input_type = "month"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("maxlength", None)
        return context


class NameInput(forms.TextInput):
    """A person's name; ``own`` lets the browser fill in the person's own."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, own: bool = False) -> None:
        super().__init__({"autocomplete": "name" if own else "off", **(attrs or {})})


class WholeNumberInput(forms.NumberInput):
    """A count: the digit keypad."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "numeric", **(attrs or {})})


class DecimalInput(forms.NumberInput):
    """A number with a decimal point (hours, yuan): the keypad with the point."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", **(attrs or {})})


AMOUNT_TOO_SMALL = _("An amount, when given, is more than 0.")


class AmountField(forms.DecimalField):
    """An amount of money in yuan, when given more than 0 (``limits.AMOUNT_MIN``)."""

    widget = DecimalInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", limits.AMOUNT_MIN)
        kwargs.setdefault("max_digits", limits.AMOUNT_DIGITS)
        kwargs.setdefault("decimal_places", limits.AMOUNT_PLACES)
        kwargs.setdefault("error_messages", {"min_value": AMOUNT_TOO_SMALL})
        super().__init__(**kwargs)
