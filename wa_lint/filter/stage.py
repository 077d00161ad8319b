"""The stack-level filter stage, run by the pipeline after the rules, in the worker: each finding
goes through the file's configuration policy (:mod:`wa_lint.filter.policy`), then the inline
suppressions (:mod:`wa_lint.filter.inline`; a mandatory rule's are refused, WA004), and a
suppression that matched nothing is stale (WA005). Every suppression met is recorded with its use
for ``wa-lint suppressions``. The pipeline then masks secrets in what was kept and taken out
(:mod:`wa_lint.filter.masking`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wa_lint.filter.checks import MANDATORY_SUPPRESSED, META_IDS, STALE, stamp
from wa_lint.filter.inline import Grant, Suppressions, hygiene_findings, stack_suppressions
from wa_lint.filter.policy import Use, by_policy, judge
from wa_lint.finding import Finding
from wa_lint.model import Stack
from wa_lint.results import FileResult, InForce, Suppressed, place
from wa_lint.scopes import accepted_note, coverage

if TYPE_CHECKING:
    from wa_lint.config import Policy
    from wa_lint.graph.model import Graph


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
    meta_enabled: frozenset[str] = META_IDS - {STALE}
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
        uses: dict[Grant, Use] = {}
        config_uses: dict[int, Use] = {}
        extra = hygiene_findings(suppressions, meta)
        for sup in suppressions.values():
            for grant in sup.grants:
                use = uses.setdefault(grant, Use())
                if grant.rule in mandatory and not use.refused:
                    use.refused = True
                    if MANDATORY_SUPPRESSED in meta:
                        extra.append(self._refusal(sup, grant, mandatory[grant.rule]))
        for f in extra:
            place(f, stack)  # in the included file when the Metadata came from one
        kept: list[Finding] = []
        for f in [*findings, *extra]:
            if selected is not None and f.rule not in selected:
                continue
            note = ""
            if policy is not None:
                hidden, note = by_policy(policy, f, config_uses)
                if hidden is not None:
                    result.suppressed.append(hidden)
                    continue
            here = suppressions.get(f.resource)
            grants = [g for g in here.grants if g.rule == f.rule] if here is not None else []
            if grants:
                for grant in grants:
                    one = coverage(grant.scope, f.subjects)
                    uses[grant].matched += one.full
                    uses[grant].partial += one.partial
                if f.rule not in mandatory:
                    cover = judge([g.scope for g in grants], f.subjects)
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
            from wa_lint.graph.summary import graph_summary

            result.graphs.append(graph_summary(graph, {f.resource for f in kept}))
        return kept

    def _refusal(self, sup: Suppressions, grant: Grant, where: str) -> Finding:
        scope = f" ({grant.scope_text})" if grant.scope_text else ""
        f = Finding.at(sup.resource, f"{grant.where} suppresses {grant.rule}{scope}, which {where} makes mandatory: "
                       "the suppression is refused",
                       fix=f"Remove the {grant.rule} entry, or ask for an exception in {where} (per-path-ignores).",
                       line=grant.line or sup.line)
        return stamp(f, MANDATORY_SUPPRESSED)

    def _judged(self, rule: str, selected: frozenset[str] | None) -> bool:
        """Whether ``rule``'s findings for this file are known: it ran and the file selects it."""
        return self.ran is not None and rule in self.ran and (selected is None or rule in selected)

    def _stale(self, suppressions: dict[str, Suppressions], uses: dict[Grant, Use], meta: frozenset[str],
               selected: frozenset[str] | None, stack: Stack) -> list[Finding]:
        if STALE not in meta:
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
                out.append(stamp(f, STALE))
        return out

    def _record(self, result: FileResult, stack: Stack, suppressions: dict[str, Suppressions],
                uses: dict[Grant, Use], policy: Policy | None, config_uses: dict[int, Use],
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
                target = grant.where.removeprefix(f"{grant.origin} ")  # "construct" + "construct Stack/Path"
                result.suppressions.append(InForce(
                    grant.origin, where.path or stack.path, where.line, grant.rule, target, grant.scope_text,
                    grant.reason, _status(use, self._judged(grant.rule, selected)), use.matched))
        if policy is None:
            return
        for entry in [*policy.ignores, *policy.refused]:
            use = config_uses.get(id(entry), Use(refused=entry in policy.refused))
            if entry in policy.refused:
                use.refused = True
            result.suppressions.append(InForce(
                "config", entry.source, entry.line, entry.rule, f"{entry.key} {entry.pattern}",
                entry.scope.text() if entry.scope else "", entry.reason,
                _status(use, self._judged(entry.rule, selected)), use.matched))


def _status(use: Use, judged: bool) -> str:
    if use.refused:
        return "refused"
    if use.matched:
        return "matched"
    if use.partial:
        return "partial"
    return "stale" if judged else "unchecked"
