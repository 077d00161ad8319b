"""The result cache: a re-run over an unchanged tree reads each file's result instead of linting it.

One entry per source, in ``.wa-lint-cache/`` at the project root (ruff's model). An entry's file
name is a hash of the *run key* (wa-lint's version and code, Python, the rules and their packs,
the libraries whose data shapes results, the date deprecations are judged on, the working
directory, the options that change results) and of the source's identity; its header holds the
full key, which adds the source's resolved policy and its part of the link index. The body lists
every file the lint read or looked for (:func:`wa_lint.fileio.recording`: the template, included
files, nested templates, handler code, state machine definitions, linked stacks, assembly files)
with its size, mtime and SHA-256; a lookup re-checks each one (stat first, hash only when the stat
moved or was too recent to trust) and any difference is a miss. So the result is never stale.

Entries are written to a temporary file and renamed, so concurrent runs and pool workers never see
half an entry; one that is corrupt, truncated or foreign is a miss and is replaced. Each is sealed
with a key kept outside the working tree and unpickled with only the result types allowed
(:mod:`wa_lint.cache_seal`): a cache committed to the tree is never trusted, let alone run. A cache that
cannot be read or written costs speed only, never the run.

The API the CLI and the language server share: :meth:`Cache.for_run`, :meth:`Cache.key`,
:meth:`Cache.lookup`, :meth:`Cache.store`, and :func:`lint_cached` which does all three.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import json
import logging
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from wa_lint import cache_seal
from wa_lint.fileio import Dependency, depends_on, probe, recording, refused_state

if TYPE_CHECKING:
    from wa_lint.discover import Source
    from wa_lint.finding import RuleMeta
    from wa_lint.link.index import LinkIndex
    from wa_lint.pipeline import FileResult, StackStage

__all__ = ["CACHE_DIR_NAME", "Cache", "clean", "default_directory", "disabled_by_env", "lint_cached"]

CACHE_DIR_NAME = ".wa-lint-cache"
DIR_ENV = "WA_LINT_CACHE_DIR"
"""Where the cache lives instead of ``<project root>/.wa-lint-cache``."""
OFF_ENV = "WA_LINT_NO_CACHE"
"""Set to 1 to run as with ``--no-cache`` (the test suite does)."""
FORMAT = 1
MAGIC = b"wa-lint-cache %d\n" % FORMAT
RACY_NS = 2_000_000_000
"""A file modified this close to the moment it was recorded could change again within the same
mtime tick: such a file is hashed on every lookup (git's "racily clean" rule)."""
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by wa-lint.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n")
#: distributions whose code or data shapes findings (runtime lifecycle, SAM expansion, parsers)
LIBRARIES = ("cfn-lint", "aws-sam-translator", "pyyaml", "networkx", "tree-sitter", "tree-sitter-javascript",
             "tree-sitter-typescript")
ENV_AFFECTING = ("WA_LINT_NO_LINK",)
METADATA_SUFFIXES = (".dist-info", ".egg-info", ".egg-link", ".pth")
"""Entries of a ``sys.path`` directory that say what is installed there (:func:`installed_stamp`)."""

FileDep = tuple[str, int, int, str | None]

log = logging.getLogger("wa_lint.cache")


# -- keys ----------------------------------------------------------------------------------------
def canonical(obj: Any) -> Any:
    """``obj`` as JSON-able data that is the same in every process: dataclasses by field, dicts and
    sets sorted (set order follows string hashing, which differs between processes)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, enum.Enum):
        return canonical(obj.value)
    if isinstance(obj, Path):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [type(obj).__qualname__, {f.name: canonical(getattr(obj, f.name)) for f in dataclasses.fields(obj)}]
    if isinstance(obj, Mapping):
        return ["dict", sorted(([canonical(k), canonical(v)] for k, v in obj.items()), key=_text)]
    if isinstance(obj, (set, frozenset)):
        return ["set", sorted((canonical(v) for v in obj), key=_text)]
    if isinstance(obj, (list, tuple)):
        return [canonical(v) for v in obj]
    return [type(obj).__qualname__, repr(obj)]  # unknown: an address in the repr only costs hits


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def digest(*parts: Any) -> str:
    return hashlib.sha256(_text(canonical(list(parts))).encode()).hexdigest()


def _files_stamp(paths: Iterable[Path]) -> list[Any]:
    out = []
    for path in paths:
        with contextlib.suppress(OSError):
            st = path.stat()
            out.append([str(path), st.st_size, st.st_mtime_ns])
    return out


def _code_stamp(rules: list[RuleMeta]) -> list[Any]:
    """wa-lint's own files and every file of every rule pack (a rule's module and the helpers it
    imports from its pack), by size and mtime: an edited checkout (same version number) must not
    reuse results of the old code. Taken once per process, as the code that runs is the code
    imported then."""
    modules = {module_file(m.check) for m in rules}
    for pack in _packs(rules):
        modules.update(pack_files(pack))
    return _stamp_of(tuple(sorted(modules)))


def _packs(rules: list[RuleMeta]) -> set[str]:
    """The installed packs the rules come from (a rule's ``pack`` names its module)."""
    from wa_lint.plugins import PluginError, pack_names

    try:
        names = pack_names()
    except PluginError:
        return set()
    modules = {m.pack for m in rules if m.pack}
    return {p for p in names if any(m == p or m.startswith(p + ".") for m in modules)}


def pack_tree(pack: str) -> tuple[list[Any], list[str]]:
    """Where rule pack ``pack`` is found (without importing it, though a dotted name's parents
    are) and every file of it, ``__pycache__`` aside; ImportError when it is not found."""
    from importlib.util import find_spec

    spec = find_spec(pack)
    if spec is None:
        raise ImportError(f"no module named {pack}")
    roots = list(spec.submodule_search_locations or [])
    files = [path for root in roots for path in tree_files(root)]
    if not roots and spec.origin:
        files.append(spec.origin)
    return [pack, spec.origin, roots], files


@functools.cache
def pack_files(pack: str) -> tuple[str, ...]:
    """Every file of a rule pack (:func:`pack_tree`); none when it cannot be found (its rules'
    modules are stamped anyway)."""
    try:
        return tuple(pack_tree(pack)[1])
    except (ImportError, ValueError):
        return ()


def module_file(check: Callable[..., Any]) -> str:
    """The file of the module defining ``check`` (its name when it has none). A rule loaded from
    the rules manifest (:mod:`wa_lint.rule_manifest`) carries it, its module not being imported."""
    known = getattr(check, "wa_lint_file", None)
    if isinstance(known, str):
        return known
    return getattr(sys.modules.get(check.__module__), "__file__", None) or check.__module__


@functools.cache
def _stamp_of(modules: tuple[str, ...]) -> list[Any]:
    return [own_files_stamp(), _files_stamp(Path(m) for m in modules)]


@functools.cache
def own_files_stamp() -> list[Any]:
    """wa-lint's own code and data files by size and mtime, once per process."""
    import wa_lint

    own = tree_files(os.path.dirname(os.path.realpath(wa_lint.__file__)))
    return _files_stamp(Path(p) for p in sorted(own) if p.endswith((".py", ".json")))


def tree_files(root: str) -> list[str]:
    """Every file under ``root`` but those of ``__pycache__`` directories, directory by directory
    in name order (code and data whose size and mtime stamp a key)."""
    files: list[str] = []
    for here, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        files.extend(os.path.join(here, name) for name in sorted(names))
    return files


def installed_stamp() -> list[Any]:
    """What is installed on ``sys.path``: each directory's mtime (an install, upgrade or removal
    adds, renames or removes entries in it), except the working directory's, which a run may write
    to (its output, the cache): there only the distributions' metadata entries count."""
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = ""
    out: list[Any] = []
    for entry in sys.path:
        path = os.path.abspath(entry or cwd) if cwd else entry
        try:
            if path == cwd:
                with os.scandir(path) as listing:
                    out.append([path, sorted((e.name, e.stat().st_mtime_ns) for e in listing
                                             if e.name.endswith(METADATA_SUFFIXES))])
            else:
                st = os.stat(path)
                out.append([path, st.st_size, st.st_mtime_ns])
        except OSError:
            out.append([path, None])
    return out


_seeded: tuple[Any, dict[str, str | None]] | None = None


def seed_versions(stamp: Any, versions: dict[str, str | None]) -> None:
    """Versions the rules manifest recorded for the installed distributions ``stamp`` describes
    (:func:`installed_stamp`): :func:`_versions` takes them from here while
    that stamp holds, instead of reading every distribution's metadata again."""
    global _seeded
    _seeded = (stamp, dict(versions))


def _versions(names: Iterable[str]) -> dict[str, str | None]:
    names = list(names)
    if _seeded is not None and all(name in _seeded[1] for name in names) and installed_stamp() == _seeded[0]:
        return {name: _seeded[1][name] for name in names}
    from importlib import metadata

    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def run_key(rules: list[RuleMeta], options: Mapping[str, Any] | None = None) -> str:
    """What every result of a run depends on besides its own inputs."""
    import wa_lint
    from wa_lint.runtimes import today

    packs = sorted({m.pack for m in rules if m.pack})
    return digest(FORMAT, wa_lint.__version__, sys.version, sys.implementation.cache_tag,
                  [(m.id, m.pack, m.enabled, m.severity) for m in rules], _versions([*LIBRARIES, *packs]),
                  _code_stamp(rules), today().isoformat(), os.getcwd(),
                  {name: os.environ.get(name) for name in ENV_AFFECTING}, dict(options or {}))


def _identity(source: Source) -> list[Any]:
    return [source.display, os.path.abspath(source.path), source.kind, source.explicit,
            os.path.abspath(source.root), source.problem]


def _link_part(links: LinkIndex | None, source: Source) -> Any:
    """The source's part of the link index: its stacks' links and deployments, the records that
    touch them, and the same for the stacks they link to (whose files become dependencies)."""
    if links is None or not links.involves(source):  # the same result whether or not a run has an index
        return "not linked"
    own = sorted(key for key in links.stacks if key[0] == source.display)
    members = set(own)
    for key in own:
        members.update(links.neighbors(key))
    records = [r for r in links.records if r.src in members or r.dst in members]
    for rec in records:
        members.update((rec.src, rec.dst))
    return [sorted(members), {k: links.stacks.get(k) for k in members},
            {k[0]: _identity(links.sources[k[0]]) for k in members if k[0] in links.sources}, records]


# -- entries -------------------------------------------------------------------------------------
def _file_digest(path: str, size: int) -> str | None:
    """SHA-256 of a regular file of ``size`` bytes, None when it is no longer that."""
    try:
        with open(path, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            data = fh.read(size + 1)
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest() if len(data) == size else None


def _state(path: str) -> str:
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return "none"
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "other"


def _unchanged(path: str, dep: Dependency, recorded_ns: int) -> bool:
    if dep[0] == "probe":
        return _state(path) == dep[1]
    if dep[0] == "refused":
        try:
            return refused_state(os.stat(path)) == dep[1]
        except (OSError, ValueError):
            return False
    _, size, mtime, sha = cast(FileDep, dep)
    try:
        link = os.lstat(path)
        st = os.stat(path) if stat.S_ISLNK(link.st_mode) else link  # one call unless it is a symlink
    except (OSError, ValueError):
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != size:
        return False
    # stat is trusted only when neither the file nor a link to it changed since the entry was made:
    # a same-size edit whose mtime was set back, a file renamed over it, a symlink pointed
    # elsewhere all move a ctime, which no one can set back
    if (st.st_mtime_ns == mtime and mtime + RACY_NS < recorded_ns
            and max(st.st_ctime_ns, link.st_ctime_ns) + RACY_NS < recorded_ns):
        return True
    return sha is not None and _file_digest(path, size) == sha


def _settled(reads: dict[str, Dependency]) -> dict[str, Dependency] | None:
    """The dependencies with every digest filled in; None when a file changed during the lint."""
    out: dict[str, Dependency] = {}
    for path, dep in reads.items():
        if dep[0] == "file" and cast(FileDep, dep)[3] is None:
            _, size, mtime, _sha = cast(FileDep, dep)
            sha = _file_digest(path, int(size))
            try:
                st = os.stat(path)
            except OSError:
                return None
            if sha is None or (st.st_size, st.st_mtime_ns) != (size, mtime):
                return None
            dep = ("file", size, mtime, sha)
        out[path] = dep
    return out


class Cache:
    """The cache of one project: ``directory`` (``.wa-lint-cache``) and the run's key. Plain data,
    so the process pool's workers get it pickled and store their own results."""

    def __init__(self, directory: Path, run: str) -> None:
        self.directory = directory
        self.run = run
        self.hits = 0
        self._memo: dict[int, tuple[Any, str]] = {}
        self._ready: set[Path] = set()

    def __getstate__(self) -> dict[str, Any]:
        return {"directory": self.directory, "run": self.run}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["directory"], state["run"])  # type: ignore[misc]

    @classmethod
    def for_run(cls, directory: Path, rules: list[RuleMeta], options: Mapping[str, Any] | None = None) -> Cache:
        return cls(directory, run_key(rules, options))

    def _part(self, obj: Any, shown: Any = None) -> str:
        """Digest of a stage or policy (or of ``shown``, what counts of it), once per object."""
        got = self._memo.get(id(obj))
        if got is None or got[0] is not obj:
            got = (obj, digest(obj if shown is None else shown))
            self._memo[id(obj)] = got
        return got[1]

    def key(self, source: Source, stage: StackStage | None = None, links: LinkIndex | None = None) -> str:
        """The full key of ``source`` in this run: the run key, the source, the filter stage (with
        the source's own policy) and the source's part of the link index."""
        from wa_lint.filter.stage import FilterStage

        stage_part: Any = None
        if isinstance(stage, FilterStage):
            policy = stage.policies.get(source.display, stage.policy)
            shared = {f.name: getattr(stage, f.name) for f in dataclasses.fields(stage)
                      if f.name not in ("policy", "policies")}
            stage_part = [self._part(stage, shared), self._part(policy) if policy is not None else None]
        elif stage is not None:
            stage_part = repr(stage)
        return digest(self.run, _identity(source), stage_part, _link_part(links, source))

    def path(self, source: Source) -> Path:
        name = digest(self.run, _identity(source))
        return self.directory / f"v{FORMAT}" / f"{name}.bin"

    def lookup(self, source: Source, key: str) -> FileResult | None:
        """The stored result of ``source`` when its key matches and none of its inputs changed."""
        from wa_lint.pipeline import FileResult

        result = self._read(self.path(source), key)
        if not isinstance(result, FileResult) or result.path != source.display:
            return None
        self.hits += 1
        log.debug("cache hit: %s", source.display)
        return result

    def store(self, source: Source, key: str, result: FileResult, reads: dict[str, Dependency]) -> bool:
        """Keep ``result`` with the files it was made from. A result with an internal error (a
        bug of ours, perhaps transient) is not kept, nor one whose inputs changed meanwhile."""
        if result.internal_error is not None:
            return False
        return self._write(self.path(source), key, result, reads)

    def links(self, sources: list[Source], options: Any,
              build: Callable[[list[Source], Any, list[Source]], tuple[LinkIndex | None, list[str]]],
              wanted: list[Source] | None = None) -> tuple[LinkIndex | None, list[str]]:
        """``build(sources, options, candidates)`` (the link index and its errors) through the
        cache: the index loads every stack that may link, which a re-run over unchanged files must
        not pay. The text pass that names the candidates runs once, here (unless ``wanted`` gives
        its result)."""
        from wa_lint.link.index import _files, link_candidates

        # The index is made from the candidates of the cheap text pass only (a template that can
        # neither import nor export, read nor write an SSM parameter, nor is deployed with options
        # takes no part in it): it is keyed by them and depends on their files, so editing any
        # other template keeps it. A template that becomes a candidate changes the key.
        wanted = link_candidates(sources, options) if wanted is None else wanted
        key = digest(self.run, "links", [_identity(s) for s in wanted], options)
        target = self.directory / f"v{FORMAT}" / "links" / f"{key}.bin"
        got = self._read(target, key)
        if isinstance(got, tuple) and len(got) == 2:
            return got
        with recording() as reads:
            for source in wanted:
                for path in _files(source):
                    depends_on(path)
            for source in sources:
                if source.problem is None and source.kind in ("template", "cdk"):
                    probe(source.path.parent / "samconfig.toml")
            built = build(sources, options, wanted)
        self._write(target, key, built, reads)
        return built

    def _read(self, target: Path, key: str) -> Any:
        """The object stored at ``target`` under ``key`` if every file it was made from is as it
        was; None otherwise (missing, foreign, corrupt, stale)."""
        try:
            data = target.read_bytes()
        except OSError:
            return None
        payload = cache_seal.unseal(MAGIC + key.encode() + b"\n", data)  # this user's runs wrote it, intact
        if payload is None:
            return None
        try:
            recorded_ns, deps, body = cache_seal.loads(payload)
            if not all(_unchanged(p, d, recorded_ns) for p, d in deps.items()):
                return None
            return cache_seal.loads(body)
        except Exception:  # noqa: BLE001  # unpickling corrupt or foreign data raises anything: a miss, replaced by the next store
            return None

    def _write(self, target: Path, key: str, obj: Any, reads: dict[str, Dependency]) -> bool:
        deps = _settled(reads)
        if deps is None:
            return False
        try:
            body = pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
            payload = pickle.dumps((time.time_ns(), deps, body), pickle.HIGHEST_PROTOCOL)
            sealed = cache_seal.seal(MAGIC + key.encode() + b"\n", payload)
            if sealed is None:  # no key: an entry nobody could trust
                return False
            self._prepare(target.parent)
            _write_atomic(target, sealed)
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            log.debug("cache not written (%s): %s", target.name, exc)
            return False
        return True

    def _prepare(self, parent: Path) -> None:
        if parent in self._ready:
            return
        if not (self.directory / "CACHEDIR.TAG").exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.directory / ".gitignore", b"# Created by wa-lint automatically.\n*\n")
            _write_atomic(self.directory / "CACHEDIR.TAG", CACHEDIR_TAG.encode())
        parent.mkdir(parents=True, exist_ok=True)
        self._ready.add(parent)


