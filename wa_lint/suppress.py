"""The filter stage between rules and report: configuration policy and inline suppressions.

A suppression is written in the resource's ``Metadata``, with a reason::

    Metadata:
      wa-lint:
        ignore:
          - {id: WA101, reason: "events are replayed from the source bucket"}

A bare id list (``ignore: [WA101]``) suppresses too, but produces a WA001 info finding asking
for the reason. An entry may say what it ``applies-to`` (:mod:`wa_lint.scopes`): then it
suppresses a finding only when it covers everything the finding reports, and otherwise names the
part it accepts in the finding's message. A rule the configuration makes ``mandatory`` cannot be
suppressed inline: the finding stays and WA004 reports the suppression. cfn-lint's own
``Metadata: cfn-lint: config: ignore_checks: [E9101]`` (wa-lint's cfn-lint plugin ids) is
honoured too. A SAM resource's ``Metadata`` covers everything the translator generated from
it (the expander copies it onto each generated resource). In a CDK app, either the resource's
template ``Metadata`` (``CfnResource.addMetadata``) or a construct's node metadata
(``construct.node.addMetadata``, kept in the cloud assembly's manifest) says it; the latter
covers every resource at or below the construct. Rules never see any of this: they run first, and
:class:`FilterStage` moves what is ignored from a file's findings to its ``suppressed`` list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wa_lint.api import Finding, Pillar, RuleMeta, Severity
from wa_lint.fileio import inside, read_text
from wa_lint.model import InputError, Resource, Stack, mark_of
from wa_lint.results import FileResult, InForce, Suppressed, place
from wa_lint.scopes import Coverage, Scope, accepted_note, coverage, parse_scope

if TYPE_CHECKING:
    from wa_lint.config import Policy
    from wa_lint.graph.model import Graph

METADATA_KEY = "wa-lint"
CFN_LINT_KEY = "cfn-lint"
ENTRY_KEYS = frozenset({"id", "reason", "applies-to"})
CFN_LINT_ID = re.compile(r"^[EWI]9(\d{3})$")


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
mapping with `id` (and `reason`, `applies-to`); its `applies-to` is not a mapping of `actions`,
`resources`, `routes`, `invokers` or `targets` to globs; or the id is neither the id nor the
name of an installed rule.

## Fix
Use `Metadata: {wa-lint: {ignore: [{id: <rule id or name>, reason: "…"}]}}`; `wa-lint rules`
lists the ids.""",
    check=_no_graph_check,
    pack="wa_lint.suppress",
)

MANDATORY_SUPPRESSED = RuleMeta(
    id="WA004",
    name="mandatory-rule-suppressed",
    pillar=Pillar.OPERATIONS,
    severity=Severity.WARNING,
    lens="OPS",
    doc="""An inline suppression of a rule the configuration makes mandatory is refused.

## Why
A platform team that rolls wa-lint out to many teams makes some rules `mandatory` (say WA201 and
WA204): a team cannot accept those risks in its own template. The finding stays in the report,
and this finding shows the suppression that tried to hide it, so that it is removed or the
exception is asked for where the platform team keeps them.

## When it fires
A resource's `Metadata` (`wa-lint: ignore`, CDK node metadata, or cfn-lint's
`ignore_checks`) suppresses a rule listed in `mandatory` by the file's configuration or by a
configuration above it. It fires whether or not the rule has a finding on the resource.

## Fix
Remove the suppression, or ask for an exception in the configuration that makes the rule
mandatory:
```yaml
mandatory: [WA201, WA204]
per-path-ignores:
  "legacy/billing/**":
    - {id: WA201, reason: "migrated in Q3, ticket SEC-123"}
```
A configuration below it (a team's own `.wa-lint.yaml`) cannot ignore the rule either.""",
    check=_no_graph_check,
    pack="wa_lint.suppress",
)

