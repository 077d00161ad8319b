"""Project configuration: ``[tool.wa-lint]`` in ``pyproject.toml`` or ``.wa-lint.yaml``.

Each file takes the nearest configuration above it (:mod:`wa_lint.config_tree`; ``--config``
names one for every file instead). A configuration may ``extend`` another file: the keys it sets
replace the extended file's, the others are inherited. Paths and globs are relative to the
directory of the file that wrote them. An unknown key, a wrong type, an invalid glob or an
unknown rule is a :class:`ConfigError` that names the file: a typo must never silently turn a
check off, and no configuration, however hostile, may crash or hang the run.

:meth:`Config.policy` resolves rule selectors against the loaded rules into a :class:`Policy`,
the plain, picklable object the filter stage applies to findings (possibly in worker processes).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_lint.finding import Finding, RuleMeta, Severity
from wa_lint.globs import GlobError, PathGlob, Segment
from wa_lint.plugins import selector_matches as selector_matches  # its home; config_tree imports it from here
from wa_lint.scopes import Scope, parse_scope

YAML_NAMES = (".wa-lint.yaml", ".wa-lint.yml")
PYPROJECT = "pyproject.toml"
TABLE = "tool.wa-lint"
FAIL_ON = ("error", "warning", "info", "never")
MAX_CONFIG_BYTES = 1 << 20  # a configuration is a few hundred bytes; a pyproject.toml a few kB
MAX_EXTEND = 16  # files in one extend chain
MAX_KEY_DOTS = 16  # pyproject keys nest 4 or 5 deep; tomllib spends the square of the depth on each key
IGNORE_TABLES = ("per-path-ignores", "per-construct-ignores", "per-resource-type-ignores")
ENTRY_KEYS = ("id", "reason", "applies-to")

#: key → expected type description
KEYS: dict[str, str] = {
    "extend": "path of a configuration file to extend",
    "select": "list of rule ids, names or prefixes",
    "ignore": "list of rule ids, names or prefixes",
    "mandatory": "list of rule ids, names or prefixes that no inline suppression may turn off",
    "fail-on": "one of error, warning, info, never",
    "exclude": "list of path globs",
    "severity": "table of rule → error / warning / info",
    "per-path-ignores": "table of path glob → list of rules or {id, reason, applies-to} entries",
    "per-construct-ignores": "table of CDK construct-path glob → list of rules or {id, reason, applies-to} entries",
    "per-resource-type-ignores": "table of resource-type glob → list of rules or {id, reason, applies-to} entries",
    "baseline": "path of a baseline file",
}


class ConfigError(Exception):
    """A configuration the user must fix; the message names the file and the key."""


def _show(value: Any, limit: int = 60) -> str:
    """A short one-line repr: a huge integer or a deeply nested value cannot break the message."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- globs ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PathGlobs:
    """Path globs relative to ``root``; :meth:`match` returns the first glob that matches a path."""

    root: Path
    patterns: tuple[PathGlob, ...]

    @classmethod
    def of(cls, root: Path, patterns: Iterable[str]) -> PathGlobs:
        return cls(root, tuple(PathGlob.compile(p) for p in patterns))

    def relative(self, path: str | Path) -> str:
        absolute = Path(path) if Path(path).is_absolute() else Path.cwd() / path
        try:
            return absolute.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            return absolute.as_posix()

    def match(self, path: str | Path) -> str | None:
        if not self.patterns:
            return None
        rel = self.relative(path)
        for glob in self.patterns:
            if glob.match(rel):
                return glob.text
        return None


def _check_glob(glob: str, key: str, where: str, *, anchored: bool = False) -> None:
    try:
        PathGlob.compile(glob, anchored=anchored)
    except GlobError as exc:
        raise ConfigError(f"{where}: {key}: invalid glob {_show(glob)}: {exc}") from None


