"""The row triggers (the access stamps, the unread count, the append-only audit log and case
timeline) survive every migration: migrations install frozen SQL, the frozen SQL is what the
live helpers write, every later migration that changes a table they live on (or write to) drops
and makes them again, and after ``migrate`` the database holds every one of them, on SQLite and
on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, models
from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader

from clinic.lib.schema_triggers import schema_triggers
from clinic.migrations import _frozen_triggers as frozen
from clinic.models import Notification, User

PROJECT_APPS = {"clinic", "cases", "scheduling"}
# Operations that do not rebuild a table on SQLite.
HARMLESS = (ops.AddIndex, ops.RemoveIndex, ops.AlterModelOptions, ops.AlterModelManagers)


def _installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def _trigger_names(entries: list[tuple[str, str, str]]) -> set[str]:
    names = set()
    for _table, create, _drop in entries:
        for line in create.splitlines():
            words = line.split()
            if words[:2] == ["CREATE", "TRIGGER"]:
                names.add(words[5] if words[2:5] == ["IF", "NOT", "EXISTS"] else words[2])
    return names


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_the_frozen_trigger_sql_is_what_the_live_helpers_write(vendor: str) -> None:
    """Changing ``clinic.lib.stamps`` or the unread count's SQL needs a new frozen set and a
    migration that installs it: until then this fails."""
    assert frozen.LATEST[vendor] == schema_triggers(vendor)


@pytest.mark.django_db
def test_after_migrate_the_database_holds_every_trigger() -> None:
    expected = _trigger_names(frozen.LATEST[connection.vendor])
    assert len(expected) == (9 if connection.vendor == "postgresql" else 17)
    assert expected <= _installed_triggers()


def _model_table(app_label: str, operation: ops.base.Operation, state) -> str | None:
    name = getattr(operation, "model_name", None) or getattr(operation, "name", None)
    if not isinstance(name, str):
        return None
    model = state.models.get((app_label, name.lower()))
    if model is None:
        return None
    return model.options.get("db_table") or f"{app_label}_{model.name_lower}"


def _rebuilds(app_label: str, operation: ops.base.Operation, state) -> bool:
    """Whether ``operation`` may rebuild its table on SQLite: an ``AlterField`` that changes
    only what the database does not hold (choices, a verbose name…) does not."""
    if isinstance(operation, (*HARMLESS, ops.RunSQL, ops.RunPython)):
        return False
    if isinstance(operation, ops.AlterField):
        fields = state.models[(app_label, operation.model_name_lower)].fields
        old, new = fields[operation.name].clone(), operation.field.clone()  # type: ignore[attr-defined]
        for field in (old, new):
            field.set_attributes_from_name(operation.name)
        editor: Any = connection.schema_editor()
        return editor._field_should_be_altered(old, new)
    return True


def _tables(frozen_set: dict[str, list[tuple[str, str, str]]]) -> set[str]:
    return {table for entries in frozen_set.values() for table, _c, _d in entries}


def test_every_migration_after_the_triggers_that_changes_their_tables_remakes_them() -> None:
    """Walk the migrations in the order ``migrate`` runs them on an empty database: once a
    table has triggers (made by a ``CreateTriggers`` that ran after the table was; or, for
    ``clinic_user``, once any trigger writes to it), an operation on it that can rebuild it
    sits between a ``DropTriggers`` and a ``CreateTriggers``."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    seen: set[tuple[str, str]] = set()
    plan = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        for node in loader.graph.forwards_plan(leaf):
            if node not in seen:
                seen.add(node)
                plan.append(node)
    with_triggers: set[str] = set()
    unguarded = []
    for node in plan:
        if node[0] not in PROJECT_APPS:
            continue
        migration = loader.graph.nodes[node]
        state = loader.project_state(node, at_end=False)
        dropped = False
        for operation in migration.operations:
            if isinstance(operation, frozen.DropTriggers):
                dropped = True
            elif isinstance(operation, frozen.CreateTriggers):
                # made only on the tables that exist by then (a later app's are made later)
                existing = {
                    model.options.get("db_table") or f"{app}_{model.name_lower}"
                    for (app, _name), model in state.models.items()
                }
                with_triggers |= (_tables(operation.frozen) & existing) | {"clinic_user"}
                dropped = False
            elif (
                _model_table(node[0], operation, state) in with_triggers
                and not dropped
                and _rebuilds(node[0], operation, state)
            ):
                unguarded.append(f"{node[0]}.{node[1]}: {operation.describe()}")
            operation.state_forwards(node[0], state)
        if dropped:
            unguarded.append(f"{node[0]}.{node[1]}: triggers dropped and not made again")
    assert with_triggers == frozen.TABLES
    assert not unguarded


@pytest.mark.django_db(transaction=True)
def test_a_table_rebuilt_by_a_schema_change_gets_its_triggers_back_from_frozen_sql() -> None:
    """What ``rebuilding(...)`` is for: a schema change that rebuilds ``clinic_notification``
    (on SQLite it drops its triggers) between the drop and the create, and the unread count
    still moves."""
    operations = frozen.rebuilding()
    field: models.CharField[str, str] = models.CharField(max_length=5, default="x")
    field.set_attributes_from_name("probe")
    with connection.schema_editor() as editor:
        operations[0].code(None, editor)
        editor.add_field(Notification, field)
        editor.remove_field(Notification, field)
        operations[-1].code(None, editor)
    assert _trigger_names(frozen.LATEST[connection.vendor]) <= _installed_triggers()
    person = User.objects.create(username="probe")
    Notification.objects.create(user=person, title="t", key="probe")
    person.refresh_from_db()
    assert person.unread_notifications == 1
