"""Which paths are templates: files named on the command line, and what a directory walk finds.

Discovery looks at names and, for walked files, a cheap peek at the text for the signs of a
template (``AWSTemplateFormatVersion``, a SAM or language-extensions transform, or ``Resources``
with a ``Type: Vendor::Service…`` entry): Kubernetes manifests, Helm charts, Compose files,
OpenAPI documents and workflows are skipped without parsing them. Parsing happens once, in the
pipeline, which also skips walked files that turn out not to be templates.

A walk stays inside the directory it was given (symlinks are followed only when their target
does too) and only reads regular files, without blocking. CDK apps and Serverless Framework
services that were not built yet become sources that say what to run (:mod:`wa_lint.build_first`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from wa_lint import build_first
from wa_lint.model import printable_name
from wa_lint.realpaths import Resolver

TEMPLATE_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".template"})
SKIP_DIRS = frozenset(
    {".git", "node_modules", ".aws-sam", ".venv", "venv", ".tox", ".nox", "__pycache__",
     ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hg", ".svn", "site-packages"}
)
#: Files a CDK, SAM or Serverless Framework project is full of that are never templates.
NOT_TEMPLATES = frozenset(
    {"package.json", "package-lock.json", "tsconfig.json", "cdk.json", "cdk.context.json",
     "manifest.json", "tree.json", "samconfig.toml", "event.json", ".eslintrc.json",
     "serverless-state.json", *build_first.SERVERLESS_FILES}
)
PEEK_BYTES = 1 << 20
_OVERLAP = 256  # bytes kept between chunks so that a sign cut in two is still seen
_SCAN_LIMIT = 50 * 1024 * 1024  # = wa_lint.load.MAX_FILE_BYTES; past it only the head is peeked

_DECLARED = re.compile(rb"AWSTemplateFormatVersion|AWS::Serverless-2016-10-31|AWS::LanguageExtensions")
_TYPED = re.compile(rb"""\bType["']?[ \t]*:[ \t]*["']?[A-Za-z][A-Za-z0-9]*::[A-Za-z0-9]""")
_AWS_TYPED = re.compile(rb"""\bType["']?[ \t]*:[ \t]*["']?AWS::[A-Za-z0-9]""")
_CLEARLY = re.compile(rb"AWSTemplateFormatVersion|AWS::Serverless-2016-10-31")


@dataclass(frozen=True, slots=True)
class Source:
    """Something to lint. ``kind`` is "template" (one file), "cdk" (a cloud assembly dir), or
    "cdk-app" / "serverless-app" (a project that must be built first; ``problem`` says how);
    ``explicit`` when the user named it; ``root`` bounds where nested templates may come from."""

    path: Path
    display: str
    kind: str
    explicit: bool
    root: Path
    problem: str | None = None


@dataclass(slots=True)
class Discovery:
    """What discovery found: sources, errors for unusable paths, and (for ``--verbose``) the
    candidate files it skipped, each as ``(display, reason)``."""

    sources: list[Source] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """How outputs name a file: as the user wrote it when relative (``../stacks/a.yaml``),
    relative to the working directory when an absolute path lies below it, else absolute.

    A file name that is not UTF-8 (its bytes arrive as lone surrogates) is shown with those
    bytes escaped (``\\xff``), so every output format can encode it."""
    if not path.is_absolute():
        return printable_name(Path(os.path.normpath(path)).as_posix())
    base = (cwd or Path.cwd()).absolute()
    try:
        return printable_name(Path(os.path.normpath(path)).relative_to(base).as_posix())
    except ValueError:
        return printable_name(Path(os.path.normpath(path)).as_posix())


def is_cdk_dir(path: Path) -> bool:
    """A cloud assembly: ``cdk.out`` marker or a manifest next to ``*.template.json`` files."""
    manifest = path / "manifest.json"
    if not manifest.is_file():
        return False
    return (path / "cdk.out").is_file() or path.name == "cdk.out" or any(path.glob("*.template.json"))


def has_template_signs(text: bytes) -> bool:
    """The peek's test: a declared template (format version, SAM or language-extensions
    transform), or ``Resources`` with a ``Type`` of the form ``Vendor::Service…``."""
    return bool(_DECLARED.search(text)) or (b"Resources" in text and bool(_TYPED.search(text)))


def clearly_template(text: bytes) -> bool:
    """Stricter than :func:`has_template_signs`: what only a CloudFormation template says. A walked
    file that fails to load is an error only when this holds (a Helm chart that mentions
    ``Resources`` and fails to parse as YAML is not)."""
    return bool(_CLEARLY.search(text)) or bool(_AWS_TYPED.search(text))


def peek(path: Path, limit: int = PEEK_BYTES) -> bytes | None:
    """The first ``limit`` bytes of a regular file, or None when it is not one or cannot be read.
    Opened non-blocking and checked on the open descriptor, so a FIFO never blocks the walk."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        size = 0
        while size < limit:
            chunk = os.read(fd, min(1 << 16, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def skip_reason(path: Path, st: os.stat_result | None = None) -> str | None:
    """Why a walked file (or one pre-commit names) is not linted, or None to lint it. Only the
    loader can say for sure that a file is a template; this keeps the obvious others out.
    ``st``: the file's ``stat`` when the caller has it already."""
    if path.name in NOT_TEMPLATES:
        return "a project file, not a template"
    if st is None:
        try:
            st = path.stat()
        except OSError:
            return None  # let the loader report it
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    head = peek(path)
    if head is None:
        return "not a regular file" if path.exists() else None
    if has_template_signs(head):
        return None
    if st.st_size > PEEK_BYTES and st.st_size <= _SCAN_LIMIT and _signs_further(path):
        return None
    return "not a CloudFormation template"


def _signs_further(path: Path) -> bool:
    """Scan a large file past the peek, chunk by chunk, for a template sign."""
    data = peek(path, _SCAN_LIMIT)
    return data is not None and has_template_signs(data)


def looks_like_template(path: Path) -> bool:
    """Cheap pre-filter for walked files and files pre-commit names (see :func:`skip_reason`)."""
    return skip_reason(path) is None


def _suffix(name: str) -> str:
    """``Path(name).suffix`` without making a Path (most walked files are not candidates)."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def _broken_link(path: Path) -> str | None:
    """Why a symlink leads to no file (its target is missing, or links lead back to themselves);
    None when it leads somewhere."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop"
        return "a broken symlink (its target does not exist)"
    return None


def _inside(path: Path, real_root: Path) -> bool:
    try:
        path.resolve().relative_to(real_root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


class _Walk:
    """One directory walk: confined to ``root``, cutting symlink loops, recording skips."""

    def __init__(self, root: Path, cwd: Path, found: Discovery, cdk_synth: bool) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.cwd = cwd
        self.found = found
        self.cdk_synth = cdk_synth
        self.seen_dirs: set[tuple[int, int]] = set()
        self.pruned: set[Path] = set()  # resolved output dirs of apps that --cdk-synth rebuilds
        self.linked = False  # whether a symlink was followed (only then can two sources be one file)

    def run(self) -> None:
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=True):
            here = Path(dirpath)
            names = set(filenames)  # what is not a directory: files, symlinks to files, broken symlinks, …
            if not self._enter(here, names):
                dirnames[:] = []
                continue
            if "manifest.json" in names and is_cdk_dir(here):
                self._add(Source(here, display_path(here, self.cwd), "cdk", False, self.root))
                dirnames[:] = []  # its templates belong to the assembly
                continue
            self._projects(here, names)
            dirnames[:] = sorted(d for d in dirnames if self._descend(dirpath, d))
            self._files(here, dirpath, sorted(filenames))

    def _enter(self, here: Path, names: set[str]) -> bool:
        try:
            st = here.stat()
        except OSError:
            return False
        if (st.st_dev, st.st_ino) in self.seen_dirs:  # symlink loop
            return False
        self.seen_dirs.add((st.st_dev, st.st_ino))
        if "pyvenv.cfg" in names and (here / "pyvenv.cfg").is_file():  # a virtual environment, whatever its name
            return False
        return not self.pruned or here.resolve() not in self.pruned

    def _descend(self, dirpath: str, name: str) -> bool:
        if name in SKIP_DIRS or name.startswith("asset."):
            return False
        path = os.path.join(dirpath, name)
        if not os.path.islink(path):
            return True
        self.linked = True
        return _inside(Path(path), self.real_root)

    def _projects(self, here: Path, names: set[str]) -> None:
        if "cdk.json" in names:
            if self.cdk_synth:
                self.pruned.add(build_first.cdk_output_dir(here).resolve())
            for source in _cdk_project(here, display_path(here, self.cwd), self.root, False, self.cdk_synth, self.cwd):
                if source.kind != "cdk":
                    self._add(source)  # an assembly (always inside the root) is found by the walk itself
        if names & build_first.SERVERLESS_FILES:
            self.found.sources.extend(_serverless_project(here, display_path(here, self.cwd), self.root, False))

    def _files(self, here: Path, dirpath: str, names: list[str]) -> None:
        for name in names:
            if _suffix(name).lower() not in TEMPLATE_SUFFIXES:
                continue
            path = here / name
            shown = display_path(path, self.cwd)
            try:
                st: os.stat_result | None = os.lstat(os.path.join(dirpath, name))
            except OSError:
                st = None
            if st is not None and stat.S_ISLNK(st.st_mode):
                self.linked = True
                broken = _broken_link(path)
                if broken is not None:  # a stale link is not a template problem: skipped, as git keeps it
                    self.found.skipped.append((shown, broken))
                    continue
                if not _inside(path, self.real_root):
                    self.found.skipped.append((shown, "a symlink to outside the linted directory"))
                    continue
                st = None  # skip_reason looks at what it points to
            if name == build_first.SERVERLESS_CREATE_STACK and (here / build_first.SERVERLESS_UPDATE_STACK).is_file():
                self.found.skipped.append((shown, f"superseded by {build_first.SERVERLESS_UPDATE_STACK}"))
                continue
            reason = skip_reason(path, st)
            if reason is None:
                self._add(Source(path, shown, "template", False, self.root))
            else:
                self.found.skipped.append((shown, reason))

    def _add(self, source: Source) -> None:
        self.found.sources.append(source)


def discover_all(paths: list[str], cwd: Path | None = None, *, cdk_synth: bool = False) -> Discovery:
    """Sources to lint in a stable order, errors for unusable paths, and the skipped files.
    With ``cdk_synth`` every CDK app found becomes a "cdk-app" source to synthesize, and the
    cloud assembly already on disk for it (possibly stale) is not linted."""
    base = cwd or Path.cwd()
    found = Discovery()
    distinct = len(paths or ["."]) == 1  # one walk that follows no symlink names each file once
    for raw in paths or ["."]:
        path = Path(raw)
        if path.is_dir():
            if is_cdk_dir(path):
                found.sources.append(Source(path, display_path(path, base), "cdk", True, path))
            else:
                walk = _Walk(path, base, found, cdk_synth)
                walk.run()
                distinct = distinct and not walk.linked
                continue
        elif path.is_file():
            found.sources.extend(_named_file(path, base, cdk_synth))
        elif path.exists():
            found.errors.append(f"{raw}: not a regular file or directory")
        else:
            found.errors.append(f"{raw}: no such file or directory")
        distinct = False
    if not distinct:  # the same file named twice, or reached through a symlink: keep one source
        resolve = Resolver()  # the sources share directories: each is resolved once
        found.sources = list({(resolve(s.path), s.kind): s for s in found.sources}.values())
    return found


def _named_file(path: Path, base: Path, cdk_synth: bool) -> list[Source]:
    """A file the user named: a manifest names its assembly, ``cdk.json`` and a Serverless
    service file name their project; anything else is a template (or an error saying why not)."""
    parent = path.parent
    if path.name == "manifest.json" and is_cdk_dir(parent):
        return [Source(parent, display_path(parent, base), "cdk", True, parent)]
    if path.name == "cdk.json":
        return _cdk_project(parent, display_path(parent, base), parent, True, cdk_synth, base)
    if path.name in build_first.SERVERLESS_FILES:
        return _serverless_project(parent, display_path(parent, base), parent, True, base)
    return [Source(path, display_path(path, base), "template", True, parent)]


def _cdk_project(project: Path, shown: str, root: Path, explicit: bool, synth: bool,
                 cwd: Path | None = None) -> list[Source]:
    """A CDK app: its cloud assembly when one is on disk, else a source saying to synthesize it
    (with ``synth``, always the app, for ``--cdk-synth`` to rebuild)."""
    output = build_first.cdk_output_dir(project)
    if not synth and is_cdk_dir(output):
        if _inside(output, root.resolve()):
            return [Source(output, display_path(output, cwd), "cdk", explicit, output)]
        # cdk.json comes with the code under review: it must not lead the run out of its directory
        return [Source(project, shown, "cdk-app", explicit, root, build_first.cdk_outside_problem(project))]
    return [Source(project, shown, "cdk-app", explicit, root, build_first.cdk_problem(project))]


def _serverless_project(project: Path, shown: str, root: Path, explicit: bool,
                        cwd: Path | None = None) -> list[Source]:
    """A Serverless Framework service: nothing when it was packaged (the walk lints
    ``.serverless/``; a named service file names that template), else a source saying to package it."""
    packaged = build_first.serverless_packaged(project)
    if packaged:
        if not explicit:
            return []
        return [Source(t, display_path(t, cwd), "template", True, root) for t in packaged]
    return [Source(project, shown, "serverless-app", explicit, root, build_first.serverless_problem())]


def discover(paths: list[str], cwd: Path | None = None) -> tuple[list[Source], list[str]]:
    """Sources to lint, in a stable order, and errors for paths that do not exist."""
    found = discover_all(paths, cwd)
    return found.sources, found.errors