# -- rule selectors ---------------------------------------------------------------------------
def expand_selectors(rules: list[RuleMeta], selectors: Iterable[str], where: str) -> frozenset[str]:
    """The ids ``selectors`` name; an unknown selector is a :class:`ConfigError` naming it."""
    ids: set[str] = set()
    for selector in selectors:
        found = {m.id for m in rules if selector_matches(m, selector)}
        if not found:
            hint = _did_you_mean(selector, [m.id for m in rules] + [m.name for m in rules])
            raise ConfigError(f"{where}: unknown rule {_show(selector)}{hint}")
        ids |= found
    return frozenset(ids)


def _specificity(selector: str) -> int:
    up = selector.strip().upper()
    return 0 if up == "ALL" else (len(up) if up.startswith("WA") and len(up) < 5 else 100)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    if len(word) > 100:  # nobody mistypes a rule id that long; difflib is quadratic
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- the policy applied by the filter stage ---------------------------------------------------
@dataclass(frozen=True, slots=True)
class Ignore:
    """One rule of one ``per-…-ignores`` entry, as the filter stage applies it.

    ``level`` is how far above the file's own configuration it is written (0: that one; 1: the
    configuration governing the directory above it; …): a parent's entries reach a file only for
    rules the parent makes mandatory. ``source``/``line`` say where it is written (for review)."""

    key: str
    pattern: str
    rule: str
    source: str
    line: int
    level: int
    matcher: PathGlobs | PathGlob | Segment
    reason: str = ""
    scope: Scope | None = None

    @property
    def why(self) -> str:
        """The suppression reason a report shows: the key and glob, and the reason when written."""
        return f"{self.key} {self.pattern!r}" + (f": {self.reason}" if self.reason else "")

    def applies(self, finding: Finding) -> bool:
        """Whether the entry's glob selects the finding (its scope is judged by the filter stage)."""
        if finding.rule != self.rule:
            return False
        if isinstance(self.matcher, PathGlobs):
            return self.matcher.match(finding.path) is not None
        if isinstance(self.matcher, PathGlob):
            return bool(finding.construct_path) and self.matcher.match((finding.construct_path or "").strip("/"))
        return self.matcher.match(finding.resource_type)


@dataclass(slots=True)
class Policy:
    """What a file's configuration does to its findings: which rules it selects (None: every
    rule that ran), severity overrides, scoped ignores, and the mandatory rules (rule → where the
    outermost configuration making it mandatory is written) whose inline suppressions are
    refused. ``refused`` keeps the entries of nearer configurations that tried to relax a rule a
    configuration above them makes mandatory: they do not apply."""

    severity: dict[str, Severity] = field(default_factory=dict)
    ignores: list[Ignore] = field(default_factory=list)
    selected: frozenset[str] | None = None
    mandatory: dict[str, str] = field(default_factory=dict)
    refused: list[Ignore] = field(default_factory=list)

    def adjust(self, finding: Finding) -> None:
        """Apply a severity override to ``finding`` in place."""
        override = self.severity.get(finding.rule)
        if override is not None:
            finding.severity = override

    def matching(self, finding: Finding) -> list[Ignore]:
        """The entries that select ``finding``, scoped or not, in the order written."""
        return [i for i in self.ignores if i.applies(finding)]

    def ignored_by(self, finding: Finding) -> str | None:
        """Why the configuration ignores the whole of ``finding`` (the key and glob), or None."""
        for entry in self.matching(finding):
            if entry.scope is None:
                return entry.why
        return None


