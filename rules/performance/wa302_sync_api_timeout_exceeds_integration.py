"""WA302: a function behind API Gateway that may run longer than the API waits for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from wa_lint.api import (
    Edge,
    Finding,
    Graph,
    Pillar,
    Resource,
    Severity,
    api_operations,
    fitting,
    function_of,
    integer,
    route_keys,
    rule,
    scalar,
    shorten,
)

REST_DEFAULT_MS = 29_000
HTTP_DEFAULT_MS = 30_000
FUNCTION_DEFAULT_S = 3


class Limit(NamedTuple):
    """One integration in front of the function: where it is, and how long API Gateway waits."""

    api: str
    route: str
    millis: int
    default: bool
    kind: str  # REST, HTTP or WebSocket


def _number(graph: Graph, value: Any) -> int | None:
    return integer(scalar(graph, value))


def _asynchronous(graph: Graph, method: Resource) -> bool:
    """Whether a REST method invokes Lambda asynchronously (``X-Amz-Invocation-Type: 'Event'``
    mapped): API Gateway answers at once."""
    asynchronous = graph.memo("WA302.async", lambda: {
        op.defined_by.logical_id for op in api_operations(graph) if any(i.mode == "async" for i in op.integrations)})
    return method.logical_id in asynchronous


def _v2_kind(graph: Graph, api: str) -> tuple[str, int]:
    """``(kind, default timeout)`` of an API Gateway v2 API: WebSocket APIs wait 29 s like REST
    APIs; an API outside the template gets the longer HTTP default."""
    res = graph.resource(api)
    protocol = scalar(graph, res.prop("ProtocolType")) if res is not None else None
    if isinstance(protocol, str) and protocol.upper() == "WEBSOCKET":
        return "WebSocket", REST_DEFAULT_MS
    return "HTTP", HTTP_DEFAULT_MS


def _only_disconnect(graph: Graph, integration: str) -> bool:
    """Whether a WebSocket integration serves only ``$disconnect``: the connection is already
    gone, so no client waits for the answer."""
    keys = set(route_keys(graph).get(integration, ()))
    return bool(keys) and keys == {"$disconnect"}


def _body_routes(graph: Graph, api: Resource) -> dict[str, list[tuple[str, Any]]]:
    """Function → ``(route, timeoutInMillis)`` of each synchronous Lambda integration of the
    API's OpenAPI ``Body``."""
    def compute() -> dict[str, dict[str, list[tuple[str, Any]]]]:
        found: dict[str, dict[str, list[tuple[str, Any]]]] = {}
        for op in api_operations(graph):
            for integration in op.integrations if op.from_body else ():
                hit = function_of(graph, integration.uri)
                if hit is not None and integration.mode == "sync":
                    found.setdefault(op.defined_by.logical_id, {}).setdefault(hit[0], []).append(
                        (op.route, integration.timeout))
        return found

    return graph.memo("WA302.body_routes", compute).get(api.logical_id, {})


def _limits(graph: Graph, edge: Edge, fn: str) -> Iterator[Limit | None]:
    """The integration limits behind one ``invokes`` edge; None where a limit cannot be read."""
    via = graph.resource(edge.via)
    api = graph.label(edge.src)
    if via is None:
        yield None
        return
    kind, default = ("REST", REST_DEFAULT_MS) if via.type.startswith("AWS::ApiGateway::") else _v2_kind(graph, edge.src)
    if via.type == "AWS::ApiGateway::Method":
        if _asynchronous(graph, via):
            return
        verb = scalar(graph, via.prop("HttpMethod"))
        route = f"method {graph.label(via.logical_id)}" + (f" ({verb})" if isinstance(verb, str) else "")
        yield from _limit(graph, api, route, via.prop("Integration", "TimeoutInMillis"), default, kind)
    elif via.type == "AWS::ApiGatewayV2::Integration":
        if kind == "WebSocket" and _only_disconnect(graph, via.logical_id):
            return
        route = f"integration {graph.label(via.logical_id)}"
        yield from _limit(graph, api, route, via.prop("TimeoutInMillis"), default, kind)
    elif via.type in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
        routes = _body_routes(graph, via).get(fn, [])
        for route, value in routes:
            yield from _limit(graph, api, route, value, default, kind)
        if not routes and via.prop("Target") is not None:
            yield Limit(api, "its quick-create route", HTTP_DEFAULT_MS, True, "HTTP")
        elif not routes:
            yield None
    else:
        yield None


