"""How wa-lint runs inside cfn-lint.

Every wa-lint rule becomes cfn-lint rules: ``WA101`` (error) → ``E9101``, a warning rule →
``W9…``, an info rule → ``I9…``; rules that are off by default are cfn-lint "experimental"
rules (``--include-experimental``). cfn-lint takes a match's severity from its rule id's
letter, so each rule also has a class for the two other letters, which reports the findings
whose severity the configuration (``severity: {WA104: error}``) or the rule itself changed:
WA104 raised to error is ``E9104``, never ``W9104``. Rule packs installed through the
``wa_lint.rules`` entry point get classes the same way. cfn-lint has linted SAM templates untranslated since 1.54,
so the rules do not read cfn-lint's view of the template: the first rule asked about a file
lints it with wa-lint's own loader (SAM translator, nested stacks, CDK metadata), once, and
every rule then reports its share. Matches point at ``Resources/<logical id>`` with the exact
line, so cfn-lint's own ``Metadata: cfn-lint: config: ignore_checks`` works; wa-lint's inline
suppressions and configuration file apply too.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from wa_lint.finding import Finding, RuleMeta, Severity

LOG = logging.getLogger("wa_lint.cfnlint")
LETTER = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "I"}
_ID = re.compile(r"^WA(\d{3})$")
_CACHE: OrderedDict[tuple[str, float, int], dict[str, list[Finding]]] = OrderedDict()
_CACHE_SIZE = 8


def cfn_lint_id(meta: RuleMeta, severity: Severity | None = None) -> str | None:
    """``WA101`` with severity error → ``E9101`` (``severity`` overrides the rule's own); None for
    ids outside the ``WA`` + 3 digits scheme."""
    m = _ID.match(meta.id)
    return f"{LETTER[severity or meta.severity]}9{m.group(1)}" if m else None


def _rules(path: Path) -> tuple[list[RuleMeta], Any]:
    """The rules to run and the filter stage, from the wa-lint configuration nearest the template
    (else the working directory's; a broken one is logged and ignored: cfn-lint must still run)."""
    from wa_lint.config import Config, ConfigError
    from wa_lint.config_tree import ConfigTree
    from wa_lint.plugins import select_rules
    from wa_lint.setup import all_rules, prepare_run

    every = all_rules()
    try:
        config = ConfigTree(every).for_path(path)
    except ConfigError as exc:
        LOG.warning("wa-lint: ignoring configuration: %s", exc)
        config = Config()
    selected = select_rules(every, ["ALL"] if config.select is None else config.select, config.ignore)
    return prepare_run(every, selected, config.policy(every))


def _lint(path: Path, display: str) -> dict[str, list[Finding]]:
    from wa_lint.discover import Source
    from wa_lint.pipeline import lint_source

    rules, stage = _rules(path)
    result = lint_source(Source(path, display, "template", True, path.parent), rules, stage)
    if result.internal_error:
        LOG.warning("wa-lint: %s", result.internal_error)
    by_rule: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.path == display:  # findings in nested templates belong to those files
            by_rule.setdefault(f.rule, []).append(f)
    return by_rule


def findings_for(cfn: Any) -> dict[str, list[Finding]]:
    """wa-lint's findings for the template cfn-lint is linting, by wa-lint rule id (cached)."""
    filename = getattr(cfn, "filename", None)
    if filename and filename != "-" and os.path.isfile(filename):
        path = Path(filename)
        key = (str(path.resolve()), path.stat().st_mtime, 0)
        if key not in _CACHE:
            _remember(key, _lint(path, filename))
        return _CACHE[key]
    template = getattr(cfn, "template", None)  # read from stdin: lint cfn-lint's parsed copy
    key = ("<stdin>", 0.0, id(template))
    if key not in _CACHE:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "template.json"
            copy.write_text(json.dumps(template, default=str), encoding="utf-8")
            found = _lint(copy, str(copy))
        _remember(key, found)
    return _CACHE[key]


def _remember(key: tuple[str, float, int], value: dict[str, list[Finding]]) -> None:
    _CACHE[key] = value
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


class WaLintRule(CloudFormationLintRule):  # type: ignore[misc]  # cfn-lint ships no type information
    """Base of the generated classes; kept out of the plugin module so cfn-lint does not load it."""

    wa_id = ""
    wa_severity = Severity.ERROR
    wa_default = Severity.ERROR

    def match(self, cfn: Any) -> list[RuleMatch]:
        from wa_lint.report.source import safe_fix, safe_message

        matches = []
        for f in findings_for(cfn).get(self.wa_id, []):
            if (f.severity or self.wa_default) is not self.wa_severity:
                continue  # another letter's class reports it
            match = RuleMatch(["Resources", f.resource], f"{safe_message(f)} (fix: {safe_fix(f)})")
            if f.line:
                column = max(f.column - 1, 0)
                match.location = (f.line - 1, column, f.line - 1, column + len(f.resource))
            matches.append(match)
        return matches


def _class_name(meta: RuleMeta) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", meta.name) if part) + meta.id


@lru_cache(maxsize=1)
def rule_classes() -> dict[str, type[CloudFormationLintRule]]:
    """Three classes per wa-lint rule with an id in the ``WA`` + 3 digits scheme (one per
    severity letter; the rule's own first), by class name. Made once per process, so cfn-lint
    finds the same classes by module path and by directory."""
    from wa_lint.plugins import load_rules
    from wa_lint.report import help_uri

    classes: dict[str, type[CloudFormationLintRule]] = {}
    for meta in load_rules():
        if cfn_lint_id(meta) is None:
            continue
        others = [s for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if s is not meta.severity]
        for severity in (meta.severity, *others):
            name = _class_name(meta) + ("" if severity is meta.severity else f"As{severity.value.capitalize()}")
            changed = "" if severity is meta.severity else f" (reported as {severity.value} by configuration)"
            classes[name] = _rule_class(name, meta, severity, changed, help_uri(meta) or "")
    return classes


def _rule_class(name: str, meta: RuleMeta, severity: Severity, changed: str, url: str) -> type[WaLintRule]:
    attrs = {
        "id": cfn_lint_id(meta, severity),
        "wa_id": meta.id,
        "wa_severity": severity,
        "wa_default": meta.severity,
        "shortdesc": f"{meta.id} {meta.name}{changed}",
        "description": meta.summary,
        "source_url": url,
        "tags": ["wa-lint", "well-architected", meta.pillar.value],
        "experimental": not meta.enabled,
        "__module__": __name__,
        "__doc__": meta.summary,
    }
    return type(name, (WaLintRule,), attrs)