# -- the configuration as written -------------------------------------------------------------
@dataclass(slots=True)
class Config:
    """A configuration file's content, checked for shape; rule names are resolved by :meth:`policy`.

    ``origins`` says which file set each key (differs from ``path`` for keys inherited through
    ``extend``): that file's directory is the root of the key's paths, and errors name it."""

    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    extend: str | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    mandatory: list[str] = field(default_factory=list)
    fail_on: str | None = None
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_path_ignores: dict[str, list[str | dict[str, Any]]] = field(default_factory=dict)
    per_construct_ignores: dict[str, list[str | dict[str, Any]]] = field(default_factory=dict)
    per_resource_type_ignores: dict[str, list[str | dict[str, Any]]] = field(default_factory=dict)
    baseline: str | None = None
    origins: dict[str, Path] = field(default_factory=dict)
    _excludes: PathGlobs | None = field(default=None, repr=False, compare=False)

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "configuration"

    def where_of(self, key: str) -> str:
        origin = self.origins.get(key)
        return str(origin) if origin else self.where

    def root_of(self, key: str) -> Path:
        origin = self.origins.get(key)
        return origin.parent if origin else self.root

    def excludes(self) -> PathGlobs:
        if self._excludes is None:
            self._excludes = PathGlobs.of(self.root_of("exclude"), self.exclude)
        return self._excludes

    def baseline_path(self) -> Path | None:
        return self.root_of("baseline") / self.baseline if self.baseline else None

    def check_rules(self, rules: list[RuleMeta]) -> None:
        """Every rule named anywhere must exist (raises :class:`ConfigError`)."""
        self.policy(rules)
        expand_selectors(rules, self.select or [], f"{self.where_of('select')}: select")
        expand_selectors(rules, self.ignore, f"{self.where_of('ignore')}: ignore")
        mandatory = expand_selectors(rules, self.mandatory, f"{self.where_of('mandatory')}: mandatory")
        ignored = expand_selectors(rules, self.ignore, "ignore") & mandatory
        if ignored:
            raise ConfigError(f"{self.where_of('ignore')}: ignore: {min(ignored)} is mandatory "
                              f"(in {self.where_of('mandatory')}); it cannot also be ignored")

    def mandatory_ids(self, rules: list[RuleMeta]) -> frozenset[str]:
        return expand_selectors(rules, self.mandatory, f"{self.where_of('mandatory')}: mandatory")

    def rule_selection(self, rules: list[RuleMeta], select: list[str] | None = None, ignore: Iterable[str] = (),
                       everything: bool = False) -> list[RuleMeta]:
        """The rules this configuration runs: ``select`` (the command line's) replaces the
        configuration's, ``ignore`` adds to it; ``everything`` selects rules off by default too
        when nothing is selected. Unknown command-line selectors raise ``PluginError``."""
        from wa_lint.plugins import select_rules

        chosen = select or self.select
        if everything and not chosen:
            chosen = [m.id for m in rules]
        return select_rules(rules, chosen, [*self.ignore, *ignore])

    def policy(self, rules: list[RuleMeta], selected: frozenset[str] | None = None,
               above: Sequence[Config] = ()) -> Policy:
        """The filter stage's policy for the files this configuration governs. ``above`` lists the
        configurations governing the directories above it, nearest first: their ``mandatory``
        rules are mandatory here too, and only their own ignores (not this file's) may relax
        those rules."""
        chain = [self, *above]
        declared = [config.mandatory_ids(rules) for config in chain]
        mandatory: dict[str, tuple[int, str]] = {}
        for level, config in enumerate(chain):
            for rule_id in declared[level]:
                mandatory[rule_id] = (level, shown_path(config.where_of("mandatory")))  # the outermost wins
        severity: dict[str, Severity] = {}
        where = self.where_of("severity")
        defaults = {m.id: m.severity for m in rules}
        for key in sorted(self.severity, key=_specificity):  # specific keys override prefixes
            wanted = Severity(self.severity[key])
            for rule_id in expand_selectors(rules, [key], f"{where}: severity"):
                if rule_id in mandatory and mandatory[rule_id][0] > 0 and wanted.rank < defaults[rule_id].rank:
                    continue  # a rule a parent makes mandatory is not lowered here
                severity[rule_id] = wanted
        policy = Policy(severity, selected=selected, mandatory={r: w for r, (_lvl, w) in mandatory.items()})
        for level, config in enumerate(chain):
            for entry in config.ignore_entries(rules, level):
                if level > 0 and entry.rule not in declared[level]:
                    continue  # a parent's ignores reach here only for the rules it makes mandatory
                floor = mandatory.get(entry.rule, (0, ""))[0]
                (policy.ignores if level >= floor else policy.refused).append(entry)
        return policy

    def ignore_entries(self, rules: list[RuleMeta], level: int = 0) -> list[Ignore]:
        """Every rule of every ``per-…-ignores`` entry, checked (unknown rules, bad scopes raise)."""
        out: list[Ignore] = []
        for key in IGNORE_TABLES:
            table: dict[str, list[Any]] = getattr(self, key.replace("-", "_"))
            where, root = self.where_of(key), self.root_of(key)
            origin = self.origins.get(key) or self.path
            lines = _key_lines(origin, table) if origin is not None else {}
            for glob, items in table.items():
                matcher: PathGlobs | PathGlob | Segment
                if key == "per-path-ignores":
                    matcher = PathGlobs.of(root, [glob])
                elif key == "per-construct-ignores":
                    matcher = PathGlob.compile(glob, anchored=True)
                else:
                    matcher = Segment.compile(glob)
                for item in items:
                    ids, reason, scope = _ignore_item(item, rules, f"{where}: {key}")
                    for rule_id in sorted(ids):
                        out.append(Ignore(key, glob, rule_id, shown_path(where), lines.get(glob, 0), level, matcher,
                                          reason, scope))
        return out


