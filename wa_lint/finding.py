"""What a rule is and what it reports: ``Finding``, severities, pillars, ``RuleMeta`` and ``@rule``.

Near the bottom of the stack: every stage may import it; it imports only the graph model. Rule packs
get these names from :mod:`wa_lint.api`, which re-exports them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from wa_lint.graph.model import Graph
from wa_lint.model import Resource


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
        related: Sequence[Resource | Related] | None = None,
        severity: Severity | None = None,
        line: int | None = None,
        condition: str | None = None,
        masked: list[str] | None = None,
        subjects: dict[str, list[str]] | None = None,
    ) -> Finding:
        """A finding on ``res`` at the line the user wrote (the SAM resource for generated ones).

        ``subjects`` names what the finding reports, by kind (``actions``, ``resources``,
        ``routes``, ``invokers``, ``targets``; see :mod:`wa_lint.scopes`), so that a suppression
        can accept part of it. ``related`` takes resources, or :class:`Related` locations that are
        not resources (the handler line a glue finding rests on)."""
        name = res.source_resource or res.logical_id
        seen = {name}
        related_list = []
        for r in related or ():
            if isinstance(r, Related):  # a location that is not a resource (the handler's call)
                related_list.append(r)
                continue
            other = r.source_resource or r.logical_id
            if other not in seen:  # a SAM event's generated rule is the function the user wrote
                seen.add(other)
                related_list.append(Related(other, r.line))
        return cls(
            resource=name,
            resource_type=res.type,
            line=line if line is not None else res.line,
            column=res.column if line is None else res.column_at(line),  # 0: a line of another resource
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


#: A message is one sentence of at most this many characters (tests/test_messages.py); the
#: explanation is the rule's *Why*, the remedy its ``fix``.
MESSAGE_MAX = 160


def fitting(candidates: Iterable[str], budget: int = MESSAGE_MAX) -> str:
    """The first message of ``candidates`` (most detailed first) that fits ``budget``, else the
    last one: lists name as many items as fit."""
    last = ""
    for last in candidates:
        if len(last) <= budget:
            return last
    return last


def fit_message(message: str, budget: int = MESSAGE_MAX) -> str:
    """``message`` on one line within ``budget``: the engine's last step for every rule's message
    (third-party rules included), after the rule's own :func:`fitting`. A message says first what
    is wrong with which resource and then, after a colon, what follows from it. So: the
    consequence clauses go first (while what remains still says something); then the longest
    names are shortened in the middle (``monitoring/Calcu…able7052596D``); a message still too
    long (a long list) loses words from its middle, keeping its subject and what is wrong."""
    text = " ".join(message.split())
    while len(text) > budget and ": " in text and len(text.rsplit(": ", 1)[0]) >= _HEAD_FLOOR:
        text = text.rsplit(": ", 1)[0]
    words = text.split(" ")
    for floor in _NAME_FLOORS:  # every long name to 24 characters first; only then some down to 16
        while len(" ".join(words)) > budget:
            longest = max(range(len(words)), key=lambda i: len(words[i]))
            excess = len(" ".join(words)) - budget
            if len(words[longest]) <= floor:  # names are this short now: nothing left to shorten
                break
            word = words[longest]  # one shortened before loses its middle "…" with the rest of its middle
            keep = max(floor - 1, len(word) - excess - 1)  # characters kept; with "…" at most the floor
            words[longest] = word[: keep - keep // 2] + "…" + word[len(word) - keep // 2:]
    text = " ".join(words)
    if len(text) <= budget:
        return text
    # Still too long (a long list): keep the subject at the start and what is wrong at the end.
    head_budget = (budget - 3) * 2 // 5
    tail_budget = budget - 3 - head_budget
    head = text[:head_budget]
    head = head[: head.rfind(" ")] if " " in head else head
    tail = text[len(text) - tail_budget:]
    tail = tail[tail.find(" ") + 1:] if " " in tail else tail
    return f"{head.rstrip(' ,;(')} … {tail}"


_NAME_FLOORS = (24, 16)
"""Names are shortened to 24 characters (enough to recognise them), and only when that is not
enough to 16, before the message loses words from its middle."""
_HEAD_FLOOR = 40
"""A clause after a colon is dropped only when what remains is at least this long (not just a name)."""


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
