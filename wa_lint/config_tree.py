"""Which configuration governs each file, as ruff decides it.

A file takes the nearest ``.wa-lint.yaml``/``.wa-lint.yml``/``pyproject.toml [tool.wa-lint]`` in
its directory or above; configurations are not merged (a file may ``extend`` another). ``--config``
names one for every file; ``--no-config`` uses the defaults for every file. A file with no
configuration above it takes the run's. What applies to a whole run (``fail-on``, ``baseline``)
comes from the run's configuration: the nearest one to the working directory.

Each directory is looked up once and each file read once per run. A directory a configuration
excludes is excluded with everything below it, even where a configuration of its own sits below
(a walk would never enter it).

The rules a run executes are the union of those the configurations in play select; the filter
stage then drops, per source, the findings of rules its configuration does not select (its
:class:`~wa_lint.config.Policy` carries the selection).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from wa_lint.config import Config, ConfigError, Policy, config_in, load_config_file, selector_matches
from wa_lint.finding import RuleMeta
from wa_lint.realpaths import Resolver


class ConfigTree:
    """The configurations of one run, resolved lazily and cached by directory and by file.

    ``rules`` (every installed rule) lets each configuration be checked when it is first read;
    ``select``/``ignore``/``everything`` are the command line's, applied to every configuration
    (see :meth:`Config.rule_selection`). Raises :class:`ConfigError` for the run's configuration;
    later ones raise from :meth:`for_path`, so that only the files they govern fail.
    """

    def __init__(self, rules: list[RuleMeta] | None = None, *, explicit: str | None = None, isolated: bool = False,
                 select: list[str] | None = None, ignore: Iterable[str] = (), everything: bool = False,
                 extend_select: Iterable[str] = ()) -> None:
        self._rules = rules
        self._select, self._ignore, self._everything = select, list(ignore), everything
        self._extend_select = list(extend_select)  # --extend-select: added to each configuration's selection
        self._nearest: dict[Path, Path | None] = {}  # by resolved directory
        self._resolve = Resolver()
        self._governing: dict[Path, Path | None] = {}  # by file or directory as named
        self._above: dict[int, tuple[Config, list[Config]]] = {}
        self._loaded: dict[Path, Config | ConfigError] = {}
        self._selections: dict[int, list[RuleMeta]] = {}
        self._policies: dict[int, Policy] = {}
        self._fixed: Config | None = None
        if isolated:
            self._fixed = Config()
        elif explicit:
            self._fixed = self._checked(load_config_file(Path(explicit)))
        self.run: Config = self._fixed or self._at(Path.cwd()) or Config()

    def _checked(self, config: Config) -> Config:
        if self._rules is not None:
            config.check_rules(self._rules)
        return config

    def _nearest_file(self, directory: Path) -> Path | None:
        """The configuration file in ``directory`` (absolute) or the nearest one above it."""
        walked: list[Path] = []
        found: Path | None = None
        for here in (directory, *directory.parents):
            if here in self._nearest:
                found = self._nearest[here]
                break
            walked.append(here)
            found = config_in(here)
            if found is not None:
                break
        for here in walked:
            self._nearest[here] = found
        return found

    def _load(self, path: Path) -> Config:
        cached = self._loaded.get(path)
        if cached is None:
            try:
                cached = self._checked(load_config_file(path))
            except ConfigError as exc:
                cached = exc
            self._loaded[path] = cached
        if isinstance(cached, ConfigError):
            raise cached
        return cached

    def _at(self, directory: Path) -> Config | None:
        found = self._nearest_file(self._resolve.directory(directory))
        return self._load(found) if found is not None else None

    def for_path(self, path: Path) -> Config:
        """The configuration of a file, or of a directory source (a cloud assembly). Remembered
        by the path as named: the run asks about each source several times."""
        if self._fixed is not None:
            return self._fixed
        if path in self._governing:
            found = self._governing[path]
        else:
            directory = self._resolve.directory(path if path.is_dir() else path.parent)
            found = self._governing[path] = self._nearest_file(directory)
        return self._load(found) if found is not None else self.run

    def excluded(self, path: Path) -> str | None:
        """The exclude glob that takes ``path`` out of the run, or None: its own configuration's,
        or a configuration above excluding the directory a nearer configuration sits in."""
        below = self.for_path(path)
        chain = self.above(below)
        hit = below.excludes().match(path)
        for upper in chain:
            if hit is not None or below.path is None:
                break
            hit = upper.excludes().match(self._resolve.directory(below.path.parent))
            below = upper
        return hit

    def above(self, config: Config) -> list[Config]:
        """The configurations governing the directories above ``config``'s, nearest first (none
        with ``--config`` or ``--no-config``): their ``mandatory`` rules hold below them."""
        known = self._above.get(id(config))
        if known is None or known[0] is not config:
            known = self._above[id(config)] = (config, self._chain_above(config))
        return list(known[1])

    def _chain_above(self, config: Config) -> list[Config]:
        chain: list[Config] = []
        while self._fixed is None and config.path is not None and len(chain) < 64:
            directory = self._resolve.directory(config.path.parent)
            if directory.parent == directory:
                break
            found = self._nearest_file(directory.parent)
            if found is None:
                break
            config = self._load(found)
            chain.append(config)
        return chain

    def selection(self, config: Config) -> list[RuleMeta]:
        """The rules ``config`` runs (with the command line's selection); needs ``rules``. Rules
        made mandatory here or above run even when the configuration does not select them
        (unless the command line's --select or --ignore leaves them out)."""
        key = id(config)
        if key not in self._selections:
            rules = self._rules or []
            chosen = config.rule_selection(rules, self._select, self._ignore, self._everything)
            if self._extend_select:
                from wa_lint.plugins import select_rules

                extra = select_rules(rules, self._extend_select, [*config.ignore, *self._ignore])
                chosen = sorted({m.id: m for m in [*chosen, *extra]}.values(), key=lambda m: m.id)
            if not self._select:
                have = {m.id for m in chosen}
                mandatory = set().union(*(c.mandatory_ids(rules) for c in [config, *self.above(config)]))
                dropped = {m.id for m in rules if any(selector_matches(m, s) for s in self._ignore)}
                chosen = sorted([*chosen, *(m for m in rules if m.id in mandatory - have - dropped)],
                                key=lambda m: m.id)
            self._selections[key] = chosen
        return self._selections[key]

    def policy(self, config: Config) -> Policy:
        """The filter stage's policy for the files ``config`` governs."""
        key = id(config)
        if key not in self._policies:
            selected = frozenset(m.id for m in self.selection(config))
            self._policies[key] = config.policy(self._rules or [], selected, self.above(config))
        return self._policies[key]