def shown_path(path: str) -> str:
    """A configuration file as output names it: relative to the working directory when below it
    (no machine paths in reports), else as given."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return path


def _ignore_item(item: Any, rules: list[RuleMeta], where: str) -> tuple[frozenset[str], str, Scope | None]:
    """A ``per-…-ignores`` list item: a rule selector, or ``{id, reason, applies-to}``."""
    if isinstance(item, str):
        return expand_selectors(rules, [item], where), "", None
    ids = expand_selectors(rules, [item["id"]], where)
    scope = None
    if "applies-to" in item:
        scope, problems = parse_scope(item["applies-to"])
        if scope is None:
            raise ConfigError(f"{where}: the entry for {_show(item['id'])} {problems[0]}")
    return ids, str(item.get("reason") or "").strip(), scope


def _key_lines(path: Path, table: dict[str, Any]) -> dict[str, int]:
    """The line each glob of a table is written on (the first line naming it as a key; 0 when the
    text does not show it plainly), for the suppression review."""
    try:
        text = _read(path)
    except ConfigError:
        return {}
    found: dict[str, int] = {}
    lines = text.splitlines()
    for glob in table:
        for quoted in (f"'{glob}'", f'"{glob}"', glob):
            for n, line in enumerate(lines, 1):
                at = line.find(quoted)
                if at >= 0 and line[at + len(quoted):].lstrip()[:1] in (":", "="):
                    found[glob] = n
                    break
            if glob in found:
                break
    return found


def _string_list(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{where}: {key} must be a {KEYS.get(key, 'list of strings')}")


def _ignore_list(value: Any, key: str, where: str) -> list[str | dict[str, Any]]:
    """Rules, or entries ``{id, reason, applies-to}`` (a scoped or explained ignore)."""
    items = value if isinstance(value, list) else [value]
    out: list[str | dict[str, Any]] = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"].strip():
            raise ConfigError(f"{where}: {key} must be a list of rules or {{id, reason, applies-to}} entries")
        unknown = [k for k in item if k not in ENTRY_KEYS]
        if unknown:
            raise ConfigError(f"{where}: {key}: unknown entry key {_show(unknown[0])} (entries take "
                              f"{', '.join(ENTRY_KEYS)})")
        if "reason" in item and not isinstance(item["reason"], str):
            raise ConfigError(f"{where}: {key}: reason must be a string")
        if "applies-to" in item:
            scope, problems = parse_scope(item["applies-to"])
            if scope is None:
                raise ConfigError(f"{where}: {key}: the entry for {_show(item['id'])} {problems[0]}")
        out.append(dict(item))
    return out


def _table(value: Any, key: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ConfigError(f"{where}: {key} must be a {KEYS[key]}")
    return value


def _check_keys(data: dict[Any, Any], where: str) -> None:
    for key in data:
        if key not in KEYS:
            hint = ""
            if isinstance(key, str):
                hint = _did_you_mean(key, [*KEYS, *(k.replace("-", "_") for k in KEYS)]).replace("_", "-")
            raise ConfigError(f"{where}: unknown key {_show(key)}{hint}; known keys: {', '.join(KEYS)}")


def config_from_dict(data: Any, path: Path | None, root: Path | None = None) -> Config:
    """Check ``data`` (the ``[tool.wa-lint]`` table or the YAML document) and build a :class:`Config`."""
    where = str(path) if path else "configuration"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: the configuration must be a mapping of keys ({', '.join(KEYS)})")
    _check_keys(data, where)
    config = Config(path=path, root=root or (path.parent if path else Path.cwd()))
    if path is not None:
        config.origins = dict.fromkeys(data, path)
    for key in ("extend", "baseline"):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise ConfigError(f"{where}: {key} must be a {KEYS[key]}")
            setattr(config, key, data[key])
    if "select" in data:
        config.select = _string_list(data["select"], "select", where)
    if "ignore" in data:
        config.ignore = _string_list(data["ignore"], "ignore", where)
    if "mandatory" in data:
        config.mandatory = _string_list(data["mandatory"], "mandatory", where)
    if "exclude" in data:
        config.exclude = _string_list(data["exclude"], "exclude", where)
        for glob in config.exclude:
            _check_glob(glob, "exclude", where)
    if "fail-on" in data:
        if data["fail-on"] not in FAIL_ON:
            raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON)}, not {_show(data['fail-on'])}")
        config.fail_on = data["fail-on"]
    if "severity" in data:
        for rule, level in _table(data["severity"], "severity", where).items():
            if level not in ("error", "warning", "info"):
                raise ConfigError(f"{where}: severity.{_show(rule)[1:-1]} must be error, warning or info, "
                                  f"not {_show(level)}")
        config.severity = dict(data["severity"])
    for key in IGNORE_TABLES:
        if key in data:
            table = {glob: _ignore_list(ids, f"{key}.{_show(glob)[1:-1]}", where)
                     for glob, ids in _table(data[key], key, where).items()}
            for glob in table:
                _check_glob(glob, key, where, anchored=key != "per-path-ignores")
            setattr(config, key.replace("-", "_"), table)
    return config


# -- reading files ----------------------------------------------------------------------------
def _read(path: Path) -> str:
    from wa_lint.fileio import read_text
    from wa_lint.model import InputError

    try:
        return read_text(path, str(path), limit=MAX_CONFIG_BYTES)
    except InputError as exc:
        raise ConfigError(str(exc)) from None


def _too_deep_keys(text: str) -> bool:
    """A dotted key or table header nested deeper than any configuration needs (tomllib would
    spend time and memory growing with the square of its depth)."""
    for line in text.splitlines():
        stripped = line.lstrip()
        key_like = stripped.startswith("[") or "=" in stripped
        if key_like and stripped.split("=", 1)[0].count(".") > MAX_KEY_DOTS:
            return True
    return False


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    text = _read(path)
    if _too_deep_keys(text):
        raise ConfigError(f"{path}: invalid TOML: a key nests more than {MAX_KEY_DOTS} levels deep")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: values nest too deeply") from None
    except ValueError as exc:  # an integer beyond Python's digit limit
        raise ConfigError(f"{path}: invalid TOML: {str(exc).split(':')[0]}") from None


def _pyproject_table(doc: dict[str, Any]) -> Any:
    tool = doc.get("tool")
    return tool.get("wa-lint") if isinstance(tool, dict) else None


def _read_yaml(path: Path) -> Any:
    import yaml

    text = _read(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: invalid YAML{where}: {' '.join(str(problem).split())}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid YAML: values nest too deeply") from None
    except ValueError as exc:  # an integer beyond Python's digit limit
        raise ConfigError(f"{path}: invalid YAML: {str(exc).split(':')[0]}") from None


def _load_one(path: Path) -> Config:
    """One file, without following ``extend``: YAML (the whole document) or TOML
    (``[tool.wa-lint]``, or the whole document when it has no ``[tool]`` table)."""
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    if path.suffix == ".toml":
        doc = _read_toml(path)
        if "tool" in doc:
            table = _pyproject_table(doc)
            if table is None:
                raise ConfigError(f"{path}: no [{TABLE}] table")
            return config_from_dict(table, path)
        return config_from_dict(doc, path)
    return config_from_dict(_read_yaml(path), path)


def _inherit(base: Config, child: Config) -> Config:
    """``child`` extending ``base``: every key the child sets replaces the base's (as ruff does)."""
    merged = dataclasses.replace(child, origins=dict(child.origins), _excludes=None)
    for key, origin in base.origins.items():
        if key not in child.origins and key != "extend":
            attr = key.replace("-", "_")
            setattr(merged, attr, getattr(base, attr))
            merged.origins[key] = origin
    if base.mandatory and "mandatory" in child.origins:  # mandatory rules only accumulate
        merged.mandatory = list(dict.fromkeys([*base.mandatory, *child.mandatory]))
    return merged


