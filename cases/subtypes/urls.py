"""The dispute subtype pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.subtypes.views import (
    deactivate_dispute_subtype,
    dispute_subtypes,
    edit_dispute_subtype,
)

urlpatterns: list[URLPattern] = [
    path("dispute-subtypes/", dispute_subtypes, name="dispute_subtypes"),
    path("dispute-subtypes/<int:pk>/", edit_dispute_subtype, name="edit_dispute_subtype"),
    path(
        "dispute-subtypes/<int:pk>/deactivate/",
        deactivate_dispute_subtype,
        name="deactivate_dispute_subtype",
    ),
]
