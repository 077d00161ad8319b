"""The filter stage between rules and report: configuration policy and inline suppressions.

A suppression is written in the resource's ``Metadata``, with a reason::

    Metadata:
      wa-lint:
        ignore:
          - {id: WA101, reason: "events are replayed from the source bucket"}

A bare id list (``ignore: [WA101]``) suppresses too, but produces a WA001 info finding asking
for the reason. A SAM resource's ``Metadata`` covers everything the translator generated from
it (the expander copies it onto each generated resource). In a CDK app, either the resource's
template ``Metadata`` (``CfnResource.addMetadata``) or a construct's node metadata
(``construct.node.addMetadata``, kept in the cloud assembly's manifest) says it; the latter
covers every resource at or below the construct. Rules never see any of this: they run first, and
:class:`FilterStage` moves what is ignored from a file's findings to its ``suppressed`` list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wa_lint.api import Finding, Pillar, RuleMeta, Severity
from wa_lint.fileio import inside, read_text
from wa_lint.model import InputError, Resource, Stack, mark_of

if TYPE_CHECKING:
    from wa_lint.config import Policy
    from wa_lint.graph.model import Graph
    from wa_lint.pipeline import FileResult

METADATA_KEY = "wa-lint"
ENTRY_KEYS = frozenset({"id", "reason"})


@dataclass(slots=True)
class Suppressed:
    """A finding the filter stage took out of the report, and why.

    ``kind`` is ``inline`` (resource Metadata), ``config`` (a ``per-…-ignores`` entry) or
    ``baseline``; ``reason`` is the user's reason or the configuration entry that matched."""

    finding: Finding
    kind: str
    reason: str


def _no_graph_check(graph: Graph) -> Iterator[Finding]:
    return iter(())


SUPPRESSION_WITHOUT_REASON = RuleMeta(
    id="WA001",
    name="suppression-without-reason",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS",
    doc="""A suppression should say why the finding does not apply.

## Why
A suppression without a reason cannot be reviewed: nobody can tell later whether the risk was
accepted on purpose, and whether it still applies after the resource changed.

## When it fires
A resource's `Metadata.wa-lint.ignore` lists a rule as a bare id (`ignore: [WA101]`) or as an
entry without a non-empty `reason`. The suppression still applies.

## Fix
```yaml
Metadata:
  wa-lint:
    ignore:
      - id: WA101
        reason: events are replayed from the source bucket by the nightly job
```""",
    check=_no_graph_check,
    pack="wa_lint.suppress",
)

INVALID_SUPPRESSION = RuleMeta(
    id="WA002",
    name="invalid-suppression",
    pillar=Pillar.OPERATIONS,
    severity=Severity.WARNING,
    lens="OPS",
    doc="""A suppression that names no known rule, or is malformed, suppresses nothing.

## Why
A typo in a suppression (`WA1O1`) or a misplaced key silently matches nothing, so the finding
the author meant to accept keeps failing the build, or the author believes a rule is accepted
when it is not.

## When it fires
`Metadata.wa-lint` has a key other than `ignore`; an `ignore` entry is neither a rule id nor a
mapping with `id` (and `reason`); or the id is neither the id nor the name of an installed rule.

## Fix
Use `Metadata: {wa-lint: {ignore: [{id: <rule id or name>, reason: "…"}]}}`; `wa-lint rules`
lists the ids.""",
    check=_no_graph_check,
    pack="wa_lint.suppress",
)

META_RULES: tuple[RuleMeta, ...] = (SUPPRESSION_WITHOUT_REASON, INVALID_SUPPRESSION)
META_IDS = frozenset(m.id for m in META_RULES)


@dataclass(slots=True)
class Entry:
    """One ``wa-lint`` metadata value, parsed: rule id → reason (empty when missing)."""

    rules: dict[str, str] = field(default_factory=dict)
    without_reason: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Suppressions:
    """What applies to one resource (as findings name it): the rules it suppresses, and the
    entries to check for WA001/WA002 here (each entry is checked on one resource only)."""

    resource: Resource
    line: int
    rules: dict[str, str] = field(default_factory=dict)
    checks: list[tuple[str, Entry]] = field(default_factory=list)  # (where it is written, entry)


def _entry(raw: Any, aliases: dict[str, str], out: Entry) -> None:
    if isinstance(raw, str):
        rule_id, reason = raw.strip(), ""
    elif isinstance(raw, dict):
        unknown = sorted(str(k) for k in raw if k not in ENTRY_KEYS)
        if unknown:
            out.problems.append(f"has an ignore entry with unknown key {unknown[0]!r} (entries take id and reason)")
        ident, why = raw.get("id"), raw.get("reason")
        if not isinstance(ident, str) or not ident.strip():
            out.problems.append("has an ignore entry without an id")
            return
        rule_id, reason = ident.strip(), why.strip() if isinstance(why, str) else ""
    else:
        out.problems.append("has an ignore entry that is neither a rule id nor a mapping {id, reason}")
        return
    resolved = aliases.get(rule_id) or aliases.get(rule_id.upper())
    if resolved is None:
        out.problems.append(f"names unknown rule {rule_id!r}")
        return
    out.rules[resolved] = reason
    if not reason:
        out.without_reason.append(resolved)


