"""Whether a resource policy denies requests over plain HTTP (``aws:SecureTransport`` false).

The question WA212 asks of every S3 bucket, SQS queue and SNS topic policy: a ``Deny`` whose
``Bool`` / ``BoolIfExists`` condition tests ``aws:SecureTransport`` against false (a string or a
boolean, in a list or not), and whose ``Resource`` reaches the store. True / False, or None when
the policy cannot be read (``Fn::If``, a ``Fn::Sub`` text, an unknown effect).
"""

from __future__ import annotations

from typing import Any

from wa_lint.graph.builders.resource_policies import AttachedPolicy, unattributed_policies
from wa_lint.graph.model import Graph
from wa_lint.model import Unknown
from wa_lint.values import intrinsic, referenced_resources

SECURE_TRANSPORT = "aws:securetransport"
BOOL_OPERATORS = frozenset({"bool", "boolifexists"})


def tls_unknown_outside(graph: Graph, store_type: str) -> bool:
    """A policy for a store we cannot identify that may enforce TLS: every store of that type is unknown."""
    return any(enforces_tls(graph, p, None) is not False for p in unattributed_policies(graph, store_type))


def enforces_tls(graph: Graph, attached: AttachedPolicy, store: str | None) -> bool | None:
    """Whether a policy denies insecure transport for ``store`` (None: cannot tell)."""
    doc = attached.document
    if isinstance(doc, Unknown):
        return None
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return None
    unknown = False
    for statement in statements:
        verdict = _denies_insecure(graph, statement, store, attached.targets)
        if verdict:
            return True
        unknown = unknown or verdict is None
    return None if unknown else False


def _denies_insecure(graph: Graph, statement: Any, store: str | None, targets: tuple[str, ...]) -> bool | None:
    if not isinstance(statement, dict):
        return None
    effect = graph.resolver.scalar(statement.get("Effect"))
    if isinstance(effect, Unknown):
        return None
    if effect != "Deny":
        return False
    condition = statement.get("Condition")
    if intrinsic(condition) is not None:
        return None
    if not isinstance(condition, dict):
        return False
    found: bool | None = False
    for operator, body in condition.items():
        if not isinstance(operator, str) or operator.lower() not in BOOL_OPERATORS:
            continue
        if not isinstance(body, dict):
            found = None
            continue
        for key, value in body.items():
            if isinstance(key, str) and key.lower() == SECURE_TRANSPORT:
                is_false = _is_false(graph, value)
                if is_false:
                    return _covers(statement, store, targets)
                if is_false is None:
                    found = None
    return found


def _is_false(graph: Graph, value: Any) -> bool | None:
    values = value if isinstance(value, list) else [value]
    result: bool | None = False
    for item in values:
        known = graph.resolver.scalar(item)
        if isinstance(known, Unknown):
            result = None
        elif known is False or (isinstance(known, str) and known.lower() == "false"):
            return True
    return result


def _covers(statement: dict[str, Any], store: str | None, targets: tuple[str, ...]) -> bool:
    """Whether a statement's ``Resource`` reaches ``store``: it does unless it names only other
    stores the same policy is attached to (a queue policy shared by several queues)."""
    if store is None or len(targets) < 2 or "Resource" not in statement:
        return True
    named = referenced_resources(statement["Resource"], set(targets))
    return not named or store in named