STALE_SUPPRESSION = RuleMeta(
    id="WA005",
    name="stale-suppression",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS",
    enabled=False,
    doc="""A suppression that matches no finding can go.

## Why
Suppressions outlive the code they were written for. One that no longer matches anything hides
nothing today, but it will silently hide the next finding of its rule on that resource, which
nobody has reviewed. Removing stale suppressions keeps the set that is in force reviewable.

## When it fires
An inline suppression (`Metadata: wa-lint: ignore`, CDK node metadata, cfn-lint's
`ignore_checks`) names a rule that ran for the file but reported nothing on the resource, or
nothing its `applies-to` covers. Off by default: enable it with `--select WA005`, or review
every suppression with `wa-lint suppressions`, which also shows configuration entries that
match nothing.

## When it stays silent
- The rule did not run for the file (not selected, or off by default).
- The suppression is refused because the rule is mandatory (WA004 reports it).

## Fix
Delete the entry.""",
    check=_no_graph_check,
    pack="wa_lint.suppress",
)

META_RULES: tuple[RuleMeta, ...] = (SUPPRESSION_WITHOUT_REASON, INVALID_SUPPRESSION, MANDATORY_SUPPRESSED,
                                    STALE_SUPPRESSION)
META_IDS = frozenset(m.id for m in META_RULES)


@dataclass(frozen=True, slots=True)
class Grant:
    """One rule one suppression entry suppresses: where it is written (``origin`` is ``inline``,
    ``construct`` or ``cfn-lint``; ``where`` the resource or construct path), why, and its scope."""

    rule: str
    reason: str
    line: int
    origin: str = "inline"
    where: str = ""
    scope: Scope | None = None

    @property
    def scope_text(self) -> str:
        return self.scope.text() if self.scope is not None else ""


@dataclass(slots=True)
class Entry:
    """One ``wa-lint`` metadata value, parsed: the grants, and what is wrong with it."""

    grants: list[Grant] = field(default_factory=list)
    without_reason: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def rules(self) -> dict[str, str]:
        """Rule id → reason (the last entry's), for callers that ignore scopes."""
        return {g.rule: g.reason for g in self.grants}


@dataclass(slots=True)
class Suppressions:
    """What applies to one resource (as findings name it): the grants in force on it, and the
    entries to check for WA001/WA002 here (each entry is checked on one resource only)."""

    resource: Resource
    line: int
    grants: list[Grant] = field(default_factory=list)
    checks: list[tuple[str, Entry]] = field(default_factory=list)  # (where it is written, entry)

    @property
    def rules(self) -> dict[str, str]:
        return {g.rule: g.reason for g in self.grants}


def _entry(raw: Any, aliases: dict[str, str], out: Entry, line: int, origin: str, where: str) -> None:
    scope: Scope | None = None
    if isinstance(raw, str):
        rule_id, reason = raw.strip(), ""
    elif isinstance(raw, dict):
        unknown = sorted(str(k) for k in raw if k not in ENTRY_KEYS)
        if unknown:
            out.problems.append(f"has an ignore entry with unknown key {unknown[0]!r} (entries take id, reason "
                                "and applies-to)")
        ident, why = raw.get("id"), raw.get("reason")
        if not isinstance(ident, str) or not ident.strip():
            out.problems.append("has an ignore entry without an id")
            return
        rule_id, reason = ident.strip(), why.strip() if isinstance(why, str) else ""
        mark = mark_of(raw)
        line = mark.line if mark is not None and mark.line else line
        if "applies-to" in raw:
            scope, problems = parse_scope(raw["applies-to"])
            if scope is None:
                out.problems.extend(problems)
                return
    else:
        out.problems.append("has an ignore entry that is neither a rule id nor a mapping {id, reason}")
        return
    resolved = aliases.get(rule_id) or aliases.get(rule_id.upper())
    if resolved is None:
        out.problems.append(f"names unknown rule {rule_id!r}")
        return
    out.grants.append(Grant(resolved, reason, line, origin, where, scope))
    if not reason:
        out.without_reason.append(resolved)