def _limit(graph: Graph, api: str, route: str, value: Any, default: int, kind: str) -> Iterator[Limit | None]:
    if value is None:
        yield Limit(api, route, default, True, kind)
        return
    millis = _number(graph, value)
    yield Limit(api, route, millis, False, kind) if millis is not None else None


def _function_timeout(graph: Graph, fn: Resource) -> int | None:
    value = fn.prop("Timeout")
    if value is None:
        return FUNCTION_DEFAULT_S
    return _number(graph, value)


def _describe(limits: list[Limit], budget: int = 1000) -> str:
    """The route API Gateway waits least for, and how many more wait less than the function runs:
    ``waits 10 s for GET /orders on Api, and 2 more routes``."""
    first = min(limits, key=lambda lim: lim.millis)
    why = " (default)" if first.default else ""
    more = len(limits) - 1
    rest = f", and {more} more route{'s' if more > 1 else ''}" if more else ""
    route, api = shorten(first.route, budget), shorten(first.api, budget)
    return f"waits {first.millis / 1000:g} s{why} for {route} on {api}{rest}"


@rule(
    id="WA302",
    name="sync-api-timeout-exceeds-integration",
    pillar=Pillar.PERFORMANCE,
    severity=Severity.WARNING,
    lens="PERF 1",
)
def sync_api_timeout_exceeds_integration(graph: Graph) -> Iterator[Finding]:
    """A function behind API Gateway may run longer than API Gateway waits for it.

    ## Why
    API Gateway stops waiting for a Lambda integration after its integration timeout: 29 s by
    default for REST and WebSocket APIs, 30 s (also the maximum) for HTTP APIs, or the
    integration's `TimeoutInMillis`. The client then gets a 504 (a WebSocket client an
    integration timeout error), while the function keeps
    running, and billing, until its own `Timeout`. Work that can outlast the API belongs
    behind an asynchronous pattern (a queue or a state machine, and a status endpoint).

    ## When it fires
    A function invoked by an API Gateway Lambda integration (REST method, HTTP or WebSocket
    integration, an OpenAPI `Body` as SAM writes it for `Api`/`HttpApi` events, an HTTP API
    quick-create `Target`) has a `Timeout` (3 s when absent) above that integration's timeout.

    ## When it stays silent
    - The integration's `TimeoutInMillis` is raised to cover the function's `Timeout` (REST APIs
      allow more than 29 s for Regional and private APIs after a quota increase).
    - The function's `Timeout` or the integration's timeout cannot be read (parameters without
      defaults, `Fn::If`), or the integration is an OpenAPI file outside the template.
    - The integration invokes the function asynchronously (`X-Amz-Invocation-Type: 'Event'` in
      its request parameters): API Gateway answers at once.
    - The function is an API's Lambda authorizer, or is invoked only by other sources.
    - The integration serves only a WebSocket `$disconnect` route: the client is already gone
      and nothing waits for the answer.

    ## Fix
    ```yaml
    OrdersFunction:
      Type: AWS::Serverless::Function
      Properties:
        Timeout: 28          # below the API's 29 s
        Events:
          Api:
            Type: Api
            Properties: {Path: /orders, Method: post, TimeoutInMillis: 29000}
    ```
    """
    for fn in graph.functions():
        timeout = _function_timeout(graph, fn)
        if timeout is None:
            continue
        over: dict[Limit, Edge] = {}
        edges = [e for e in graph.invokers(fn, mode="sync")
                 if e.get("source") == "apigateway" and not e.get("authorizer")]
        for edge in edges:
            for limit in _limits(graph, edge, fn.logical_id):
                if limit is not None and timeout * 1000 > limit.millis:
                    over.setdefault(limit, edge)
        if not over:
            continue
        shortest = min(limit.millis for limit in over) // 1000
        apis = list(dict.fromkeys(e.src for e in over.values()))
        conditions = {e.condition for e in over.values()}
        raise_hint = ("" if all(limit.kind != "REST" for limit in over) else
                      ", raise the REST integration's TimeoutInMillis (above 29 s needs a quota increase)")
        yield Finding.at(
            fn,
            fitting(f"{shorten(graph.label(fn.logical_id), budget)} has a Timeout of {timeout} s, but API Gateway "
                    f"{_describe(list(over), budget)}" for budget in (1000, 40)),
            fix=f"Lower Timeout to {shortest} s or less{raise_hint}, or move the long work behind an "
                "asynchronous pattern (queue or state machine).",
            related=[r for r in (graph.resource(a) for a in apis) if r is not None],
            line=fn.prop_line("Timeout"),
            condition=conditions.pop() if len(conditions) == 1 else None,
        )
