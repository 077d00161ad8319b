"""The resource graph of one stack, and the queries rules ask of it.

A directed multigraph (``Graph.nx`` gives it as a ``networkx.MultiDiGraph``) whose nodes are
logical ids (plus ``external:…`` nodes for things the
template names but does not define: an imported ARN, a service principal) and whose edges have a
``kind`` from the vocabulary in ``docs/architecture.md``. Indexes by type and by edge kind are kept
beside it so no rule has to scan the whole graph per resource.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from wa_lint.model import Resource, Stack
from wa_lint.values import Resolver, target

if TYPE_CHECKING:
    import networkx

FUNCTION = "AWS::Lambda::Function"
STATE_MACHINE = "AWS::StepFunctions::StateMachine"

#: How messages name a service whose resource the template does not name (a permission without SourceArn).
SERVICE_LABELS = {"s3": "S3", "sns": "SNS", "sqs": "SQS", "events": "EventBridge", "logs": "CloudWatch Logs",
                  "iot": "IoT", "ses": "SES", "apigateway": "API Gateway", "codecommit": "CodeCommit",
                  "config": "Config", "scheduler": "Scheduler", "cognito-idp": "Cognito"}
#: Edge kinds. Builders add edges only of these kinds; rules speak this vocabulary.
EDGE_KINDS = frozenset(
    {
        "ref", "invokes", "on_failure", "on_success", "dead_letter", "executes_as",
        "grants", "connects", "fronts", "integrates",
    }
)
MODES = frozenset({"sync", "async", "poll"})
T = TypeVar("T")
#: Resource types the SAM translator generates for a function's ``Events`` entries.
SAM_EVENT_TYPES = frozenset(
    {
        "AWS::Events::Rule", "AWS::Scheduler::Schedule", "AWS::SNS::Subscription",
        "AWS::Logs::SubscriptionFilter", "AWS::IoT::TopicRule", "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::Permission",
    }
)


def shorten(name: str, budget: int = 40) -> str:
    """``name`` cut in the middle with ``…`` to at most ``budget`` characters, so a long CDK id
    keeps its construct and its hash (``Ingest/Kinesis…StreamD1E2F3A4``). Only for message text:
    the finding's ``resource`` and code frame keep the full name."""
    if len(name) <= budget:
        return name
    base, paren, note = name.partition(" (")
    if paren and name.endswith(")") and len(base) > len(note) + 8:  # ``X (from SAM Api)``: cut X only
        return shorten(base, max(budget - len(paren + note), 8)) + paren + note
    keep = max(budget - 1, 2)
    head = (keep + 1) // 2
    return f"{name[:head]}…{name[len(name) - (keep - head):]}"