def parse_entry(raw: Any, aliases: dict[str, str], line: int = 0, origin: str = "inline",
                where: str = "") -> Entry:
    """Parse a ``wa-lint`` metadata value: ``{ignore: [id | {id, reason, applies-to}, …]}``."""
    out = Entry()
    if not isinstance(raw, dict):
        out.problems.append("must be a mapping with an ignore list")
        return out
    for key in raw:
        if key != "ignore":
            out.problems.append(f"has unknown key {key!r} (expected ignore)")
    entries = raw.get("ignore", [])
    for entry in [entries] if isinstance(entries, str | dict) else entries if isinstance(entries, list) else [None]:
        _entry(entry, aliases, out, line, origin, where)
    return out


def cfn_lint_grants(metadata: Any, aliases: dict[str, str], line: int, where: str) -> list[Grant]:
    """``Metadata: cfn-lint: config: ignore_checks: [E9101, …]``: the ids wa-lint's cfn-lint plugin
    gives its rules (``E9101`` is WA101), honoured by ``wa-lint report`` too. cfn-lint's own ids
    (``E3002``) are not ours and are passed over; cfn-lint has no reason field."""
    config = metadata.get("config") if isinstance(metadata, dict) else None
    checks = config.get("ignore_checks") if isinstance(config, dict) else None
    out = []
    for check in [checks] if isinstance(checks, str) else checks if isinstance(checks, list) else ():
        m = CFN_LINT_ID.match(check.strip()) if isinstance(check, str) else None
        rule_id = aliases.get(f"WA{m.group(1)}") if m else None
        if rule_id is not None:
            out.append(Grant(rule_id, f"cfn-lint ignore_checks {check.strip()}", line, "cfn-lint", where))
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
    except (ValueError, RecursionError):  # malformed, or nested deeper than the parser goes
        return None


def stack_suppressions(stack: Stack, aliases: dict[str, str]) -> dict[str, Suppressions]:
    """Suppressions by the resource name findings use (the SAM resource for generated ones).

    A resource's own ``Metadata.wa-lint`` (and ``Metadata.cfn-lint``) applies to it; resources
    generated from one SAM resource share its ``Metadata`` (the one that keeps the SAM logical id
    is read, else the first). A CDK construct's ``wa-lint`` node metadata applies to every
    resource at or below its construct path."""
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
        metadata = res.metadata if isinstance(res.metadata, dict) else {}
        raw = metadata.get(METADATA_KEY)
        if raw is not None:
            mark = mark_of(res.metadata, METADATA_KEY)
            sup = Suppressions(res, mark.line if mark and mark.line else res.line)
            entry = parse_entry(raw, aliases, sup.line, "inline", owner)
            sup.grants.extend(entry.grants)
            sup.checks.append((owner, entry))
        if metadata.get(CFN_LINT_KEY) is not None:
            mark = mark_of(res.metadata, CFN_LINT_KEY)
            line = mark.line if mark and mark.line else res.line
            grants = cfn_lint_grants(metadata[CFN_LINT_KEY], aliases, line, owner)
            if grants:
                sup = sup or Suppressions(res, line)
                sup.grants.extend(grants)
        if constructs and res.construct_path:
            path = res.construct_path.strip("/")
            for prefix, value in constructs.items():
                if path == prefix or path.startswith(prefix + "/"):
                    sup = sup or Suppressions(res, res.line)
                    holder = home.get(prefix)
                    line = holder.line if holder is not None else res.line
                    entry = parsed_constructs.setdefault(
                        prefix, parse_entry(value, aliases, line, "construct", f"construct {prefix}"))
                    sup.grants.extend(entry.grants)
                    if holder is res:
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
                ids = ", ".join(dict.fromkeys(entry.without_reason))
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


def _with_union(scopes: list[Scope | None]) -> list[Scope | None]:
    """``scopes`` plus their union when several constrain the same kinds (together they cover
    what either covers: one entry for ``s3:Abort*``, another for ``s3:Put*``)."""
    real = [s for s in scopes if s is not None]
    kinds = {tuple(k for k, _ in s.globs) for s in real}
    if len(real) < 2 or len(real) != len(scopes) or len(kinds) != 1:
        return scopes
    union = {k: sorted({g for s in real for kk, gl in s.globs if kk == k for g in gl}) for k in kinds.pop()}
    return [*scopes, Scope(tuple((k, tuple(v)) for k, v in union.items()))]


