"""What a rule pack needs: the ``@rule`` decorator, severities, pillars and ``Finding``.

Third-party packs import from here only, so this module is the stable plugin API.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from wa_lint.graph.alarms import DepthAlarms, depth_alarms
from wa_lint.graph.api_auth import Operation, operations
from wa_lint.graph.api_stages import ApiStage, api_stages, is_private
from wa_lint.graph.arm64 import X86Function, x86_functions
from wa_lint.graph.builders.invoke_common import each, walk
from wa_lint.graph.capacity import Burst, FixedStore, bursts, fixed_stores
from wa_lint.graph.data_reads import WideRead, managed_wide_reads, written_wide_reads
from wa_lint.graph.log_groups import LogGroups, LogWriter, log_groups, log_writers
from wa_lint.graph.model import Edge, Graph
from wa_lint.graph.names import name_text
from wa_lint.graph.open_policies import OpenStatement, is_website, open_statements
from wa_lint.graph.reliability import dead_letter_sources
from wa_lint.graph.rest_features import RestApiUse, rest_api_uses
from wa_lint.iam.query import condition_of as statement_condition
from wa_lint.iam.query import located as statement_location
from wa_lint.iam.query import reach_text, role_names, short_list
from wa_lint.iam.query import where as statement_where
from wa_lint.model import Resource
from wa_lint.values import branches


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Pillar(StrEnum):
    RELIABILITY = "reliability"
    SECURITY = "security"
    PERFORMANCE = "performance"
    COST = "cost"
    OPERATIONS = "operational-excellence"

    @property
    def label(self) -> str:
        return {
            "reliability": "Reliability",
            "security": "Security",
            "performance": "Performance efficiency",
            "cost": "Cost optimization",
            "operational-excellence": "Operational excellence",
        }[self.value]


@dataclass(slots=True)
class Related:
    """Another resource a finding involves (the invoker, the role, the policy). ``via`` is the
    evidence of the cross-stack link that brought it in (``export shop-data-DlqArn``), set only
    for a resource of another stack when one link explains it."""

    resource: str
    line: int
    path: str = ""
    via: str | None = None


@dataclass(slots=True)
class Finding:
    """One problem on one resource. Rules fill the what; the engine stamps rule and file."""

    resource: str
    resource_type: str
    line: int
    column: int
    message: str
    fix: str
    construct_path: str | None = None
    source_resource: str | None = None
    condition: str | None = None
    related: list[Related] = field(default_factory=list)
    severity: Severity | None = None  # a rule may raise or lower its default per finding
    masked: list[str] = field(default_factory=list)  # secrets no output may show (code frames)
    subjects: dict[str, list[str]] = field(default_factory=dict)  # what it reports, for scoped suppressions
    rule: str = ""
    name: str = ""
    pillar: str = ""
    path: str = ""
    stack: str = ""

    @classmethod
    def at(
        cls,
        res: Resource,
        message: str,
        fix: str,
        *,
        related: list[Resource] | None = None,
        severity: Severity | None = None,
        line: int | None = None,
        condition: str | None = None,
        masked: list[str] | None = None,
        subjects: dict[str, list[str]] | None = None,
    ) -> Finding:
        """A finding on ``res`` at the line the user wrote (the SAM resource for generated ones).

        ``subjects`` names what the finding reports, by kind (``actions``, ``resources``,
        ``routes``, ``invokers``, ``targets``; see :mod:`wa_lint.scopes`), so that a suppression
        can accept part of it."""
        name = res.source_resource or res.logical_id
        seen = {name}
        related_list = []
        for r in related or ():
            other = r.source_resource or r.logical_id
            if other not in seen:  # a SAM event's generated rule is the function the user wrote
                seen.add(other)
                related_list.append(Related(other, r.line))
        return cls(
            resource=name,
            resource_type=res.type,
            line=line if line is not None else res.line,
            column=res.column,
            message=message,
            fix=fix,
            construct_path=res.construct_path,
            source_resource=res.source_resource,
            condition=condition or res.condition,
            related=related_list,
            severity=severity,
            masked=list(masked or ()),
            subjects={k: list(dict.fromkeys(v)) for k, v in (subjects or {}).items() if v},
        )

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line, self.column, self.rule, self.resource, self.message)


RuleFunction = Callable[[Graph], Iterator[Finding]]
AppliesTo = Callable[[Graph], Iterable[Resource]]
"""The resources a rule judges in a graph: each is either reported or passes (see :func:`rule`)."""


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """A rule's identity and documentation; ``doc`` is the function's docstring."""

    id: str
    name: str
    pillar: Pillar
    severity: Severity
    lens: str
    doc: str
    check: RuleFunction
    enabled: bool = True
    pack: str = ""
    applies_to: AppliesTo | None = None

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name

    def evaluated(self, graph: Graph) -> list[str] | None:
        """The resources the rule judged, named as findings name them (the resource the user
        wrote); None when the rule does not say."""
        if self.applies_to is None:
            return None
        return list(dict.fromkeys(r.source_resource or r.logical_id for r in self.applies_to(graph)))


def rule(
    *,
    id: str,
    name: str,
    pillar: Pillar,
    severity: Severity,
    lens: str,
    enabled: bool = True,
    applies_to: AppliesTo | None = None,
) -> Callable[[RuleFunction], RuleFunction]:
    """Declare a rule. The decorated function's docstring is its documentation.

    ``applies_to`` (optional) yields the resources the rule judges in a graph, each one reported
    or passed; the rule's check should loop over the same function, so the two cannot drift.
    Good fixtures use it to state which resources the rule must have evaluated
    (``<case>.evaluated.json``, see docs/writing-rules.md)."""

    def register(fn: RuleFunction) -> RuleFunction:
        doc = inspect.cleandoc(fn.__doc__ or "")
        meta = RuleMeta(id, name, pillar, severity, lens, doc, fn, enabled, fn.__module__, applies_to)
        fn.wa_lint_rule = meta  # type: ignore[attr-defined]
        return fn

    return register


__all__ = [
    "ApiStage", "AppliesTo", "DepthAlarms", "Edge", "Finding", "Graph", "LogWriter", "Operation", "Pillar",
    "Related", "Resource", "RuleMeta", "Severity", "api_stages", "branches", "dead_letter_sources",
    "depth_alarms", "each", "is_private", "log_writers", "name_text", "operations", "rule", "walk",
]
__all__ += [  # second-round rules, part B
    "Burst",
    "FixedStore",
    "LogGroups",
    "OpenStatement",
    "RestApiUse",
    "WideRead",
    "X86Function",
    "bursts",
    "fixed_stores",
    "is_website",
    "log_groups",
    "managed_wide_reads",
    "open_statements",
    "reach_text",
    "rest_api_uses",
    "role_names",
    "short_list",
    "statement_condition",
    "statement_location",
    "statement_where",
    "written_wide_reads",
    "x86_functions",
]
