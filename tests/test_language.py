"""Every word in the user's language: the words and labels the pages show in Chinese."""

from __future__ import annotations

from django.utils import translation

from cases.models import Party


def test_an_encrypted_field_keeps_its_label_on_forms() -> None:
    with translation.override("zh-hans"):
        assert Party._meta.get_field("id_number").formfield().label == "证件号码"
        assert Party._meta.get_field("phone").formfield().label == "电话"