def parse_entry(raw: Any, aliases: dict[str, str]) -> Entry:
    """Parse a ``wa-lint`` metadata value: ``{ignore: [id | {id, reason}, …]}``."""
    out = Entry()
    if not isinstance(raw, dict):
        out.problems.append("must be a mapping with an ignore list")
        return out
    for key in raw:
        if key != "ignore":
            out.problems.append(f"has unknown key {key!r} (expected ignore)")
    entries = raw.get("ignore", [])
    for entry in [entries] if isinstance(entries, str | dict) else entries if isinstance(entries, list) else [None]:
        _entry(entry, aliases, out)
    return out


def construct_entries(stack: Stack) -> dict[str, Any]:
    """``wa-lint`` entries a CDK app added with ``construct.node.addMetadata("wa-lint", …)``:
    they are in the cloud assembly's manifest (or its ``additionalMetadataFile``), not in the
    template. Construct path → value. Files that do not mention ``wa-lint`` are not parsed."""
    if stack.kind != "cdk":
        return {}
    manifest = stack.base_dir / "manifest.json"
    try:
        stamp = manifest.stat().st_mtime_ns
    except OSError:
        return {}
    found: dict[str, Any] = {}
    for raw in _assembly_metadata(str(stack.base_dir), stamp):
        if not isinstance(raw, dict):
            continue
        for path, items in raw.items():
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and item.get("type") == METADATA_KEY and isinstance(path, str):
                    found[path.strip("/")] = item.get("data")
    return found


@lru_cache(maxsize=32)
def _assembly_metadata(directory: str, stamp: int) -> tuple[Any, ...]:
    """The metadata maps of every artifact in the assembly at ``directory`` that mention ``wa-lint``."""
    base = Path(directory)
    manifest = _read_json_mentioning(base / "manifest.json", force=True)
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    maps: list[Any] = []
    files: set[str] = set()  # each file read once, however many artifacts name it
    for artifact in artifacts.values() if isinstance(artifacts, dict) else ():
        if not isinstance(artifact, dict):
            continue
        maps.append(artifact.get("metadata"))
        extra = artifact.get("additionalMetadataFile")
        if isinstance(extra, str) and extra and extra not in files and inside(base / extra, base):
            files.add(extra)  # never outside the assembly
            maps.append(_read_json_mentioning(base / extra))
    return tuple(m for m in maps if m)


def _read_json_mentioning(path: Path, force: bool = False) -> Any:
    try:
        text = read_text(path, str(path))  # bounded, regular files only
    except InputError:
        return None
    if not force and METADATA_KEY not in text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def stack_suppressions(stack: Stack, aliases: dict[str, str]) -> dict[str, Suppressions]:
    """Suppressions by the resource name findings use (the SAM resource for generated ones).

    A resource's own ``Metadata.wa-lint`` applies to it; resources generated from one SAM
    resource share its ``Metadata`` (the one that keeps the SAM logical id is read, else the
    first). A CDK construct's ``wa-lint`` node metadata applies to every resource at or below
    its construct path."""
    owners: dict[str, Resource] = {}
    for res in stack.resources.values():
        owner = res.source_resource or res.logical_id
        if owner not in owners or res.logical_id == owner:
            owners[owner] = res
    constructs = construct_entries(stack)
    home = _construct_homes(list(owners.values()), constructs) if constructs else {}
    parsed_constructs: dict[str, Entry] = {}
    found: dict[str, Suppressions] = {}
    for owner, res in owners.items():
        sup: Suppressions | None = None
        raw = res.metadata.get(METADATA_KEY) if isinstance(res.metadata, dict) else None
        if raw is not None:
            mark = mark_of(res.metadata, METADATA_KEY)
            sup = Suppressions(res, mark.line if mark and mark.line else res.line)
            entry = parse_entry(raw, aliases)
            sup.rules.update(entry.rules)
            sup.checks.append((owner, entry))
        if constructs and res.construct_path:
            path = res.construct_path.strip("/")
            for prefix, value in constructs.items():
                if path == prefix or path.startswith(prefix + "/"):
                    sup = sup or Suppressions(res, res.line)
                    entry = parsed_constructs.setdefault(prefix, parse_entry(value, aliases))
                    for rule_id, reason in entry.rules.items():
                        sup.rules.setdefault(rule_id, reason)
                    if home.get(prefix) is res:
                        sup.checks.append((f"construct {prefix}", entry))
        if sup is not None:
            found[owner] = sup
    return found


