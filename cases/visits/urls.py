"""The visits pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.visits.views import (
    cancel_visit,
    my_visits,
    request_visit,
    schedule_visit,
    visit_board,
    visit_detail,
    visit_outcome,
    visit_photo,
)

urlpatterns: list[URLPattern] = [
    path("visits/", visit_board, name="visit_board"),
    path("visits/new/", request_visit, name="request_visit"),
    path("visits/mine/", my_visits, name="my_visits"),
    path("visits/<int:pk>/", visit_detail, name="visit_detail"),
    path("visits/<int:pk>/schedule/", schedule_visit, name="schedule_visit"),
    path("visits/<int:pk>/cancel/", cancel_visit, name="cancel_visit"),
    path("visits/<int:pk>/outcome/", visit_outcome, name="visit_outcome"),
    path("visits/photos/<int:pk>/", visit_photo, name="visit_photo"),
]