def load_config_file(path: Path, _chain: tuple[Path, ...] = ()) -> Config:
    """Read one configuration file and the files it ``extend``s (relative to its directory)."""
    config = _load_one(path)
    if config.extend is None:
        return config
    chain = (*_chain, path.resolve())
    target = Path(os.path.normpath(path.parent / Path(config.extend).expanduser()))
    if target.resolve() in chain:
        loop = " -> ".join(str(p) for p in (*chain, target.resolve()))
        raise ConfigError(f"{path}: extend: {config.extend} is already being extended ({loop})")
    if len(chain) >= MAX_EXTEND:
        raise ConfigError(f"{path}: extend: more than {MAX_EXTEND} files extend each other")
    if not target.is_file():
        raise ConfigError(f"{path}: extend: configuration file not found: {target}")
    return _inherit(load_config_file(target, chain), config)


def config_in(directory: Path) -> Path | None:
    """The configuration file in ``directory`` itself: ``.wa-lint.yaml``/``.wa-lint.yml``, else a
    ``pyproject.toml`` with a ``[tool.wa-lint]`` table (one that cannot be parsed but mentions
    ``wa-lint`` counts, so that its error is reported rather than the file passed over)."""
    for name in YAML_NAMES:
        if (directory / name).is_file():
            return directory / name
    pyproject = directory / PYPROJECT
    if not pyproject.is_file():
        return None
    from wa_lint.fileio import read_bytes
    from wa_lint.model import InputError

    try:
        if b"wa-lint" not in read_bytes(pyproject, str(pyproject), limit=MAX_CONFIG_BYTES):
            return None
        return pyproject if _pyproject_table(_read_toml(pyproject)) is not None else None
    except (InputError, ConfigError):
        return pyproject


def find_config(start: Path | None = None) -> Path | None:
    """The nearest configuration file in ``start`` (default: the working directory) or above it."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        found = config_in(directory)
        if found is not None:
            return found
    return None


def load_config(explicit: str | None = None, *, isolated: bool = False) -> Config:
    """The configuration of the working directory: ``explicit`` if given, else the nearest one
    found, else defaults."""
    if isolated:
        return Config()
    if explicit:
        return load_config_file(Path(explicit))
    found = find_config()
    return load_config_file(found) if found else Config()
