"""The entry points of one group, read as :mod:`importlib.metadata` reads them, without importing it.

Importing ``importlib.metadata`` costs about 10 ms (it imports ``email``, ``zipfile`` and ``csv``
for metadata that finding the rule packs never reads): a sixteenth of linting one small template.
Installed distributions are directories on ``sys.path`` with an ``entry_points.txt``; this reads
those the way importlib.metadata 3.11 does (same search order, the first distribution of a name
wins, same line syntax, except that a line without ``=``, which makes importlib.metadata fail the
whole lookup, is skipped). Where an installation is one it would read differently (a zip or egg on
``sys.path``, another finder that provides distributions), it asks importlib.metadata itself.
``tests/test_entry_points.py`` holds the two to the same answers.
"""

from __future__ import annotations

import os
import sys

_SUFFIXES = (".dist-info", ".egg-info")


def entry_point_values(group: str) -> list[str]:
    """The ``value`` of every entry point in ``group``, in importlib.metadata's order."""
    found = _read(group)
    if found is None:
        from importlib.metadata import entry_points

        return [ep.value for ep in entry_points(group=group)]
    return found


def _read(group: str) -> list[str] | None:
    """The values, or None where importlib.metadata must answer."""
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return None
    seen: set[str] = set()
    out: list[str] = []
    for entry in sys.path:
        root = entry or "."
        try:
            children = os.listdir(root)
        except OSError:
            if os.path.exists(root):  # a zip, or a directory it cannot list either: let it decide
                return None
            continue
        if os.path.basename(root).lower().endswith(".egg"):
            return None
        for name, stems in _by_name(children).items():
            for stem in stems:
                if name in seen:
                    continue
                seen.add(name)
                values = _values(os.path.join(root, stem), group)
                if values is None:
                    return None
                out.extend(values)
    return out


def _by_name(children: list[str]) -> dict[str, list[str]]:
    """Metadata directories by normalized distribution name, in listing order (importlib's ``Lookup``)."""
    infos: dict[str, list[str]] = {}
    for child in children:
        low = child.lower()
        if low.endswith(_SUFFIXES):
            infos.setdefault(_normalize(low.rpartition(".")[0].partition("-")[0]), []).append(child)
    return infos


def _normalize(name: str) -> str:
    """PEP 503 normalization with underscores, as importlib.metadata's ``Prepared.normalize``
    (``re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")``): each run of ``-_.`` is one ``_``."""
    out: list[str] = []
    for char in name.lower():
        if char not in "-_.":
            out.append(char)
        elif not out or out[-1] != "_":
            out.append("_")
    return "".join(out)


def _values(info: str, group: str) -> list[str] | None:
    """The values of ``group`` in one distribution's ``entry_points.txt`` (none when it has no
    such file); None when importlib.metadata would name the distribution differently."""
    stem = os.path.basename(info)
    if not stem.endswith(_SUFFIXES):  # an upper-case suffix: importlib.metadata names it from its METADATA
        return None
    try:
        with open(os.path.join(info, "entry_points.txt"), encoding="utf-8") as file:
            text = file.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return []
    except (OSError, UnicodeDecodeError):
        return None
    out: list[str] = []
    section = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section is None:
            continue
        if section == group and "=" in line:
            out.append(line.split("=", 1)[1].strip())
    return out
