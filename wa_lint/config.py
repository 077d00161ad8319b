"""Project configuration: ``[tool.wa-lint]`` in ``pyproject.toml`` or ``.wa-lint.yaml``.

The file is found by walking up from the working directory (``--config`` names one instead).
Paths and globs in it are relative to the directory the file is in. An unknown key, a wrong
type or an unknown rule is a :class:`ConfigError` that names it: a typo must never silently
turn a check off.

:meth:`Config.policy` resolves rule selectors against the loaded rules into a :class:`Policy`,
the plain, picklable object the filter stage applies to findings (possibly in worker processes).
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_lint.api import Finding, RuleMeta, Severity

YAML_NAMES = (".wa-lint.yaml", ".wa-lint.yml")
PYPROJECT = "pyproject.toml"
TABLE = "tool.wa-lint"
FAIL_ON = ("error", "warning", "info", "never")

#: key → (attribute, expected type description)
KEYS: dict[str, str] = {
    "select": "list of rule ids, names or prefixes",
    "ignore": "list of rule ids, names or prefixes",
    "fail-on": "one of error, warning, info, never",
    "exclude": "list of path globs",
    "severity": "table of rule → error / warning / info",
    "per-path-ignores": "table of path glob → list of rules",
    "per-construct-ignores": "table of CDK construct-path glob → list of rules",
    "per-resource-type-ignores": "table of resource-type glob → list of rules",
    "baseline": "path of a baseline file",
}


class ConfigError(Exception):
    """A configuration the user must fix; the message names the file and the key."""


# -- globs ------------------------------------------------------------------------------------
def glob_to_regex(pattern: str) -> str:
    """Regex text for a glob: ``**`` spans directories, ``*``/``?`` stay within one, ``[…]`` is a class."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and (end := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : end]
            negate, chars = (True, body[1:]) if body[:1] in "!^" else (False, body)
            out.append("[" + ("^" if negate else "") + chars.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def compile_path_glob(pattern: str) -> re.Pattern[str]:
    """A gitignore-like glob: without ``/`` it matches any file or directory name at any depth;
    with ``/`` it is anchored at the config directory. Matching a directory matches what is below."""
    pat = pattern.strip()
    pat = pat[2:] if pat.startswith("./") else pat
    pat = pat.strip("/")
    body = glob_to_regex(pat)
    prefix = "(?:.*/)?" if "/" not in pat else ""
    return re.compile(f"{prefix}{body}(?:/.*)?", re.DOTALL)


@dataclass(frozen=True, slots=True)
class PathGlobs:
    """Globs relative to ``root``; :meth:`match` returns the first glob that matches a path."""

    root: Path
    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def of(cls, root: Path, patterns: Iterable[str]) -> PathGlobs:
        return cls(root, tuple((p, compile_path_glob(p)) for p in patterns))

    def relative(self, path: str | Path) -> str:
        absolute = Path(path) if Path(path).is_absolute() else Path.cwd() / path
        try:
            return absolute.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return absolute.as_posix()

    def match(self, path: str | Path) -> str | None:
        if not self.patterns:
            return None
        rel = self.relative(path)
        for text, regex in self.patterns:
            if regex.fullmatch(rel):
                return text
        return None


# -- rule selectors ---------------------------------------------------------------------------
def selector_matches(meta: RuleMeta, selector: str) -> bool:
    """``ALL``, an id (``WA101``), a name, or an id prefix (``WA1``); the same as ``--select``."""
    s = selector.strip()
    up = s.upper()
    return up == "ALL" or up == meta.id or s == meta.name or (up.startswith("WA") and meta.id.startswith(up))


def expand_selectors(rules: list[RuleMeta], selectors: Iterable[str], where: str) -> frozenset[str]:
    """The ids ``selectors`` name; an unknown selector is a :class:`ConfigError` naming it."""
    ids: set[str] = set()
    for selector in selectors:
        found = {m.id for m in rules if selector_matches(m, selector)}
        if not found:
            hint = _did_you_mean(selector, [m.id for m in rules] + [m.name for m in rules])
            raise ConfigError(f"{where}: unknown rule {selector!r}{hint}")
        ids |= found
    return frozenset(ids)


def _specificity(selector: str) -> int:
    up = selector.strip().upper()
    return 0 if up == "ALL" else (len(up) if up.startswith("WA") and len(up) < 5 else 100)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- the policy applied by the filter stage ---------------------------------------------------
@dataclass(slots=True)
class Policy:
    """What the configuration does to findings: severity overrides and scoped ignores."""

    severity: dict[str, Severity] = field(default_factory=dict)
    paths: list[tuple[PathGlobs, frozenset[str]]] = field(default_factory=list)
    constructs: list[tuple[str, re.Pattern[str], frozenset[str]]] = field(default_factory=list)
    types: list[tuple[str, frozenset[str]]] = field(default_factory=list)

    def adjust(self, finding: Finding) -> None:
        """Apply a severity override to ``finding`` in place."""
        override = self.severity.get(finding.rule)
        if override is not None:
            finding.severity = override

    def ignored_by(self, finding: Finding) -> str | None:
        """Why the configuration ignores ``finding`` (the key and glob), or None."""
        for globs, ids in self.paths:
            if finding.rule in ids and (hit := globs.match(finding.path)):
                return f"per-path-ignores {hit!r}"
        if finding.construct_path:
            for text, regex, ids in self.constructs:
                if finding.rule in ids and regex.fullmatch(finding.construct_path.strip("/")):
                    return f"per-construct-ignores {text!r}"
        for pattern, ids in self.types:
            if finding.rule in ids and fnmatch.fnmatchcase(finding.resource_type, pattern):
                return f"per-resource-type-ignores {pattern!r}"
        return None


# -- the configuration as written -------------------------------------------------------------
@dataclass(slots=True)
class Config:
    """A configuration file's content, checked for shape; rule names are resolved by :meth:`policy`."""

    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    per_construct_ignores: dict[str, list[str]] = field(default_factory=dict)
    per_resource_type_ignores: dict[str, list[str]] = field(default_factory=dict)
    baseline: str | None = None

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "configuration"

    def excludes(self) -> PathGlobs:
        return PathGlobs.of(self.root, self.exclude)

    def baseline_path(self) -> Path | None:
        return self.root / self.baseline if self.baseline else None

    def check_rules(self, rules: list[RuleMeta]) -> None:
        """Every rule named anywhere must exist (raises :class:`ConfigError`)."""
        self.policy(rules)
        expand_selectors(rules, self.select or [], f"{self.where}: select")
        expand_selectors(rules, self.ignore, f"{self.where}: ignore")

    def policy(self, rules: list[RuleMeta]) -> Policy:
        where = self.where
        severity: dict[str, Severity] = {}
        for key in sorted(self.severity, key=_specificity):  # specific keys override prefixes
            level = Severity(self.severity[key])
            for rule_id in expand_selectors(rules, [key], f"{where}: severity"):
                severity[rule_id] = level
        paths = [(PathGlobs.of(self.root, [glob]), expand_selectors(rules, ids, f"{where}: per-path-ignores"))
                 for glob, ids in self.per_path_ignores.items()]
        constructs = [
            (glob, re.compile(glob_to_regex(glob.strip("/")) + "(?:/.*)?", re.DOTALL),
             expand_selectors(rules, ids, f"{where}: per-construct-ignores"))
            for glob, ids in self.per_construct_ignores.items()
        ]
        types = [(glob, expand_selectors(rules, ids, f"{where}: per-resource-type-ignores"))
                 for glob, ids in self.per_resource_type_ignores.items()]
        return Policy(severity, paths, constructs, types)


def _string_list(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{where}: {key} must be a {KEYS.get(key, 'list of strings')}")


def _table(value: Any, key: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ConfigError(f"{where}: {key} must be a {KEYS[key]}")
    return value


def config_from_dict(data: Any, path: Path | None, root: Path | None = None) -> Config:
    """Check ``data`` (the ``[tool.wa-lint]`` table or the YAML document) and build a :class:`Config`."""
    where = str(path) if path else "configuration"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: the configuration must be a mapping of keys ({', '.join(KEYS)})")
    for key in data:
        if key not in KEYS:
            hint = _did_you_mean(str(key), [*KEYS, *(k.replace("-", "_") for k in KEYS)])
            hint = hint.replace("_", "-")
            raise ConfigError(f"{where}: unknown key {key!r}{hint}; known keys: {', '.join(KEYS)}")
    config = Config(path=path, root=root or (path.parent if path else Path.cwd()))
    if "select" in data:
        config.select = _string_list(data["select"], "select", where)
    if "ignore" in data:
        config.ignore = _string_list(data["ignore"], "ignore", where)
    if "exclude" in data:
        config.exclude = _string_list(data["exclude"], "exclude", where)
    if "fail-on" in data:
        if data["fail-on"] not in FAIL_ON:
            raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON)}, not {data['fail-on']!r}")
        config.fail_on = data["fail-on"]
    if "baseline" in data:
        if not isinstance(data["baseline"], str):
            raise ConfigError(f"{where}: baseline must be a {KEYS['baseline']}")
        config.baseline = data["baseline"]
    if "severity" in data:
        for rule, level in _table(data["severity"], "severity", where).items():
            if level not in ("error", "warning", "info"):
                raise ConfigError(f"{where}: severity.{rule} must be error, warning or info, not {level!r}")
        config.severity = dict(data["severity"])
    for key in ("per-path-ignores", "per-construct-ignores", "per-resource-type-ignores"):
        if key in data:
            table = {glob: _string_list(ids, f"{key}.{glob}", where)
                     for glob, ids in _table(data[key], key, where).items()}
            setattr(config, key.replace("-", "_"), table)
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _pyproject_table(doc: dict[str, Any]) -> Any:
    tool = doc.get("tool")
    return tool.get("wa-lint") if isinstance(tool, dict) else None


def load_config_file(path: Path) -> Config:
    """Read one configuration file: YAML (the whole document) or TOML (``[tool.wa-lint]``,
    or the whole document when it has no ``[tool]`` table)."""
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
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: invalid YAML{where}: {' '.join(str(problem).split())}") from None
    return config_from_dict(data, path)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``.wa-lint.yaml``/``.wa-lint.yml``, or ``pyproject.toml`` with a
    ``[tool.wa-lint]`` table, in ``start`` (default: the working directory) or above it."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        for name in YAML_NAMES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / PYPROJECT
        if (pyproject.is_file() and "wa-lint" in pyproject.read_text(encoding="utf-8", errors="replace")
                and _pyproject_table(_read_toml(pyproject)) is not None):
            return pyproject
    return None


def load_config(explicit: str | None = None, *, isolated: bool = False) -> Config:
    """The configuration in force: ``explicit`` if given, else the nearest one found, else defaults."""
    if isolated:
        return Config()
    if explicit:
        return load_config_file(Path(explicit))
    found = find_config()
    return load_config_file(found) if found else Config()
