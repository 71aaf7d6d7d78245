"""The consultations pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.consultations.views import consultation

urlpatterns: list[URLPattern] = [
    path("consultations/<int:pk>/", consultation, name="consultation"),
]
