"""Unbounded consumers and stores of fixed capacity: a query module for WA303.

A function's concurrency grows with its input unless something bounds it. Lambda scales an SQS
mapping up to 1,250 concurrent executions unless ``ScalingConfig.MaximumConcurrency`` caps it; a
stream mapping runs one batch per shard, times ``ParallelizationFactor``; asynchronous sources
(S3, SNS, EventBridge patterns) run as many executions as events arrive. ``Reserved
ConcurrentExecutions`` bounds all of them. A store has fixed capacity when a burst cannot make it
bigger: a relational database's connection limit (unless an RDS Proxy pools connections or the
Data API needs none), or a DynamoDB table in ``PROVISIONED`` mode without write auto scaling.

The answers come from the graph: ``invokes`` edges with their mappings, ``connects``/``fronts``
edges (:mod:`wa_lint.graph.database`) and ``grants`` edges into tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from wa_lint.graph import database as db_graph
from wa_lint.graph.builders.invoke_common import scalar
from wa_lint.graph.model import Edge, Graph
from wa_lint.graph.reliability import SOURCE_NAMES, number
from wa_lint.iam import data
from wa_lint.model import Resource
from wa_lint.values import referenced_resources

TABLE, SCALABLE_TARGET = "AWS::DynamoDB::Table", "AWS::ApplicationAutoScaling::ScalableTarget"
WRITES = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
          "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete")
_MEMO = "wa_lint.capacity.write_scaled_tables"


@dataclass(frozen=True, slots=True)
class Burst:
    """A source that can raise the function's concurrency without a bound: the ``invokes`` edge,
    how a message names it, and ``kind`` (``sqs``, ``stream``, ``async``) for the fix."""

    edge: Edge
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class FixedStore:
    """A store of fixed capacity the function uses: ``kind`` is ``rds`` or ``dynamodb``."""

    node: str
    kind: str
    text: str  # what the message says about its capacity, after the store's name
    via: tuple[Edge, ...]


def _scheduled(graph: Graph, edge: Edge) -> bool:
    """A schedule runs the function once per period: no burst."""
    for node in (edge.via, edge.src):
        res = graph.resource(node)
        if res is None:
            continue
        if res.type == "AWS::Scheduler::Schedule":
            return True
        if res.type == "AWS::Events::Rule" and res.prop("ScheduleExpression") is not None \
                and res.prop("EventPattern") is None:
            return True
    return False


def bursts(graph: Graph, fn: Resource) -> list[Burst]:
    """The sources that can scale the function out without a bound; [] when its concurrency is
    reserved (or its ``ReservedConcurrentExecutions`` cannot be read: it may be bounded)."""
    if fn.prop("ReservedConcurrentExecutions") is not None:
        return []
    found: list[Burst] = []
    for edge in graph.invokers(fn):
        mode = edge.get("mode")
        source = graph.label(edge.src)
        if mode == "poll":
            mapping = graph.resource(edge.via)
            kind = edge.get("source_type")
            if mapping is None:
                continue
            noun = SOURCE_NAMES.get(str(kind), "source")
            if kind == "sqs" and mapping.prop("ScalingConfig", "MaximumConcurrency") is None:
                found.append(Burst(edge, f"fed by {noun} {source} without MaximumConcurrency", "sqs"))
            elif kind in ("kinesis", "dynamodb"):
                factor = number(graph, mapping.prop("ParallelizationFactor"), 1)
                if factor is not None and factor > 1:
                    found.append(Burst(edge, f"fed by {noun} {source} with ParallelizationFactor {factor}",
                                       "stream"))
        elif mode == "async" and not _scheduled(graph, edge):
            found.append(Burst(edge, f"invoked asynchronously by {graph.label(edge.src, fn.source_resource)}",
                               "async"))
    return found


def _write_scaled(graph: Graph) -> tuple[set[str], bool]:
    """Tables with a write-capacity scalable target, and whether some target could not be tied
    to a table of this stack (then any provisioned table may be the one it scales)."""
    return graph.memo(_MEMO, lambda: _find_write_scaled(graph))


def _find_write_scaled(graph: Graph) -> tuple[set[str], bool]:
    tables: set[str] = set()
    unknown = False
    by_name = {name: t.logical_id for t in graph.of_type(TABLE, include_internal=True)
               if isinstance(name := scalar(graph, t.prop("TableName")), str)}
    for target in graph.of_type(SCALABLE_TARGET, include_internal=True):
        namespace = scalar(graph, target.prop("ServiceNamespace"))
        if isinstance(namespace, str) and namespace != "dynamodb":
            continue
        dimension = scalar(graph, target.prop("ScalableDimension"))
        if isinstance(dimension, str) and dimension != "dynamodb:table:WriteCapacityUnits":
            continue
        refs = [r for r in referenced_resources(target.prop("ResourceId"), graph.stack.resources)
                if graph.stack.resources[r].type == TABLE]
        literal = scalar(graph, target.prop("ResourceId"))
        if not refs and isinstance(literal, str) and literal.removeprefix("table/") in by_name:
            refs = [by_name[literal.removeprefix("table/")]]
        if refs:
            tables.update(refs)
        else:
            unknown = True
    return tables, unknown


def _provisioned(graph: Graph, table: Resource) -> str | None:
    """``5 WCU`` / ``provisioned`` for a table in PROVISIONED mode; None when on demand or unknown."""
    mode = table.prop("BillingMode")
    known = scalar(graph, mode) if mode is not None else "PROVISIONED"
    if known != "PROVISIONED" or table.prop("ProvisionedThroughput") is None:
        return None
    wcu = number(graph, table.prop("ProvisionedThroughput", "WriteCapacityUnits"))
    return f"{wcu} WCU" if wcu is not None else "fixed write capacity"


def _writes(edge: Edge) -> bool:
    statement = edge.get("statement")
    if edge.get("effect") != "Allow" or not isinstance(statement, dict) or "Action" not in statement:
        return False
    patterns = [str(a) for a in statement.get("Action") or ()]
    return any(data.matches(p, w) for p in patterns for w in WRITES)


def fixed_stores(graph: Graph, fn: Resource) -> list[FixedStore]:
    """Relational databases the function connects to without a proxy or the Data API, and
    PROVISIONED tables without write auto scaling that its role may write to."""
    found: list[FixedStore] = []
    if db_graph.in_vpc(fn)[0] and not db_graph.deployment_only(graph, fn):
        proxy_edges = db_graph.proxies(graph, fn)
        for db_id, edges in db_graph.connections(graph, fn).items():
            if any(e.get("path") == "data_api" for e in edges):
                continue
            direct = any(e.get("path") == "endpoint" for e in edges)
            via_proxy, unknown_proxy = db_graph.fronting(graph, proxy_edges, db_id)
            if (via_proxy or unknown_proxy) and not direct:
                continue
            found.append(FixedStore(db_id, "rds", "not through an RDS Proxy", tuple(edges)))
    role = graph.role_of(fn)
    if role is None:
        return found
    scaled, unknown = _write_scaled(graph)
    tables: dict[str, list[Edge]] = {}
    for edge in graph.out_edges(role, "grants"):
        res = graph.resource(edge.dst)
        if res is not None and res.type == TABLE and _writes(edge):
            tables.setdefault(edge.dst, []).append(edge)
    for table_id, edges in tables.items():
        capacity = _provisioned(graph, graph.stack.resources[table_id])
        if capacity is None or unknown or table_id in scaled:
            continue
        found.append(FixedStore(table_id, "dynamodb", f"a PROVISIONED table ({capacity}, no auto scaling)",
                                tuple(edges)))
    return found
