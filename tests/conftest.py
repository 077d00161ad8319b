"""Shared test helpers: the repository root, and linting a path the way the CLI does."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in expected findings are relative to the repository root, as a user would run it."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runtime deprecation (WA504) is judged against a fixed date, so fixtures do not rot."""
    monkeypatch.setattr("wa_lint.runtimes.today", lambda: datetime.date(2026, 11, 29))


def update_snapshots() -> bool:
    return os.environ.get("WA_LINT_UPDATE_SNAPSHOTS") == "1"
