"""Shared fixtures: fast hashing, in-process Celery, and the 盘龙区 demo world."""

from __future__ import annotations

import importlib
import io
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.backends.sqlite3 import base as _sqlite3  # noqa: F401 (its operations import it)
from django.db.backends.sqlite3.operations import DatabaseOperations as SQLiteOperations
from django.test import Client
from pytest_django.fixtures import Settings

from clinic.celery import app as celery_app
from clinic.lib.triggers import REVOKE_PERMITS, grant_permit
from clinic.models import User

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
#: The checks CI runs once, not in both database passes: browser journeys and form fuzzing.
ONCE_PER_RUN = re.compile(r"^tests/(e2e/|test_fuzz_forms\.py|test_form_routes\.py)")

pytest_plugins = ("celery.contrib.pytest",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` need PostgreSQL's concurrency; CI runs the suite on both
    databases, so on SQLite they are reported as skipped, and on PostgreSQL they run."""
    on_postgres = connection.vendor == "postgresql"
    with_broker = bool(os.environ.get("CELERY_BROKER_URL"))
    no_postgres = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL; CI does)")
    no_broker = pytest.mark.skip(reason="needs a broker (CELERY_BROKER_URL; CI's second run)")
    # CI runs the browser journeys and the form fuzzing in its first pass only (.ci/run sets
    # CI_SECOND_PASS for the second): they test pages, not the database under them.
    second_pass = os.environ.get("CI_SECOND_PASS") == "1"
    ran_already = pytest.mark.skip(reason="browser and fuzzing checks ran in CI's first pass")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(no_postgres)
        if "broker" in item.keywords and not (with_broker and on_postgres):
            item.add_marker(no_broker)
        if second_pass and ONCE_PER_RUN.search(item.nodeid):
            item.add_marker(ran_already)


@pytest.fixture(autouse=True, scope="session")
def _celery_in_process() -> Iterator[None]:
    """Tasks run eagerly in tests even when CELERY_BROKER_URL is set; the tests that start a
    real worker switch this off themselves."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True, scope="session")
def _flush_empties_the_append_only_tables() -> Iterator[None]:
    """Transactional tests and the browser journeys end with Django's flush, which on SQLite is
    ``DELETE FROM`` every table: the audit log and the case timeline refuse that
    (``clinic.lib.triggers.append_only_triggers``). In the tests the flush deletes under a
    ``flush`` permit, granted and revoked in its own transaction; anywhere else it stays
    refused. (PostgreSQL's flush is TRUNCATE, which row triggers do not see.)"""
    flush = SQLiteOperations.sql_flush

    def flush_under_permit(self: SQLiteOperations, *args: Any, **kwargs: Any) -> list[str]:
        statements = flush(self, *args, **kwargs)
        return [grant_permit("flush"), *statements, REVOKE_PERMITS] if statements else []

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SQLiteOperations, "sql_flush", flush_under_permit)
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db: None) -> None:
    """The demo district of ``seed_demo``: streets, communities, clinics, one user per role
    (without the apps' demo cases: tests make their own)."""
    call_command("seed_demo", "--base-only", stdout=io.StringIO())
    # reference rows a migration loads: a transactional test's flush before this one took them
    from cases.models import DisputeSubtype  # noqa: PLC0415

    if not DisputeSubtype.objects.exists():
        starter = importlib.import_module("cases.migrations.0031_parties_subtypes")
        starter.load_starter_subtypes(django_apps, None)


def person(username: str) -> User:
    return User.objects.get(username=username)


def client_for(username: str) -> Client:
    """A client signed in as a demo user (``force_login``: django-axes needs a request)."""
    client = Client()
    client.force_login(person(username))
    return client
