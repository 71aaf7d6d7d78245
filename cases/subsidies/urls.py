"""以案定补's URLs, included by ``cases.urls`` into the ``cases`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from cases.subsidies.views import (
    approve_subsidy_statement,
    file_reviews,
    review_file,
    subsidy_rules,
    subsidy_statement,
    subsidy_statement_pdf,
    subsidy_statement_xlsx,
    subsidy_statements,
)

STATEMENT = "subsidies/statements/<int:street_pk>/<int:mediator_pk>/<str:month>/"

urlpatterns: list[URLPattern] = [
    path("subsidies/rules/", subsidy_rules, name="subsidy_rules"),
    path("subsidies/reviews/", file_reviews, name="file_reviews"),
    path("subsidies/reviews/<int:pk>/", review_file, name="review_file"),
    path("subsidies/statements/", subsidy_statements, name="subsidy_statements"),
    path(STATEMENT, subsidy_statement, name="subsidy_statement"),
    path(f"{STATEMENT}statement.pdf", subsidy_statement_pdf, name="subsidy_statement_pdf"),
    path(f"{STATEMENT}statement.xlsx", subsidy_statement_xlsx, name="subsidy_statement_xlsx"),
    path(f"{STATEMENT}approve/", approve_subsidy_statement, name="approve_subsidy_statement"),
]
