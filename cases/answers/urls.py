"""The common answers pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.answers.views import common_answers, edit_common_answer, retire_common_answer

urlpatterns: list[URLPattern] = [
    path("advice/answers/", common_answers, name="common_answers"),
    path("advice/answers/<int:pk>/", edit_common_answer, name="edit_common_answer"),
    path("advice/answers/<int:pk>/retire/", retire_common_answer, name="retire_common_answer"),
]
