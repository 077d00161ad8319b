"""Frequent schedules with a constant input: periodic pings, not business events.

A rule or schedule that fires at least hourly and sends a constant input (or none: the scheduled
event itself) carries nothing a failure could lose: a keep-warm ping dropped is harmless, and a
periodic job's next run comes within the hour. WA101 and WA106 stay quiet about them (RULES.md,
round 2); a daily or rarer schedule, an event pattern, or an input taken from the event still counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wa_lint.graph.builders.invoke_common import functions_in, items, text, walk
from wa_lint.graph.model import Edge, Graph
from wa_lint.model import Resource

RATE = re.compile(r"rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)", re.IGNORECASE)
CRON = re.compile(r"cron\(([^)]*)\)", re.IGNORECASE)
#: Cron hour fields that mean "every hour".
EVERY_HOUR = frozenset({"*", "*/1", "0/1", "0-23"})
ANY_DAY = frozenset({"*", "?"})
#: Scheduler context attributes substituted into a target's input at each run.
SCHEDULER_CONTEXT = "<aws.scheduler."


@dataclass(frozen=True, slots=True)
class Ping:
    """A frequent schedule with a constant input: ``expression`` as written, ``payload`` says
    ``a constant input`` or ``no input``."""

    expression: str
    payload: str

    def __str__(self) -> str:
        return f"{self.expression} with {self.payload}"


def at_least_hourly(expression: Any) -> bool:
    """Whether a schedule expression fires at least once an hour, every hour.

    ``rate(N minutes)`` up to 60, ``rate(1 hour)``, or a cron whose hour, day and month fields
    are all wildcards; ``at(…)``, anything rarer or unreadable is not.
    """
    if not isinstance(expression, str):
        return False
    rate = RATE.fullmatch(expression.strip())
    if rate:
        count, unit = int(rate.group(1)), rate.group(2).lower()
        return (unit.startswith("minute") and 1 <= count <= 60) or (unit.startswith("hour") and count == 1)
    cron = CRON.fullmatch(expression.strip())
    if not cron:
        return False
    fields = cron.group(1).split()
    if len(fields) not in (5, 6):
        return False
    _minute, hour, day, month, weekday = fields[:5]
    year = fields[5] if len(fields) == 6 else "*"
    return hour in EVERY_HOUR and day in ANY_DAY and month == "*" and weekday in ANY_DAY and year == "*"


def _rule_payload(target: dict[str, Any]) -> str | None:
    """An EventBridge target's input: constant (``Input``), none (the scheduled event), or
    taken from the event (``InputPath``, ``InputTransformer``: None)."""
    if target.get("InputPath") is not None or target.get("InputTransformer") is not None:
        return None
    return "a constant input" if target.get("Input") is not None else "no input"


def _scheduler_payload(graph: Graph, target: dict[str, Any]) -> str | None:
    """A Scheduler target's input: constant unless it uses context attributes filled in per run."""
    value = target.get("Input")
    if value is None:
        return "no input"
    return None if SCHEDULER_CONTEXT in text(graph, value) else "a constant input"


def _targets(graph: Graph, res: Resource) -> list[tuple[dict[str, Any], str | None]]:
    """``(target, payload)`` for every target of a rule or schedule."""
    if res.type == "AWS::Events::Rule":
        return [(t, _rule_payload(t)) for _c, t in items(res, "Targets")]
    if res.type == "AWS::Scheduler::Schedule":
        return [(t, _scheduler_payload(graph, t)) for _c, t in walk(res.properties, ("Target",), res.condition)
                if isinstance(t, dict)]
    return []


def frequent(graph: Graph, res: Resource) -> str | None:
    """The schedule expression of a rule or schedule that fires at least hourly and matches
    no event pattern, else None."""
    if res.type not in ("AWS::Events::Rule", "AWS::Scheduler::Schedule") or res.prop("EventPattern") is not None:
        return None
    expression = graph.resolver.scalar(res.prop("ScheduleExpression"))
    return expression.strip() if at_least_hourly(expression) else None


def target_ping(graph: Graph, res: Resource, target: dict[str, Any]) -> Ping | None:
    """The ping one target of a rule or schedule receives, when it is one."""
    expression = frequent(graph, res)
    if expression is None:
        return None
    payload = (_rule_payload(target) if res.type == "AWS::Events::Rule"
               else _scheduler_payload(graph, target))
    return Ping(expression, payload) if payload is not None else None


def invocation_ping(graph: Graph, edge: Edge) -> Ping | None:
    """The ping an asynchronous ``invokes`` edge delivers, when its source is a frequent schedule
    whose every target naming the function sends a constant or no input."""
    res = graph.resource(edge.src)
    if res is None:
        return None
    expression = frequent(graph, res)
    if expression is None:
        return None
    payloads = {payload for target, payload in _targets(graph, res)
                if any(fn == edge.dst for fn, _q, _c in functions_in(graph, target.get("Arn")))}
    if not payloads or None in payloads:
        return None
    return Ping(expression, " or ".join(sorted(str(p) for p in payloads)))