def _judge(scopes: list[Scope | None], subjects: dict[str, list[str]]) -> Coverage | None:
    """The best coverage ``scopes`` give, alone or together (full first, then the largest
    partial); None when none covers anything."""
    best: Coverage | None = None
    for scope in _with_union(scopes):
        cover = coverage(scope, subjects)
        if cover.full:
            return cover
        if cover.partial and (best is None or sum(map(len, cover.accepted.values()))
                              > sum(map(len, best.accepted.values()))):
            best = cover
    return best


@dataclass(slots=True)
class _Use:
    """How often one suppression matched in one stack."""

    matched: int = 0
    partial: int = 0
    refused: bool = False


@dataclass(slots=True)
class FilterStage:
    """The stack-level filter stage, run by the pipeline after the rules (in the worker).

    Picklable plain data: ``aliases`` names every installed rule (for suppressions),
    ``meta_enabled`` the WA001/WA002/WA004/WA005 checks selected, ``policy`` the configuration's
    overrides, scoped ignores and mandatory rules; ``policies`` the policy of each source (by its
    display path) when files have configurations of their own, ``policy`` then serving the others.
    A policy's ``selected`` drops the findings of rules that ran for other files only. ``ran``
    names the rules the run executes (None: unknown, and no suppression is judged stale).
    ``keep_graphs`` keeps a drawing-sized summary of each stack's graph for the Markdown and
    HTML reports.
    """

    aliases: dict[str, str]
    meta_enabled: frozenset[str] = META_IDS - {STALE_SUPPRESSION.id}
    policy: Policy | None = None
    inline: bool = True
    keep_graphs: bool = False
    policies: dict[str, Policy] = field(default_factory=dict)
    ran: frozenset[str] | None = None

    def __call__(self, stack: Stack, graph: Graph, findings: list[Finding], result: FileResult) -> list[Finding]:
        policy = self.policies.get(result.path, self.policy)
        selected = policy.selected if policy is not None else None
        mandatory = policy.mandatory if policy is not None else {}
        suppressions = stack_suppressions(stack, self.aliases) if self.inline else {}
        meta = self.meta_enabled if selected is None else self.meta_enabled & selected
        uses: dict[Grant, _Use] = {}
        config_uses: dict[int, _Use] = {}
        extra = hygiene_findings(suppressions, meta)
        for sup in suppressions.values():
            for grant in sup.grants:
                use = uses.setdefault(grant, _Use())
                if grant.rule in mandatory and not use.refused:
                    use.refused = True
                    if MANDATORY_SUPPRESSED.id in meta:
                        extra.append(self._refusal(sup, grant, mandatory[grant.rule]))
        for f in extra:
            place(f, stack)  # in the included file when the Metadata came from one
        kept: list[Finding] = []
        for f in [*findings, *extra]:
            if selected is not None and f.rule not in selected:
                continue
            note = ""
            if policy is not None:
                policy.adjust(f)
                entries = policy.matching(f)
                for entry in entries:
                    one = coverage(entry.scope, f.subjects)
                    use = config_uses.setdefault(id(entry), _Use())
                    use.matched += one.full
                    use.partial += one.partial
                cover = _judge([e.scope for e in entries], f.subjects)
                if cover is not None and cover.full:
                    why = "; ".join(dict.fromkeys(e.why for e in entries))
                    scope = "; ".join(dict.fromkeys(e.scope.text() for e in entries if e.scope is not None))
                    result.suppressed.append(Suppressed(f, "config", why, scope))
                    continue
                if cover is not None:
                    note = accepted_note(cover)
            here = suppressions.get(f.resource)
            grants = [g for g in here.grants if g.rule == f.rule] if here is not None else []
            if grants:
                for grant in grants:
                    one = coverage(grant.scope, f.subjects)
                    uses[grant].matched += one.full
                    uses[grant].partial += one.partial
                if f.rule not in mandatory:
                    cover = _judge([g.scope for g in grants], f.subjects)
                    if cover is not None and cover.full:
                        result.suppressed.append(Suppressed(f, "inline", "; ".join(
                            dict.fromkeys(g.reason for g in grants if g.reason)), "; ".join(
                            dict.fromkeys(g.scope_text for g in grants if g.scope_text))))
                        continue
                    if cover is not None and not note:
                        note = accepted_note(cover)
            if note:
                f.message += note
            kept.append(f)
        kept.extend(self._stale(suppressions, uses, meta, selected, stack))
        self._record(result, stack, suppressions, uses, policy, config_uses, selected)
        if self.keep_graphs:
            from wa_lint.report.diagram import graph_summary

            result.graphs.append(graph_summary(graph, {f.resource for f in kept}))
        return kept

    def _refusal(self, sup: Suppressions, grant: Grant, where: str) -> Finding:
        scope = f" ({grant.scope_text})" if grant.scope_text else ""
        f = Finding.at(sup.resource, f"{grant.where} suppresses {grant.rule}{scope}, which {where} makes mandatory: "
                       "the suppression is refused and the rule's findings are reported",
                       fix=f"Remove the {grant.rule} entry, or ask for an exception in {where} (per-path-ignores).",
                       line=grant.line or sup.line)
        return _stamp(f, MANDATORY_SUPPRESSED)

    def _judged(self, rule: str, selected: frozenset[str] | None) -> bool:
        """Whether ``rule``'s findings for this file are known: it ran and the file selects it."""
        return self.ran is not None and rule in self.ran and (selected is None or rule in selected)

    def _stale(self, suppressions: dict[str, Suppressions], uses: dict[Grant, _Use], meta: frozenset[str],
               selected: frozenset[str] | None, stack: Stack) -> list[Finding]:
        if STALE_SUPPRESSION.id not in meta:
            return []
        out: list[Finding] = []
        reported: set[Grant] = set()
        for sup in suppressions.values():
            for grant in sup.grants:
                use = uses[grant]
                if grant in reported or use.refused or use.matched or use.partial:
                    continue
                if not self._judged(grant.rule, selected) or grant.rule in META_IDS:
                    continue
                if grant.origin == "construct" and not any(
                        c[0] == grant.where for c in sup.checks):  # reported once, on the construct's home
                    continue
                reported.add(grant)
                scope = f" ({grant.scope_text})" if grant.scope_text else ""
                f = Finding.at(sup.resource, f"{grant.where} suppresses {grant.rule}{scope}, but {grant.rule} reports "
                               "nothing it covers here: the suppression would hide the next finding unreviewed",
                               fix=f"Remove the {grant.rule} entry.", line=grant.line or sup.line)
                place(f, stack)
                out.append(_stamp(f, STALE_SUPPRESSION))
        return out

    def _record(self, result: FileResult, stack: Stack, suppressions: dict[str, Suppressions],
                uses: dict[Grant, _Use], policy: Policy | None, config_uses: dict[int, _Use],
                selected: frozenset[str] | None) -> None:
        """Every suppression met in this stack, with its use, for ``wa-lint suppressions``."""
        seen: set[Grant] = set()
        for sup in suppressions.values():
            for grant in sup.grants:
                if grant in seen:
                    continue
                seen.add(grant)
                use = uses[grant]
                where = Finding.at(sup.resource, "", "", line=grant.line or sup.line)
                place(where, stack)
                result.suppressions.append(InForce(
                    grant.origin, where.path or stack.path, where.line, grant.rule, grant.where, grant.scope_text,
                    grant.reason, _status(use, self._judged(grant.rule, selected)), use.matched))
        if policy is None:
            return
        for entry in [*policy.ignores, *policy.refused]:
            use = config_uses.get(id(entry), _Use(refused=entry in policy.refused))
            if entry in policy.refused:
                use.refused = True
            result.suppressions.append(InForce(
                "config", entry.source, entry.line, entry.rule, f"{entry.key} {entry.pattern}",
                entry.scope.text() if entry.scope else "", entry.reason,
                _status(use, self._judged(entry.rule, selected)), use.matched))


def _status(use: _Use, judged: bool) -> str:
    if use.refused:
        return "refused"
    if use.matched:
        return "matched"
    if use.partial:
        return "partial"
    return "stale" if judged else "unchecked"
