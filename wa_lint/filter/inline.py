"""Step 2 of the filter stage: inline suppressions, read from the template and the CDK assembly.

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
:class:`~wa_lint.filter.stage.FilterStage` moves what is ignored from a file's findings to its
``suppressed`` list. WA001 and WA002 findings about the suppressions themselves come from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wa_lint.filter.checks import INVALID, WITHOUT_REASON, stamp
from wa_lint.finding import Finding
from wa_lint.model import Resource, Stack, mark_of
from wa_lint.plugins import from_cfn_lint_id
from wa_lint.scopes import Scope, parse_scope

METADATA_KEY = "wa-lint"
CFN_LINT_KEY = "cfn-lint"
ENTRY_KEYS = frozenset({"id", "reason", "applies-to"})


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
    """One ``ignore`` item. Its own line when it is a mapping written in the template; a CDK
    construct's entries come from the assembly's metadata file, whose lines are not the template's:
    they keep ``line`` (the construct's resource)."""
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
        mark = mark_of(raw) if origin != "construct" else None
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
        wa_id = from_cfn_lint_id(check.strip()) if isinstance(check, str) else None
        rule_id = aliases.get(wa_id) if wa_id else None
        if rule_id is not None:
            out.append(Grant(rule_id, f"cfn-lint ignore_checks {check.strip()}", line, "cfn-lint", where))
    return out


def construct_entries(stack: Stack) -> dict[str, Any]:
    """``wa-lint`` entries a CDK app added with ``construct.node.addMetadata("wa-lint", …)``:
    they are in the cloud assembly's manifest (or its ``additionalMetadataFile``), not in the
    template. Construct path → value, as the CDK expander read them with the stack
    (``Stack.construct_metadata``): the assembly is not read again here."""
    return stack.construct_metadata if stack.kind == "cdk" else {}


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
            if WITHOUT_REASON in enabled and entry.without_reason:
                ids = ", ".join(dict.fromkeys(entry.without_reason))
                f = Finding.at(sup.resource, f"{where} suppresses {ids} without a reason: say why the finding does "
                               "not apply so the suppression can be reviewed",
                               fix=f"Write each entry as {{id: {entry.without_reason[0]}, reason: \"…\"}} "
                                   f"under the {METADATA_KEY} metadata's ignore list.", line=sup.line)
                out.append(stamp(f, WITHOUT_REASON))
            if INVALID in enabled:
                for problem in dict.fromkeys(entry.problems):
                    f = Finding.at(sup.resource, f"the {METADATA_KEY} metadata of {where} {problem}: "
                                   "it suppresses nothing",
                                   fix="Use wa-lint: {ignore: [{id: <rule id or name>, reason: \"…\"}]} "
                                       "(`wa-lint rules` lists the ids).", line=sup.line)
                    out.append(stamp(f, INVALID))
    return out
