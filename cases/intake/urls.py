"""The intake pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.intake.views import (
    add_party,
    edit_party,
    find_resident,
    log_advice,
    party_authority,
    party_consent,
    party_refusal,
    register_dispute,
    reveal_party,
)

urlpatterns: list[URLPattern] = [
    path("new/", register_dispute, name="register_dispute"),
    path("advice/", log_advice, name="log_advice"),
    path("<int:pk>/parties/add/", add_party, name="add_party"),
    path("parties/<int:pk>/", edit_party, name="edit_party"),
    path("parties/<int:pk>/consent/", party_consent, name="party_consent"),
    path("parties/<int:pk>/refusal/", party_refusal, name="party_refusal"),
    path("parties/<int:pk>/reveal/", reveal_party, name="reveal_party"),
    path("parties/<int:pk>/authority/", party_authority, name="party_authority"),
    path("residents/", find_resident, name="find_resident"),
]
