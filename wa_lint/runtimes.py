"""Lambda runtime lifecycle dates, read from the table cfn-lint ships.

AWS moves deprecation dates, so they are not written here: cfn-lint (a dependency) keeps them
current in ``cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json``. The file is located with
``importlib.util.find_spec`` and read once per process, lazily: importing ``cfnlint`` itself costs
about 1.5 s. "Today" comes from :func:`today`, a module-level function tests replace so that
findings about dates do not change as the calendar moves.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LIFECYCLE_FILE = ("data", "AdditionalSpecs", "LmbdRuntimeLifecycle.json")
#: How far ahead a coming deprecation is worth a warning.
WARN_DAYS = 90


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """One runtime's dates: end of patches (``deprecated``), then no new functions
    (``create_block``), then no updates (``update_block``); ``successor`` is AWS's suggestion."""

    runtime: str
    deprecated: dt.date | None
    create_block: dt.date | None
    update_block: dt.date | None
    successor: str | None


def today() -> dt.date:
    """The date deprecation is judged on (tests monkeypatch this)."""
    return dt.date.today()


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def data_file() -> Path | None:
    """Where the installed cfn-lint keeps the lifecycle table, without importing cfn-lint."""
    try:
        spec = importlib.util.find_spec("cfnlint")
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not locations:
        return None
    path = Path(locations[0]).joinpath(*LIFECYCLE_FILE)
    return path if path.is_file() else None


@cache
def table() -> dict[str, Lifecycle]:
    """Every runtime the installed cfn-lint knows, by identifier; empty when the file is missing
    or unreadable (WA504 then stays silent rather than guess)."""
    path = data_file()
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    result: dict[str, Lifecycle] = {}
    for name, entry in raw.items():
        if not isinstance(name, str) or not isinstance(entry, dict):
            continue
        successor = entry.get("successor")
        result[name] = Lifecycle(
            runtime=name,
            deprecated=_date(entry.get("deprecated")),
            create_block=_date(entry.get("create-block")),
            update_block=_date(entry.get("update-block")),
            successor=successor if isinstance(successor, str) and successor else None,
        )
    return result


def lifecycle(runtime: str) -> Lifecycle | None:
    """The lifecycle of ``runtime`` (e.g. ``python3.9``), or None when cfn-lint does not list it."""
    return table().get(runtime)


def status(runtime: str, on: dt.date | None = None) -> tuple[str, Lifecycle] | None:
    """``("deprecated" | "soon" | "supported", lifecycle)`` on ``on`` (default :func:`today`);
    None for runtimes without a known deprecation date. "soon" means within :data:`WARN_DAYS`."""
    info = lifecycle(runtime)
    if info is None or info.deprecated is None:
        return None
    day = on if on is not None else today()
    if day >= info.deprecated:
        return "deprecated", info
    if (info.deprecated - day).days <= WARN_DAYS:
        return "soon", info
    return "supported", info
