"""``clinic.middleware``: what a person sees when their change collides with another."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from clinic.middleware import DatabaseBusyMiddleware
from tests.conftest import person


def _collided(cause: Exception) -> OperationalError:
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.SerializationFailure("could not serialize access"),
        psycopg.errors.LockNotAvailable("could not obtain lock"),
        Exception("database is locked"),
    ],
    ids=["deadlock", "serialization", "lock", "sqlite-busy"],
)
def test_a_change_rolled_back_by_a_collision_asks_to_send_it_again(
    demo: None, cause: Exception
) -> None:
    request = RequestFactory().post("/cases/1/transition/settle/")
    request.user = person("mediator")
    error = _collided(cause) if isinstance(cause, psycopg.Error) else OperationalError(cause)
    response = DatabaseBusyMiddleware(lambda r: HttpResponse()).process_exception(request, error)
    assert response is not None
    assert response.status_code == 409
    page = response.content.decode()
    assert "未保存，请重新提交" in page and "没有保存" in page


def test_other_database_errors_are_left_to_the_error_page(demo: None) -> None:
    request = RequestFactory().get("/")
    request.user = person("mediator")
    error = _collided(psycopg.errors.UndefinedTable("relation does not exist"))
    middleware = DatabaseBusyMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(request, error) is None
