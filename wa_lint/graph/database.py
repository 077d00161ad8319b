"""Questions about functions and relational databases, asked of ``connects`` / ``fronts`` edges
(built by ``wa_lint/graph/builders/database.py``): which databases a function reaches and how,
whether an RDS Proxy or the Data API stands between, whether it runs in a VPC, and how far its
concurrency can grow. WA301 reads like its description because these answers live here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from wa_lint.graph.builders.database import DATABASES, DB_CLUSTER, DB_INSTANCE, PROXIES
from wa_lint.graph.builders.invoke_common import scalar, walk
from wa_lint.graph.model import Edge, Graph
from wa_lint.model import Resource
from wa_lint.values import references

#: Engines RDS Proxy supports that RULES.md covers (prefix match on ``Engine``).
PROXY_ENGINES = ("mysql", "mariadb", "postgres", "aurora")
#: Path kinds in the order messages prefer them.
PATH_ORDER = ("endpoint", "iam_auth", "secret", "network", "data_api")
#: Functions that only run at deployment or rotation: CloudFormation custom resources, CDK's
#: provider framework (which names the user's handlers in these variables), secret rotation.
PROVIDER_VARIABLES = ("USER_ON_EVENT_FUNCTION_ARN", "USER_IS_COMPLETE_FUNCTION_ARN")


def cluster_of(graph: Graph, db: Resource) -> Resource | None:
    """The Aurora cluster an instance belongs to (``DBClusterIdentifier``)."""
    if db.type != DB_INSTANCE:
        return None
    found = graph.resource(graph.target(db.prop("DBClusterIdentifier")))
    return found if found is not None and found.type == DB_CLUSTER else None


def engine(graph: Graph, db: Resource) -> str | None:
    """The engine, taken from the cluster for its instances; None when unknown."""
    value = scalar(graph, db.prop("Engine"))
    cluster = cluster_of(graph, db)
    if cluster is not None:
        value = scalar(graph, cluster.prop("Engine")) or value
    return value.lower() if isinstance(value, str) and value else None


def proxy_applies(graph: Graph, db: Resource) -> bool:
    """Whether RDS Proxy can front this database: a MySQL, MariaDB or PostgreSQL engine (Aurora
    included) and not Aurora Serverless v1 (``EngineMode: serverless``, which the proxy refuses)."""
    name = engine(graph, db)
    if name is None or not name.startswith(PROXY_ENGINES):
        return False
    holder = cluster_of(graph, db) or db
    if holder.prop("EngineMode") is None:
        return True
    mode = scalar(graph, holder.prop("EngineMode"))
    return isinstance(mode, str) and mode.lower() != "serverless"


def in_vpc(fn: Resource) -> tuple[bool, str | None]:
    """Whether the function is attached to subnets, and the condition when only an ``Fn::If``
    branch attaches it."""
    alternatives = list(walk(fn.properties, ("VpcConfig", "SubnetIds"), fn.condition))
    attached = [cond for cond, value in alternatives if value is not None and value != []]
    if not attached:
        return False, None
    return True, fn.condition if len(attached) == len(alternatives) else attached[0]


def concurrency(graph: Graph, fn: Resource) -> str:
    """How the function limits its concurrency, as a message phrase."""
    reserved = scalar(graph, fn.prop("ReservedConcurrentExecutions"))
    if isinstance(reserved, int) and not isinstance(reserved, bool):
        return f"its concurrency is capped at {reserved} (ReservedConcurrentExecutions)"
    if fn.prop("ReservedConcurrentExecutions") is not None:
        return "its ReservedConcurrentExecutions cannot be read"
    callers = graph.invokers(fn)
    caps: list[int] = []
    for edge in callers:
        mapping = graph.resource(edge.via)
        cap = scalar(graph, mapping.prop("ScalingConfig", "MaximumConcurrency")) if mapping else None
        if edge.get("mode") != "poll" or not isinstance(cap, int):
            caps = []
            break
        caps.append(cap)
    if caps:
        return f"its event source mappings cap its concurrency at {sum(caps)}"
    return "its concurrency is not limited"


def _databases(graph: Graph, node: str) -> set[str]:
    """The databases a node stands for: itself and, for an Aurora instance, its cluster."""
    res = graph.resource(node)
    if res is None:
        return {node}
    cluster = cluster_of(graph, res)
    return {node} | ({cluster.logical_id} if cluster else set())


def connections(graph: Graph, fn: Resource) -> dict[str, list[Edge]]:
    """``connects`` edges into databases, grouped by database (Aurora instances under their
    cluster), paths in :data:`PATH_ORDER`."""
    grouped: dict[str, list[Edge]] = defaultdict(list)
    for edge in graph.out_edges(fn.logical_id, "connects"):
        res = graph.resource(edge.dst)
        if res is None or res.type not in DATABASES:
            continue
        cluster = cluster_of(graph, res)
        grouped[cluster.logical_id if cluster else res.logical_id].append(edge)
    for edges in grouped.values():
        edges.sort(key=lambda e: PATH_ORDER.index(e.get("path")) if e.get("path") in PATH_ORDER else 99)
    return grouped


def proxies(graph: Graph, fn: Resource) -> list[Edge]:
    """``connects`` edges into proxies and proxy endpoints (also outside the template)."""
    found = []
    for edge in graph.out_edges(fn.logical_id, "connects"):
        res = graph.resource(edge.dst)
        if (res is not None and res.type in PROXIES) or (res is None and edge.dst.startswith("external:rds-proxy:")):
            found.append(edge)
    return found


def fronting(graph: Graph, proxy_edges: list[Edge], db: str) -> tuple[list[str], bool]:
    """Proxies among ``proxy_edges`` that front ``db`` (or an instance of it), and whether any of
    them has targets this template does not show (so it might front ``db``)."""
    hits: list[str] = []
    unknown = False
    for edge in proxy_edges:
        if graph.resource(edge.dst) is None or graph.node(edge.dst).get("unknown_targets"):
            unknown = True
        targets = {t for e in graph.out_edges(edge.dst, "fronts") for t in _databases(graph, e.dst)}
        if db in targets:
            hits.append(edge.dst)
    return list(dict.fromkeys(hits)), unknown


def proxies_of(graph: Graph, db: str) -> list[str]:
    """Proxies in the template that front ``db`` or one of its instances."""
    found = [e.src for e in graph.in_edges(db, "fronts")]
    for inst in graph.of_type(DB_INSTANCE, include_internal=True):
        cluster = cluster_of(graph, inst)
        if cluster is not None and cluster.logical_id == db:
            found.extend(e.src for e in graph.in_edges(inst.logical_id, "fronts"))
    return [p for p in dict.fromkeys(found) if graph.stack.resources[p].type == "AWS::RDS::DBProxy"]


def _handlers(graph: Graph) -> set[str]:
    """Functions named as a custom resource's ``ServiceToken``, a rotation schedule's
    ``RotationLambdaARN``, or a user handler of CDK's provider framework."""
    found: set[str] = set()

    def add(value: Any) -> None:
        for name, _attr in references(value):
            if name in graph.stack.resources:
                fn = graph.function_target({"Ref": name})
                if fn is not None:
                    found.add(fn)

    for res in graph:
        if res.type.startswith("Custom::") or res.type == "AWS::CloudFormation::CustomResource":
            add(res.prop("ServiceToken"))
        elif res.type == "AWS::SecretsManager::RotationSchedule":
            add(res.prop("RotationLambdaARN"))
        elif res.type == "AWS::Lambda::Function" and res.internal:
            variables = res.prop("Environment", "Variables")
            if isinstance(variables, dict):
                for var in PROVIDER_VARIABLES:
                    add(variables.get(var))
    return found


def deployment_only(graph: Graph, fn: Resource) -> bool:
    """Whether the function only runs as a custom resource handler or a secret rotation
    function: nothing else invokes it, so it never scales out against the database."""
    if graph.invokers(fn):
        return False
    return fn.logical_id in graph.memo("wa_lint.graph.database.handlers", lambda: _handlers(graph))
