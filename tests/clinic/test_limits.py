from __future__ import annotations

from django.apps import apps
from django.db import models

from clinic.lib.encrypted import EncryptedCharField

#: Texts the system writes, from inputs that have their own limits: a timeline line, a
#: notification, a job's error, a note merged from a second home-visit request.
WRITTEN_BY_THE_SYSTEM = {
    "cases.CaseEvent.note",
    "clinic.Notification.body",
    "cases.DocumentJob.error",
    "cases.ExportJob.error",
    "cases.VisitNote.text",
}


def test_every_text_a_person_types_has_a_limit() -> None:
    unlimited = []
    for label in ("clinic", "scheduling", "cases"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                name = f"{label}.{model.__name__}.{getattr(field, 'name', '')}"
                if isinstance(field, EncryptedCharField):
                    limited = field.max_plain_length is not None
                elif isinstance(field, models.TextField):
                    limited = field.max_length is not None
                else:
                    continue
                if not limited and name not in WRITTEN_BY_THE_SYSTEM:
                    unlimited.append(name)
    assert unlimited == []
