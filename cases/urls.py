"""The cases app's URLs (namespace ``cases``): the case itself here, each workflow's pages from
its own ``urls`` module. The paths are as they always were."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from cases.views import (
    assign_case,
    case_detail,
    case_list,
    edit_case,
    fire_transition,
    reassign_person,
    recuse_mediator,
    remove_professional,
    step_aside,
)

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", case_list, name="case_list"),
    path("<int:pk>/", case_detail, name="case_detail"),
    path("<int:pk>/edit/", edit_case, name="edit_case"),
    path("<int:pk>/assign/", assign_case, name="assign_case"),
    path(
        "<int:pk>/assign/<int:user_pk>/remove/",
        remove_professional,
        name="remove_professional",
    ),
    path("<int:pk>/recuse/", recuse_mediator, name="recuse_mediator"),
    path("<int:pk>/step-aside/", step_aside, name="step_aside"),
    path("<int:pk>/step/<str:name>/", fire_transition, name="fire_transition"),
    path("people/<int:user_pk>/reassign/", reassign_person, name="reassign_person"),
    path("", include("cases.intake.urls")),
    path("", include("cases.mediation.urls")),
    path("", include("cases.follow_ups.urls")),
    path("", include("cases.consultations.urls")),
    path("", include("cases.visits.urls")),
    path("", include("cases.sweeps.urls")),
    path("", include("cases.documents.urls")),
    path("", include("cases.statistics.urls")),
    path("", include("cases.subsidies.urls")),
    path("", include("cases.answers.urls")),
    path("", include("cases.subtypes.urls")),
]
