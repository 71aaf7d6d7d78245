"""The 排查 pages' URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.sweeps.views import (
    add_finding,
    edit_finding,
    edit_sweep,
    link_finding,
    record_sweep,
    sweep_detail,
    sweep_ledger,
)

urlpatterns: list[URLPattern] = [
    path("sweeps/", sweep_ledger, name="sweep_ledger"),
    path("sweeps/new/", record_sweep, name="record_sweep"),
    path("sweeps/<int:pk>/", sweep_detail, name="sweep_detail"),
    path("sweeps/<int:pk>/edit/", edit_sweep, name="edit_sweep"),
    path("sweeps/<int:pk>/findings/", add_finding, name="add_finding"),
    path("sweeps/findings/<int:pk>/", edit_finding, name="edit_finding"),
    path("sweeps/findings/<int:pk>/link/", link_finding, name="link_finding"),
]
