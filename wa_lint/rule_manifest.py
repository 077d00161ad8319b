"""The rules manifest: what :func:`~wa_lint.plugins.load_rules` found, kept in the result cache, so
that a run whose every file is a cache hit never imports the rule packs (nor :mod:`wa_lint.api` and
the graph layer they import) only to learn the rules' ids, names and documentation.

A manifest lives at ``<cache>/v1/rules/<key>.bin``, written and read as the cache's entries are
(atomic, a corrupt one is a miss and is replaced). The key is wa-lint's version and own files,
Python, ``sys.path`` and what is installed on it (:func:`~wa_lint.cache.installed_stamp`: the
distributions, hence the ``wa_lint.rules`` entry points and the libraries' versions). The manifest
names each pack with where it is found and its files; every one of those files is a dependency of
the entry (size and mtime, SHA-256 when those moved), so an edited, added or removed rule file, or
a pack found elsewhere, is a miss and the packs are loaded as without the manifest.

On a hit each rule's ``check`` (and ``applies_to``) is a :class:`LazyCall`: it bears the function's
module, name and docstring, and its first call loads the packs as ``load_rules`` does and calls the
real function. So a run that lints anything gets the real rules, and one that lints nothing imports
none of them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import wa_lint
from wa_lint import cache, plugins
from wa_lint.fileio import depends_on, recording
from wa_lint.finding import Pillar, RuleMeta, Severity

__all__ = ["LazyCall", "rules_through"]

log = logging.getLogger("wa_lint.rule_manifest")

FORMAT = 1


# -- keys ------------------------------------------------------------------------------------------
def _key() -> str:
    return cache.digest("rules", FORMAT, wa_lint.__version__, sys.version, sys.implementation.cache_tag, sys.path,
                        cache.installed_stamp(), cache.own_files_stamp())


# -- lazy rules ----------------------------------------------------------------------------------
class _Packs:
    """The packs behind one manifest's rules, loaded at the first call of any of them (once, as
    ``load_rules`` loads them; a failure is kept and raised again). A failure also removes the
    manifest, so that the next run loads the packs and reports what is wrong as always."""

    def __init__(self, manifest: Path) -> None:
        self.manifest = manifest
        self.loaded: dict[str, RuleMeta] | None = None
        self.failed: Exception | None = None

    def rule(self, rule: str) -> RuleMeta:
        if self.failed is not None:
            raise self.failed
        if self.loaded is None:
            try:
                self.loaded = {m.id: m for m in plugins.load_rules()}
            except Exception as exc:
                self.failed = exc
                self._drop()
                raise
        return self.loaded[rule]

    def _drop(self) -> None:
        with contextlib.suppress(OSError):
            self.manifest.unlink()


class LazyCall:
    """A rule's ``check`` or ``applies_to`` as the manifest names it; called, the real function.
    ``wa_lint_file`` is its module's file (the result cache's key stamps it)."""

    def __init__(self, packs: _Packs, rule: str, which: str, ref: list[Any]) -> None:
        self.__module__, self.__name__, self.__qualname__, self.__doc__, self.wa_lint_file = ref
        self._packs, self._rule, self._which = packs, rule, which
        self._target: Callable[..., Any] | None = None

    def resolve(self) -> Callable[..., Any]:
        """The real function (the packs loaded if need be)."""
        if self._target is None:
            target = getattr(self._packs.rule(self._rule), self._which, None)
            if target is None or _ref(target)[:3] != [self.__module__, self.__name__, self.__qualname__]:
                self._packs._drop()
                raise RuntimeError(f"rule {self._rule} is not the one the rules manifest names")
            self._target = target
        return self._target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<lazy {self.__module__}.{self.__qualname__}>"


def _ref(fn: Callable[..., Any]) -> list[Any]:
    """A function as the manifest names it: module, name, qualname, docstring, module file."""
    return [fn.__module__, fn.__name__, fn.__qualname__, fn.__doc__, cache.module_file(fn)]


def _record(meta: RuleMeta) -> list[Any]:
    return [meta.id, meta.name, meta.pillar.value, meta.severity.value, meta.lens, meta.doc, meta.enabled,
            meta.pack, _ref(meta.check), _ref(meta.applies_to) if meta.applies_to is not None else None]


def _meta(record: list[Any], packs: _Packs) -> RuleMeta:
    rid, name, pillar, severity, lens, doc, enabled, pack, check, applies = record
    lazy_check: Any = LazyCall(packs, rid, "check", check)
    lazy_applies: Any = LazyCall(packs, rid, "applies_to", applies) if applies is not None else None
    return RuleMeta(rid, name, Pillar(pillar), Severity(severity), lens, doc, lazy_check, enabled, pack, lazy_applies)


# -- read and write --------------------------------------------------------------------------------
def _packs_now(names: list[str]) -> list[Any]:
    """Each pack's location and files, with every file's size and mtime."""
    out = []
    for name in names:
        where, files = cache.pack_tree(name)
        out.append([where, [[f, *_size_mtime(f)] for f in files]])
    return out


def _size_mtime(path: str) -> tuple[int, int] | tuple[None, None]:
    try:
        st = os.stat(path)
    except OSError:
        return None, None
    return st.st_size, st.st_mtime_ns


def rules_through(directory: Path) -> list[RuleMeta]:
    """Every rule, as :func:`~wa_lint.plugins.load_rules` gives them, through the manifest in the
    cache ``directory``: lazy ones on a hit; on a miss the packs are loaded (a broken one raises
    :class:`~wa_lint.plugins.PluginError` as always) and the manifest written. A manifest that
    cannot be read or written only costs the loading."""
    try:
        key = _key()
    except Exception as exc:  # noqa: BLE001  # no key, no manifest: the packs load as always
        log.debug("no rules manifest: %s", exc)
        return plugins.load_rules()
    store = cache.Cache(directory, "")
    target = directory / f"v{cache.FORMAT}" / "rules" / f"{key}.bin"
    got = store._read(target, key)  # its dependencies, every file of every pack, are unchanged
    try:
        if (isinstance(got, dict) and got.get("format") == FORMAT
                and [list(cache.pack_tree(where[0])) for where, _files in got["packs"]] == got["packs"]):
            packs = _Packs(target)
            rules = [_meta(r, packs) for r in got["rules"]]
            cache.seed_versions(cache.installed_stamp(), got["versions"])
            log.debug("rules manifest hit: %s", target.name)
            return rules
    except Exception as exc:  # noqa: BLE001  # a foreign or damaged manifest: a miss, replaced below
        log.debug("rules manifest unusable: %s", exc)
    try:
        before = _packs_now(plugins.pack_names())
    except Exception:  # noqa: BLE001  # a pack that cannot be found: load_rules says so
        before = None
    rules = plugins.load_rules()
    if before is not None:
        _write(store, target, key, rules, before)
    return rules


def _write(store: cache.Cache, target: Path, key: str, rules: list[RuleMeta], before: list[Any]) -> None:
    """Keep the manifest of ``rules``, unless a pack's files moved while they were loaded
    (``before``: :func:`_packs_now` then) or a rule cannot be named by module and attribute."""
    try:
        if _packs_now([where[0] for where, _files in before]) != before:
            return
        records = [_record(m) for m in rules]
        versions = cache._versions([*cache.LIBRARIES, *sorted({m.pack for m in rules if m.pack})])
        cache.seed_versions(cache.installed_stamp(), versions)
        with recording() as reads:
            for _where, files in before:
                for path, _size, _mtime in files:
                    depends_on(path)
        packs = [[where, [f[0] for f in files]] for where, files in before]
        manifest = {"format": FORMAT, "packs": packs, "rules": records, "versions": versions}
        store._write(target, key, manifest, reads)
    except Exception as exc:  # noqa: BLE001  # a rule we cannot name: no manifest, the run goes on
        log.debug("rules manifest not written: %s", exc)
