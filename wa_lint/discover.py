"""Which paths are templates: files named on the command line, and what a directory walk finds.

Discovery only looks at names (and, for walked files, a cheap peek at the text): parsing happens
once, in the pipeline, which skips walked files that turn out not to be templates and reports
explicitly named ones as errors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TEMPLATE_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".template"})
SKIP_DIRS = frozenset(
    {".git", "node_modules", ".aws-sam", ".venv", "venv", ".tox", ".nox", "__pycache__",
     ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hg", ".svn", "site-packages"}
)
#: JSON files a CDK or SAM project is full of that are never templates.
NOT_TEMPLATES = frozenset(
    {"package.json", "package-lock.json", "tsconfig.json", "cdk.json", "cdk.context.json",
     "manifest.json", "tree.json", "samconfig.toml", "event.json", ".eslintrc.json"}
)
PEEK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Source:
    """Something to lint. ``kind`` is "template" (one file) or "cdk" (a cloud assembly dir);
    ``explicit`` when the user named it; ``root`` bounds where nested templates may come from."""

    path: Path
    display: str
    kind: str
    explicit: bool
    root: Path


def display_path(path: Path, cwd: Path | None = None) -> str:
    """How outputs name a file: as the user wrote it when relative (``../stacks/a.yaml``),
    relative to the working directory when an absolute path lies below it, else absolute."""
    if not path.is_absolute():
        return Path(os.path.normpath(path)).as_posix()
    base = (cwd or Path.cwd()).absolute()
    try:
        return Path(os.path.normpath(path)).relative_to(base).as_posix()
    except ValueError:
        return Path(os.path.normpath(path)).as_posix()


def is_cdk_dir(path: Path) -> bool:
    """A cloud assembly: ``cdk.out`` marker or a manifest next to ``*.template.json`` files."""
    manifest = path / "manifest.json"
    if not manifest.is_file():
        return False
    return (path / "cdk.out").is_file() or path.name == "cdk.out" or any(path.glob("*.template.json"))


def looks_like_template(path: Path) -> bool:
    """Cheap pre-filter for walked files (and files pre-commit names): a template mentions
    ``Resources``; only the loader can say for sure."""
    if path.name in NOT_TEMPLATES:
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(PEEK_BYTES)
    except OSError:
        return True  # let the loader report it
    return b"Resources" in head or path.stat().st_size > PEEK_BYTES


def _walk(root: Path, cwd: Path) -> list[Source]:
    found: list[Source] = []
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(dirpath)
        try:
            st = here.stat()
        except OSError:
            dirnames[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:  # symlink loop
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        if (here / "pyvenv.cfg").is_file():  # any virtual environment, whatever its name
            dirnames[:] = []
            continue
        if is_cdk_dir(here):
            found.append(Source(here, display_path(here, cwd), "cdk", False, root))
            dirnames[:] = []  # its templates belong to the assembly
            continue
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("asset."))
        for name in sorted(filenames):
            path = here / name
            if path.suffix.lower() in TEMPLATE_SUFFIXES and looks_like_template(path):
                found.append(Source(path, display_path(path, cwd), "template", False, root))
    return found


def discover(paths: list[str], cwd: Path | None = None) -> tuple[list[Source], list[str]]:
    """Sources to lint, in a stable order, and errors for paths that do not exist."""
    base = cwd or Path.cwd()
    sources: list[Source] = []
    errors: list[str] = []
    for raw in paths or ["."]:
        path = Path(raw)
        if path.is_dir():
            if is_cdk_dir(path):
                sources.append(Source(path, display_path(path, base), "cdk", True, path))
            else:
                sources.extend(_walk(path, base))
        elif path.is_file():
            if path.name == "manifest.json" and is_cdk_dir(path.parent):
                sources.append(Source(path.parent, display_path(path.parent, base), "cdk", True, path.parent))
            else:
                sources.append(Source(path, display_path(path, base), "template", True, path.parent))
        else:
            errors.append(f"{raw}: no such file or directory")
    unique = list({(s.path.resolve(), s.kind): s for s in sources}.values())
    return unique, errors
