from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client

from clinic.celery import app as celery_app


@pytest.mark.django_db
def test_health_is_ok_without_a_sign_in() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] in {"ok", "in-process"}


@pytest.mark.django_db
def test_an_unreachable_broker_makes_health_503(monkeypatch: pytest.MonkeyPatch) -> None:
    # Celery lets the environment variable win over its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:9/0")
    try:
        response = Client().get("/healthz")
    finally:
        celery_app.conf.update(task_always_eager=saved[0], broker_url=saved[1])
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "broker": "down",
        "queued_tasks": 0,
    }


@pytest.mark.django_db
def test_a_database_that_does_not_answer_makes_health_503() -> None:
    with mock.patch("clinic.views.connection.cursor", side_effect=OperationalError("gone")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