def _write_atomic(target: Path, data: bytes) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def lint_cached(cache: Cache | None, key: str | None, source: Source, rules: list[RuleMeta],
                stage: StackStage | None = None, links: LinkIndex | None = None, *,
                look: bool = True) -> FileResult:
    """:func:`wa_lint.pipeline.lint_source` through the cache: the stored result when it is
    valid, else a fresh lint that is stored. ``look=False`` when the caller has already looked."""
    from wa_lint.pipeline import lint_source

    if cache is None or key is None:
        return lint_source(source, rules, stage, links)
    if look:
        hit = cache.lookup(source, key)
        if hit is not None:
            return hit
    with recording() as reads:
        if source.kind == "cdk":  # memoised readers (construct metadata) read these once per process
            with contextlib.suppress(OSError):
                for path in sorted(source.path.glob("*.json")):
                    depends_on(path)
        result = lint_source(source, rules, stage, links)
    cache.store(source, key, result, reads)
    return result


# -- where, and removal ----------------------------------------------------------------------------
def disabled_by_env() -> bool:
    return os.environ.get(OFF_ENV, "").strip().lower() not in ("", "0", "false", "no")


def directory_for(explicit: str | None = None, isolated: bool = False) -> Path:
    """The directory :func:`default_directory` gives for the run's configuration, found before the
    configuration is read (the rules manifest is read before the rules are known): ``explicit``
    (``--config``), none with ``isolated`` (``--no-config``), else the nearest one above the working
    directory, as :class:`~wa_lint.config_tree.ConfigTree` finds it."""
    if os.environ.get(DIR_ENV) or isolated:
        return default_directory(None)
    if explicit:
        return default_directory(Path(explicit))
    from wa_lint.config import find_config

    return default_directory(find_config())


def default_directory(config_path: Path | None) -> Path:
    """``$WA_LINT_CACHE_DIR``, else ``.wa-lint-cache`` beside the run's configuration file, else
    in the working directory."""
    explicit = os.environ.get(DIR_ENV)
    if explicit:
        return Path(explicit)
    root = config_path.absolute().parent if config_path is not None else Path.cwd()
    return root / CACHE_DIR_NAME


def clean(directory: Path) -> bool:
    """Remove the cache at ``directory``; False when there is none. A directory that is not ours
    (no CACHEDIR.TAG written by wa-lint) is left alone."""
    import shutil

    tag = directory / "CACHEDIR.TAG"
    try:
        if not directory.is_dir() or "wa-lint" not in tag.read_text(encoding="utf-8", errors="replace"):
            return False
    except OSError:
        return False
    shutil.rmtree(directory)
    return True
