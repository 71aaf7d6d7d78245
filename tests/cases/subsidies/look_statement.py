"""Not a test: writes a demo statement's PDF and workbook to LOOK_DIR to look at
(``LOOK_DIR=… pytest tests/cases/subsidies/look_statement.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from cases.choices import Outcome
from cases.models import FileVerdict
from cases.subsidies.exports import statement_pdf, statement_xlsx
from cases.subsidies.statement import statement
from clinic.models import Street
from tests.cases.factories import user
from tests.cases.subsidies.factories import concluded, review, rule


@pytest.mark.django_db
def test_look(demo: None) -> None:
    month = timezone.localdate().replace(day=1)
    rule(month=month, cap="300")
    plan = [
        (Outcome.SETTLED_WRITTEN, "ordinary", FileVerdict.PASSED),
        (Outcome.SETTLED_ORAL, "complex", FileVerdict.PASSED),
        (Outcome.FAILED, "major", FileVerdict.PASSED),
        (Outcome.SETTLED_WRITTEN, "simple", FileVerdict.FAILED),
        (Outcome.SETTLED_WRITTEN, "major", ""),
        (Outcome.WITHDRAWN, "", FileVerdict.PASSED),
    ]
    for outcome, grade, verdict in plan:
        case = concluded(outcome, grade=grade)
        if verdict:
            review(case, verdict)
    found = statement(Street.objects.get(name="联盟街道"), user("mediator"), month)
    out = Path(os.environ.get("LOOK_DIR", "."))
    (out / "statement.pdf").write_bytes(statement_pdf(found))
    (out / "statement.xlsx").write_bytes(statement_xlsx(found))