def _construct_homes(resources: list[Resource], constructs: dict[str, Any]) -> dict[str, Resource]:
    """The resource a construct entry's WA001/WA002 findings are reported on: the construct's own
    ``Resource``/``Default`` child when it has one, else the first resource below it."""
    homes: dict[str, Resource] = {}
    for prefix in constructs:
        below = [r for r in resources if r.construct_path
                 and (r.construct_path.strip("/") + "/").startswith(prefix + "/")]
        own = [r for r in below if r.construct_path and r.construct_path.strip("/") in
               (f"{prefix}/Resource", f"{prefix}/Default", prefix)]
        if own or below:
            homes[prefix] = (own or below)[0]
    return homes


def hygiene_findings(suppressions: dict[str, Suppressions], enabled: frozenset[str]) -> list[Finding]:
    """WA001 (no reason) and WA002 (invalid) findings for the stack's suppressions."""
    out: list[Finding] = []
    for sup in suppressions.values():
        for where, entry in sup.checks:
            if SUPPRESSION_WITHOUT_REASON.id in enabled and entry.without_reason:
                ids = ", ".join(entry.without_reason)
                f = Finding.at(sup.resource, f"{where} suppresses {ids} without a reason: say why the finding does "
                               "not apply so the suppression can be reviewed",
                               fix=f"Write each entry as {{id: {entry.without_reason[0]}, reason: \"…\"}} "
                                   f"under the {METADATA_KEY} metadata's ignore list.", line=sup.line)
                out.append(_stamp(f, SUPPRESSION_WITHOUT_REASON))
            if INVALID_SUPPRESSION.id in enabled:
                for problem in dict.fromkeys(entry.problems):
                    f = Finding.at(sup.resource, f"the {METADATA_KEY} metadata of {where} {problem}: "
                                   "it suppresses nothing",
                                   fix="Use wa-lint: {ignore: [{id: <rule id or name>, reason: \"…\"}]} "
                                       "(`wa-lint rules` lists the ids).", line=sup.line)
                    out.append(_stamp(f, INVALID_SUPPRESSION))
    return out


def _stamp(finding: Finding, meta: RuleMeta) -> Finding:
    finding.rule, finding.name, finding.pillar = meta.id, meta.name, meta.pillar.value
    finding.severity = finding.severity or meta.severity
    return finding


def rule_aliases(rules: list[RuleMeta]) -> dict[str, str]:
    """Id and name → id for every known rule (suppressions may use either)."""
    aliases: dict[str, str] = {}
    for meta in [*rules, *META_RULES]:
        aliases[meta.id] = meta.id
        aliases[meta.name] = meta.id
    return aliases


@dataclass(slots=True)
class FilterStage:
    """The stack-level filter stage, run by the pipeline after the rules (in the worker).

    Picklable plain data: ``aliases`` names every installed rule (for suppressions),
    ``meta_enabled`` the WA001/WA002 checks selected, ``policy`` the configuration's
    overrides and scoped ignores; ``policies`` the policy of each source (by its display
    path) when files have configurations of their own, ``policy`` then serving the others.
    A policy's ``selected`` drops the findings of rules that ran for other files only.
    ``keep_graphs`` keeps a drawing-sized summary of each stack's graph for the Markdown and
    HTML reports.
    """

    aliases: dict[str, str]
    meta_enabled: frozenset[str] = META_IDS
    policy: Policy | None = None
    inline: bool = True
    keep_graphs: bool = False
    policies: dict[str, Policy] = field(default_factory=dict)

    def __call__(self, stack: Stack, graph: Graph, findings: list[Finding], result: FileResult) -> list[Finding]:
        policy = self.policies.get(result.path, self.policy)
        selected = policy.selected if policy is not None else None
        suppressions = stack_suppressions(stack, self.aliases) if self.inline else {}
        meta = self.meta_enabled if selected is None else self.meta_enabled & selected
        extra = hygiene_findings(suppressions, meta)
        from wa_lint.pipeline import place

        for f in extra:
            place(f, stack)  # in the included file when the Metadata came from one
        kept: list[Finding] = []
        for f in [*findings, *extra]:
            if selected is not None and f.rule not in selected:
                continue
            if policy is not None:
                policy.adjust(f)
                why = policy.ignored_by(f)
                if why is not None:
                    result.suppressed.append(Suppressed(f, "config", why))
                    continue
            sup = suppressions.get(f.resource)
            if sup is not None and f.rule in sup.rules:
                result.suppressed.append(Suppressed(f, "inline", sup.rules[f.rule]))
                continue
            kept.append(f)
        if self.keep_graphs:
            from wa_lint.report.diagram import graph_summary

            result.graphs.append(graph_summary(graph, {f.resource for f in kept}))
        return kept