@dataclass(slots=True)
class Edge:
    """One meaningful relation. ``via`` is the resource that expresses it (the permission, the
    rule, the mapping); ``condition`` the template condition it depends on, if any."""

    src: str
    dst: str
    kind: str
    via: str | None = None
    condition: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.attrs[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.attrs.get(key, default)


class Graph:
    """The resource graph of one :class:`Stack` with indexes for rules."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self._nodes: dict[str, dict[str, Any]] = {}
        self.attrs: dict[str, Any] = {}  # graph-level knowledge builders share (not edges)
        self._nx: networkx.MultiDiGraph | None = None
        self.resolver = Resolver(stack.parameters, stack.mappings, stack.resources)
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._out: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        self._in: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        self._by_kind: dict[str, list[Edge]] = defaultdict(list)
        self._seen: set[tuple[str, str, str, str | None]] = set()
        self._memo: dict[Any, Any] = {}
        for res in stack.resources.values():
            self._nodes[res.logical_id] = {"type": res.type, "resource": res}
            self._by_type[res.type].append(res)

    # -- derived knowledge ----------------------------------------------------------------------
    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()`` once per graph under ``key``: the one home for knowledge derived from the
        graph (query results, parsed definitions), so no module keeps a cache keyed on graphs and
        the knowledge dies with the graph. Keys are namespaced by their module
        (``"wa_lint.graph.api_stages"``, or a tuple starting with that name)."""
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    # -- nodes -------------------------------------------------------------------------------
    def resource(self, logical_id: str | None) -> Resource | None:
        if logical_id is None:
            return None
        return self.stack.resources.get(logical_id)

    def of_type(self, *types: str, include_internal: bool = False) -> list[Resource]:
        """Resources of the given types, in template order; CDK internals only when asked."""
        found: list[Resource] = []
        for t in types:
            found.extend(r for r in self._by_type.get(t, ()) if include_internal or not r.internal)
        return found

    def functions(self, include_internal: bool = False) -> list[Resource]:
        return self.of_type(FUNCTION, include_internal=include_internal)

    def external(self, name: str) -> str:
        """A node for something outside the template (an import, a principal, a literal ARN)."""
        node = f"external:{name}"
        self._add_external(node)
        return node

    def _add_external(self, node: str) -> None:
        if node not in self._nodes:
            self._nodes[node] = {"type": "external", "resource": None}
            if self._nx is not None:
                self._nx.add_node(node)
                self._nx._node[node] = self._nodes[node]

    def has_node(self, node: str) -> bool:
        return node in self._nodes

    def node(self, node: str) -> dict[str, Any]:
        """The attribute dict of a node (``type``, ``resource``, and what builders record, e.g.
        ``unknown_invokers``); builders may write to it."""
        return self._nodes[node]

    def nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        return iter(self._nodes.items())

    @property
    def nx(self) -> networkx.MultiDiGraph:
        """The same graph as a ``networkx.MultiDiGraph``, built on first use: linting does not pay
        networkx's import (about 0.3 s) and rules that want its algorithms still have them."""
        if self._nx is None:
            import networkx

            graph = networkx.MultiDiGraph()
            graph.graph = self.attrs
            for name, data in self._nodes.items():
                graph.add_node(name)
                graph._node[name] = data  # share the attribute dicts, not copies
            for kind in self.edge_kinds():
                for e in self.edges(kind):
                    self._nx_edge(graph, e)
            self._nx = graph
        return self._nx

    @staticmethod
    def _nx_edge(graph: networkx.MultiDiGraph, e: Edge) -> None:
        graph.add_edge(e.src, e.dst, key=f"{e.kind}:{e.via}", kind=e.kind, via=e.via,
                       condition=e.condition, **e.attrs)

    # -- edges -------------------------------------------------------------------------------
    def add_edge(
        self,
        src: str,
        dst: str,
        kind: str,
        via: str | None = None,
        condition: str | None = None,
        **attrs: Any,
    ) -> Edge | None:
        """Add an edge once: the same (src, dst, kind, via) twice is one edge."""
        if kind not in EDGE_KINDS:
            raise ValueError(f"unknown edge kind {kind!r}")
        key = (src, dst, kind, via)
        if key in self._seen:
            return None
        self._seen.add(key)
        edge = Edge(src, dst, kind, via, condition, attrs)
        for node in (src, dst):
            self._add_external(node)
        if self._nx is not None:
            self._nx_edge(self._nx, edge)
        self._out[(src, kind)].append(edge)
        self._in[(dst, kind)].append(edge)
        self._by_kind[kind].append(edge)
        return edge

    def edges(self, kind: str) -> list[Edge]:
        return self._by_kind.get(kind, [])

    def edge_kinds(self) -> list[str]:
        """Kinds present in this graph, sorted."""
        return sorted(self._by_kind)

    def out_edges(self, node: str, kind: str) -> list[Edge]:
        return self._out.get((node, kind), [])

    def in_edges(self, node: str, kind: str) -> list[Edge]:
        return self._in.get((node, kind), [])

    # -- questions rules ask ------------------------------------------------------------------
    def invokers(self, fn: Resource | str, mode: str | None = None) -> list[Edge]:
        """``invokes`` edges into a function or state machine, optionally of one mode."""
        node = fn if isinstance(fn, str) else fn.logical_id
        edges = self.in_edges(node, "invokes")
        return [e for e in edges if mode is None or e.get("mode") == mode]

    def failure_destinations(self, node: Resource | str) -> list[Edge]:
        name = node if isinstance(node, str) else node.logical_id
        return self.out_edges(name, "on_failure")

    def role_of(self, node: Resource | str) -> str | None:
        name = node if isinstance(node, str) else node.logical_id
        edges = self.out_edges(name, "executes_as")
        return edges[0].dst if edges else None

    # -- helpers for builders ------------------------------------------------------------------
    def target(self, value: Any) -> str | None:
        """The one resource in this stack that ``value`` points at (see :func:`values.target`)."""
        return target(value, self.stack.resources)

    def function_target(self, value: Any) -> str | None:
        """The function (or state machine) a value invokes: itself, or the one behind an alias or
        version (``FunctionName`` of ``AWS::Lambda::Alias``/``Version``; a state machine alias's
        routed version)."""
        seen: set[str] = set()
        node = self.target(value)
        while node is not None and node not in seen:
            seen.add(node)
            res = self.stack.resources[node]
            if res.type in (FUNCTION, STATE_MACHINE):
                return node
            if res.type in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
                node = self.target(res.prop("FunctionName"))
                continue
            if res.type == "AWS::StepFunctions::StateMachineVersion":
                node = self.target(res.prop("StateMachineArn"))
                continue
            if res.type == "AWS::StepFunctions::StateMachineAlias":
                routes = res.prop("RoutingConfiguration")
                first = routes[0] if isinstance(routes, list) and routes else None
                version = (first.get("StateMachineVersionArn") if isinstance(first, dict)
                           else res.prop("DeploymentPreference", "StateMachineVersionArn"))
                node = self.target(version)
                continue
            return None
        return None

    def label(self, node: str, owner: str | None = None) -> str:
        """How a message names a node: the construct for CDK output, the SAM resource it came
        from for generated resources, the service or ARN for external nodes. ``owner`` is the
        SAM resource a message is about: its own events read "its Nightly event"."""
        res = self.resource(node)
        if res is None:
            name = node.removeprefix("external:")
            service, sep, rest = name.partition(":")
            if sep and rest == "unknown":  # a principal with no SourceArn: say what is unknown
                return f"an unnamed {SERVICE_LABELS.get(service, service)} source"
            return name
        if res.construct_path:  # a foreign resource (another stack's, wa_lint/link) keeps its stack's name
            parts = res.construct_path.split("/")[0 if res.foreign_stack else 1:]
            if len(parts) > 1 and parts[-1] in ("Resource", "Default"):
                parts = parts[:-1]
            return "/".join(parts) or res.logical_id
        source = res.source_resource
        if source and source != res.logical_id:
            suffix = res.logical_id.removeprefix(source)
            if res.type in SAM_EVENT_TYPES and suffix and suffix != res.logical_id:
                return f"its {suffix} event" if source == owner else f"the {suffix} event of {source}"
            return f"{res.logical_id} (from SAM {source})"
        return res.logical_id

    def names(self, nodes: Iterable[str], owner: str | None = None) -> str:
        """Human list of node names for messages: ``A, B and C``."""
        items = list(dict.fromkeys(self.label(n, owner) for n in nodes))
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + " and " + items[-1]

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.stack.resources.values())
