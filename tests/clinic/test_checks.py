"""Deployment checks of the project's own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from clinic.checks import check_audit_key, check_compiled_catalogues


def _catalogue(root: Path, language: str) -> Path:
    folder = root / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    return po


def test_a_missing_or_stale_compiled_catalogue_fails_the_deploy_check(tmp_path: Path) -> None:
    po = _catalogue(tmp_path, "zh_Hans")
    with override_settings(LOCALE_PATHS=[tmp_path]):
        errors = check_compiled_catalogues(None)
        assert [e.id for e in errors] == ["clinic.E001"]
        assert "zh_Hans/LC_MESSAGES/django.po" in errors[0].msg
        mo = po.with_suffix(".mo")
        mo.write_bytes(b"")
        os.utime(mo, (po.stat().st_mtime - 60, po.stat().st_mtime - 60))
        assert [e.id for e in check_compiled_catalogues(None)] == ["clinic.E001"]
        os.utime(mo, (po.stat().st_mtime + 60, po.stat().st_mtime + 60))
        assert check_compiled_catalogues(None) == []


def test_it_runs_with_the_deploy_checks_only(tmp_path: Path) -> None:
    """``check --deploy`` (the README's production recipe and ``make lint``) fails on it; the
    development server's ``check`` does not."""
    _catalogue(tmp_path, "en")
    with override_settings(LOCALE_PATHS=[tmp_path]):
        assert "clinic.E001" in {e.id for e in run_checks(include_deployment_checks=True)}
        assert "clinic.E001" not in {e.id for e in run_checks()}


def test_a_deployment_without_its_audit_key_is_warned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_AUDIT_KEY", raising=False)
    assert [w.id for w in check_audit_key(None)] == ["clinic.W002"]
    monkeypatch.setenv("CLINIC_AUDIT_KEY", "an-audit-key-" + "q4" * 20)
    assert check_audit_key(None) == []
