"""The follow ups pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.follow_ups.views import record_follow_up, reveal_follow_up, schedule_follow_up

urlpatterns: list[URLPattern] = [
    path("follow-ups/<int:pk>/", record_follow_up, name="record_follow_up"),
    path("follow-ups/<int:pk>/reveal/", reveal_follow_up, name="reveal_follow_up"),
    path("follow-ups/<int:pk>/plan/", schedule_follow_up, name="schedule_follow_up"),
]
