"""One set-up of a run's rules and filter stage, shared by every way wa-lint runs: the CLI
(``report``, ``suppressions``), the cfn-lint plugin and the language server.

Each of them reads configuration its own way (a tree over many files, or the one file cfn-lint or
the editor has), then asks :func:`prepare_run` for the same two things: the rules the rules stage
executes and the filter stage (:class:`~wa_lint.filter.stage.FilterStage`) that applies each
file's policy and inline suppressions afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from wa_lint.filter.checks import META_IDS, rule_aliases
from wa_lint.filter.stage import FilterStage
from wa_lint.finding import RuleMeta

if TYPE_CHECKING:
    from pathlib import Path

    from wa_lint.config import Policy


def all_rules(cache: Path | None = None) -> list[RuleMeta]:
    """Every installed rule, the suppression checks (WA001, WA002, WA004, WA005) among them, by id.
    With ``cache`` (a result cache's directory), through the rules manifest kept there
    (:mod:`wa_lint.rule_manifest`): a run whose files are all cache hits imports no rule pack."""
    if cache is not None:
        from wa_lint.rule_manifest import rules_through

        return rules_through(cache)
    from wa_lint.plugins import load_rules

    return load_rules()


class RunSetup(NamedTuple):
    """``run``: the rules the rules stage executes (the suppression checks are the filter
    stage's); ``stage``: the filter stage, with the policies and the checks selected."""

    run: list[RuleMeta]
    stage: FilterStage


def prepare_run(every: list[RuleMeta], selected: list[RuleMeta], policy: Policy | None, *,
                policies: dict[str, Policy] | None = None, keep_graphs: bool = False, judge_stale: bool = False,
                aliases: dict[str, str] | None = None) -> RunSetup:
    """The run for ``selected`` (the union of every file's selection) among ``every`` known rule.

    ``policy`` governs files without one of their own in ``policies`` (display path → policy);
    ``keep_graphs`` keeps graph summaries for the formats that draw; ``judge_stale`` lets WA005
    judge suppressions against the rules that ran (only a run that knows them all may).
    ``aliases`` (:func:`~wa_lint.filter.checks.rule_aliases` of ``every``) may be passed when the
    caller keeps them between runs."""
    run = [m for m in selected if m.id not in META_IDS]
    stage = FilterStage(aliases=aliases if aliases is not None else rule_aliases(every),
                        meta_enabled=frozenset(m.id for m in selected) & META_IDS, policy=policy,
                        keep_graphs=keep_graphs, policies=dict(policies or {}),
                        ran=frozenset(m.id for m in run) if judge_stale else None)
    return RunSetup(run, stage)
