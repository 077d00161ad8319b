"""Shared test helpers: the repository root, a normalised environment, and the shared corpus."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

#: Variables that change how terminals, colour and text look; tests run as if none were set,
#: and a test whose subject is one of them sets it itself.
DISPLAY_VARIABLES = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLORTERM", "COLUMNS", "LINES",
                     "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "PRE_COMMIT_COLOR",
                     "LANGUAGE", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC", "LC_TIME", "LC_COLLATE")
#: What a plain UTF-8 terminal session looks like; subprocesses inherit it.
DISPLAY_DEFAULTS = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output must not depend on the caller's TERM, NO_COLOR, FORCE_COLOR, COLUMNS or locale."""
    for name in DISPLAY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in DISPLAY_DEFAULTS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in expected findings are relative to the repository root, as a user would run it."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes a result cache into the repository; tests of the cache turn it on in a tmp dir."""
    monkeypatch.setenv("WA_LINT_NO_CACHE", "1")
    monkeypatch.delenv("WA_LINT_CACHE_DIR", raising=False)


@pytest.fixture(autouse=True)
def _own_cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache's sealing key (``wa_lint.cache_seal``) is kept in the session's own cache home,
    never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache-home"))


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runtime deprecation (WA504) is judged against a fixed date, so fixtures do not rot."""
    monkeypatch.setattr("wa_lint.runtimes.today", lambda: datetime.date(2026, 11, 29))


def update_snapshots() -> bool:
    return os.environ.get("WA_LINT_UPDATE_SNAPSHOTS") == "1"


def in_ci() -> bool:
    """CI sets ``CI``; there every environment a test needs must be present."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str) -> NoReturn:
    """A test's environment is absent: skip saying why, or fail under CI, where it must be there."""
    if in_ci():
        pytest.fail(f"{what} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(what)


def require_corpus(*parts: str) -> Path:
    """The shared corpus (``../shared/corpus``), or a part of it. Every corpus test goes through here:
    a missing corpus skips on a developer's machine and fails under CI."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        missing(f"shared corpus not present: {os.path.relpath(path, ROOT)} (relative to the repository)")
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``regen`` tests rebuild shipped data from sources fetched outside pytest (``make check-data``);
    they run only when selected with ``-m regen``."""
    if "regen" in (config.option.markexpr or ""):
        return
    kept = [item for item in items if item.get_closest_marker("regen") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("regen")])
        items[:] = kept
