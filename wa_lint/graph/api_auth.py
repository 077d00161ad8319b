"""How an API Gateway operation is protected: the verdicts :mod:`wa_lint.graph.api_operations` records.

Authorization (``none`` / ``authorized`` / ``unknown``, and why there is none) for REST methods,
HTTP / WebSocket routes and OpenAPI ``security`` requirements; whether a REST request validator
checks the body or parameters. Pure functions of the properties; nothing here adds edges.
"""

from __future__ import annotations

from typing import Any, Literal

from wa_lint.graph.model import Graph
from wa_lint.model import Resource, Unknown
from wa_lint.values import cased, intrinsic

Auth = Literal["none", "authorized", "unknown"]


def upper(graph: Graph, value: Any) -> str | Unknown | None:
    return cased(graph.resolver, value)


def true(graph: Graph, value: Any) -> bool | None:
    """True/False for a boolean-ish value, None when unknown; absent is False."""
    if value is None:
        return False
    known = graph.resolver.scalar(value)
    if isinstance(known, Unknown):
        return None
    return known is True or (isinstance(known, str) and known.lower() == "true")


def method_auth(graph: Graph, method: Resource) -> tuple[Auth, str]:
    kind = upper(graph, method.prop("AuthorizationType"))
    if isinstance(kind, Unknown):
        return "unknown", ""
    if kind not in (None, "NONE"):
        return "authorized", ""
    api_key = true(graph, method.prop("ApiKeyRequired"))
    if api_key is None:
        return "unknown", ""
    if api_key:
        return "authorized", ""
    return "none", "AuthorizationType NONE" if kind else "no AuthorizationType"


def validator(graph: Graph, method: Resource) -> bool | None:
    value = method.prop("RequestValidatorId")
    if value is None:
        return False
    node = graph.target(value)
    res = graph.resource(node)
    if res is None or res.type != "AWS::ApiGateway::RequestValidator":
        return True  # a validator id from outside the template: trust it
    body = true(graph, res.prop("ValidateRequestBody"))
    params = true(graph, res.prop("ValidateRequestParameters"))
    if body or params:
        return True
    return None if body is None or params is None else False


def route_auth(graph: Graph, route: Resource, kind: str) -> tuple[Auth, str]:
    auth = upper(graph, route.prop("AuthorizationType"))
    if isinstance(auth, Unknown):
        return "unknown", ""
    if auth not in (None, "NONE"):
        return "authorized", ""
    if kind == "websocket":
        api_key = true(graph, route.prop("ApiKeyRequired"))
        if api_key is None:
            return "unknown", ""
        if api_key:
            return "authorized", ""
    return "none", "AuthorizationType NONE" if auth else "no AuthorizationType"


def security(security: Any, schemes: dict[str, Any]) -> tuple[Auth, str]:
    """OpenAPI ``security``: a list of alternatives, each naming schemes that must all hold.
    Open only when every alternative is empty or SAM's ``NONE``; protected only when every
    alternative names a defined scheme (any defined scheme is an authorizer, API key or IAM)."""
    if security is None:
        return "none", "no security"
    if not isinstance(security, list):
        return "unknown", ""
    if not security:
        return "none", "security: []"
    verdicts = set()
    for requirement in security:
        if not isinstance(requirement, dict) or intrinsic(requirement) is not None:
            return "unknown", ""
        names = [n for n in requirement if not (n == "NONE" and n not in schemes)]
        if not names:
            verdicts.add("none")
        elif all(n in schemes for n in names):
            verdicts.add("authorized")
        else:
            verdicts.add("unknown")
    if verdicts == {"none"}:
        explicit = any(isinstance(r, dict) and "NONE" in r for r in security)
        return "none", "Authorizer: NONE" if explicit else "empty security"
    if verdicts == {"authorized"}:
        return "authorized", ""
    return "unknown", ""


def body_validator(name: Any, validators: dict[str, Any]) -> bool | None:
    if name is None:
        return False
    if not isinstance(name, str) or name not in validators:
        return None
    spec = validators[name]
    if not isinstance(spec, dict):
        return None
    flags = [spec.get("validateRequestBody"), spec.get("validateRequestParameters")]
    if any(f is True or (isinstance(f, str) and f.lower() == "true") for f in flags):
        return True
    if all(f is None or f is False or (isinstance(f, str) and f.lower() == "false") for f in flags):
        return False
    return None
