"""Rule packs: the built-in one and third-party ones load the same way, through entry points.

A pack is a module or package named by an entry point in the ``wa_lint.rules`` group; every
function in it (and in its submodules) decorated with ``@rule`` is a rule.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

from wa_lint.finding import RuleMeta

ENTRY_POINT_GROUP = "wa_lint.rules"
CFN_LINT_ID = re.compile(r"^[EWI]9(\d{3})$")
"""The id wa-lint's cfn-lint plugin gives a rule (``E9101`` is WA101 at error; W and I by severity)."""
BUILTIN_PACK = "wa_lint.rules"


class PluginError(Exception):
    """A rule pack that cannot be loaded or that clashes with another."""


def _modules(pack: str) -> list[ModuleType]:
    root = importlib.import_module(pack)
    found = [root]
    if hasattr(root, "__path__"):
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{pack}."):
            found.append(importlib.import_module(info.name))
    return found


def pack_names() -> list[str]:
    """The packs the ``wa_lint.rules`` entry points name, the built-in one first when not installed."""
    from wa_lint.entry_points import entry_point_values

    try:
        values = entry_point_values(ENTRY_POINT_GROUP)
    except Exception as exc:  # importlib.metadata, on an installation it cannot read
        raise PluginError(f"cannot read the installed packages' entry points: {exc}") from exc
    names = [value.split(":")[0] for value in values]
    if BUILTIN_PACK not in names:  # running from a source tree without installed metadata
        names.insert(0, BUILTIN_PACK)
    return list(dict.fromkeys(names))


def load_rules() -> list[RuleMeta]:
    """Every rule of every installed pack, sorted by id. Duplicate ids are an error."""
    rules: dict[str, RuleMeta] = {}
    for pack in pack_names():
        try:
            modules = _modules(pack)
        except Exception as exc:  # a broken third-party pack must not hide the others' cause
            raise PluginError(f"cannot load rule pack {pack}: {exc}") from exc
        for module in modules:
            for obj in vars(module).values():
                meta = getattr(obj, "wa_lint_rule", None)
                if not isinstance(meta, RuleMeta):
                    continue
                other = rules.get(meta.id)
                if other is not None and other.check is not meta.check:
                    raise PluginError(f"rule id {meta.id} is defined by {other.pack} and {meta.pack}")
                rules[meta.id] = meta
    return sorted(rules.values(), key=lambda m: m.id)


def selector_matches(meta: RuleMeta, selector: str, *, exact: bool = False) -> bool:
    """``ALL``, an id (``WA101``), a name, or an id prefix (``WA1``): the one rule selector matcher
    (``--select``/``--ignore``, configuration, ``wa-lint explain`` with ``exact``: one id or name)."""
    s = selector.strip()
    up = s.upper()
    if exact:
        return up == meta.id or s == meta.name
    return up == "ALL" or up == meta.id or s == meta.name or (up.startswith("WA") and meta.id.startswith(up))


def select_rules(
    rules: list[RuleMeta], select: list[str] | None = None, ignore: list[str] | None = None
) -> list[RuleMeta]:
    """Rules to run: enabled ones, or exactly those selected (ids, names or id prefixes like
    ``WA1``, or ``ALL``), minus ignored ones. Unknown selectors are a usage error."""
    for selector in (select or []) + (ignore or []):
        if not any(selector_matches(m, selector) for m in rules) and selector.strip().upper() != "ALL":
            raise PluginError(f"unknown rule {selector!r}{rule_hint(selector, rules)} (see `wa-lint rules`)")
    chosen = [m for m in rules if any(selector_matches(m, s) for s in select)] if select else \
        [m for m in rules if m.enabled]
    return [m for m in chosen if not any(selector_matches(m, s) for s in ignore or [])]


def rule_hint(word: str, rules: list[RuleMeta]) -> str:
    """`` (did you mean 'queue-without-dlq'?)`` for a near miss of a rule id or name, else empty."""
    if len(word) > 100:  # nobody mistypes a rule id that long; difflib is quadratic
        return ""
    import difflib

    digits = word.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")  # WA1O1 is WA101
    exact = [m.id for m in rules if digits.startswith("WA") and m.id == "WA" + digits[2:]]
    close = exact or difflib.get_close_matches(word.strip(), [m.id for m in rules] + [m.name for m in rules], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def find_rule(rules: list[RuleMeta], key: str) -> RuleMeta | None:
    """The rule one id or name names (``wa-lint explain``), or the id wa-lint's cfn-lint plugin gives
    it (``E9101`` / ``W9101`` / ``I9101`` is WA101, whatever the letter: severity is configurable)."""
    found = next((meta for meta in rules if selector_matches(meta, key, exact=True)), None)
    wa_id = from_cfn_lint_id(key.strip().upper())
    if found is None and wa_id is not None:
        found = next((meta for meta in rules if meta.id == wa_id), None)
    return found


def from_cfn_lint_id(check: str) -> str | None:
    """``WA101`` for ``E9101``, ``W9101`` or ``I9101`` (any letter: the severity is configurable),
    else None; cfn-lint's own ids (``E3002``) are not ours."""
    m = CFN_LINT_ID.match(check)
    return f"WA{m.group(1)}" if m else None
