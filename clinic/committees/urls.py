"""The committee pages' URLs, included in the clinic app's namespace."""

from __future__ import annotations

from django.urls import path

from clinic.committees import views

committee_patterns = [
    path("committees/", views.committees, name="committees"),
    path("committees/add/", views.add_committee, name="add_committee"),
    path("committees/<int:committee_pk>/", views.committee, name="committee"),
    path("committees/<int:committee_pk>/members/add/", views.add_member, name="add_member"),
    path("committees/members/<int:pk>/edit/", views.edit_member, name="edit_member"),
    path("committees/members/<int:pk>/training/", views.add_training, name="add_training"),
    path("committees/<int:committee_pk>/numbers/", views.number_register, name="number_register"),
    path("committees/<int:committee_pk>/seals/", views.seal_uses, name="seal_uses"),
    path("committees/<int:committee_pk>/seals/add/", views.add_seal_use, name="add_seal_use"),
]
