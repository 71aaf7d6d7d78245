"""The register-a-dispute form as a mediator fills it in."""

from __future__ import annotations

from clinic.models import Community
from tests.cases.factories import resident_id


def register_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "community": Community.objects.get(name="金江路社区").pk,
        "source": "walk_in",
        "dispute_type": "neighbour",
        "summary": "楼上装修噪音扰民，多次协商未果",
        "persons_involved": 2,
        "applicant-side": "applicant",
        "applicant-name": "周大妈",
        "applicant-id_type": "resident_id",
        "applicant-id_number": resident_id(birth="19550302"),
        "applicant-phone": "13888123456",
        "applicant-consented": "on",
        "applicant-notice_method": "written",
        "respondent-side": "respondent",
        "respondent-name": "吴先生",
        "respondent-phone": "13999123456",
        "respondent-consented": "on",
        "respondent-notice_method": "oral",
    }
    data.update(overrides)
    return data
