from __future__ import annotations

import importlib
import inspect
from decimal import Decimal
from typing import Any, cast

import pytest
from django import forms
from django.urls import reverse

from clinic.lib.inputs import AmountField, NameInput, PhoneField, TextBox
from tests.conftest import client_for

FORM_MODULES = [
    "cases.forms",
    "cases.intake.forms",
    "cases.mediation.forms",
    "cases.consultations.forms",
    "cases.follow_ups.forms",
    "cases.visits.forms",
    "cases.documents.forms",
    "cases.statistics.forms",
    "clinic.forms",
    "scheduling.forms",
]


def _form_classes() -> list[Any]:
    """Every form class the apps declare (each has ``base_fields``)."""
    found = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == name:
                found.append(value)
    return found


def test_a_phone_input_asks_for_the_phone_keypad_and_is_never_filled_with_ones_own() -> None:
    html = PhoneField().widget.render("phone", "")
    assert 'type="tel"' in html
    assert 'inputmode="tel"' in html
    assert 'autocomplete="off"' in html
    own = PhoneField(own=True).widget.render("phone", "")
    assert 'type="tel"' in own and 'autocomplete="tel"' in own


def test_a_phone_is_kept_in_its_one_form_and_a_wrong_one_is_refused() -> None:
    field = PhoneField(required=False)
    assert field.clean(" 138 1234-5678 ") == "13812345678"
    assert field.clean("(0871)65123456 转 12") == "0871-65123456转12"
    assert field.clean("") == ""
    with pytest.raises(forms.ValidationError):
        field.clean("65123456")


def test_every_phone_in_every_form_is_the_one_phone_field() -> None:
    phones = [
        (form.__name__, name, field)
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if "phone" in name
    ]
    assert len(phones) >= 5  # party, advice, person (two), visit request, visit outcome
    assert [(form, name) for form, name, field in phones if not isinstance(field, PhoneField)] == []


def test_every_text_box_in_every_form_has_a_limit() -> None:
    unlimited = [
        (form.__name__, name)
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if type(field) is forms.CharField and field.max_length is None
        if not isinstance(field.widget, forms.HiddenInput | forms.PasswordInput)
    ]
    assert unlimited == []


def test_every_text_box_counts_a_line_break_as_the_browser_does() -> None:
    boxes = [
        (form.__name__, name, field.widget)
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field.widget, forms.Textarea)
    ]
    assert len(boxes) >= 20
    assert [(form, name) for form, name, widget in boxes if not isinstance(widget, TextBox)] == []
    sent = {"note": "第一行\r\n第二行"}
    assert TextBox().value_from_datadict(sent, {}, "note") == "第一行\n第二行"


def test_an_amount_of_zero_is_refused_and_none_is_fine() -> None:
    field = AmountField()
    assert field.clean("") is None
    assert field.clean("2600.5") == Decimal("2600.5")
    for wrong in ("0", "-1", "0.001"):
        with pytest.raises(forms.ValidationError):
            field.clean(wrong)
    html = cast(forms.Widget, field.widget).render("amount", "")
    assert 'inputmode="decimal"' in html


def test_a_name_someone_else_has_is_not_filled_in_and_ones_own_may_be() -> None:
    assert 'autocomplete="off"' in NameInput().render("name", "")
    assert 'autocomplete="name"' in NameInput(own=True).render("name", "")


def test_the_home_visit_request_asks_for_the_residents_phone_on_the_phone_keypad(
    demo: None,
) -> None:
    page = client_for("gridworker").get(reverse("cases:request_visit")).content.decode()
    phone = next(tag for tag in page.split("<input") if 'name="resident_phone"' in tag)
    assert 'type="tel"' in phone and 'inputmode="tel"' in phone and "autocomplete=" in phone
    name = next(tag for tag in page.split("<input") if 'name="resident_name"' in tag)
    assert 'maxlength="50"' in name
