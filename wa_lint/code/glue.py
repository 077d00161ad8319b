"""Glue-function evidence shared by the cost rules (WA401–WA404).

A function is *glue* when its whole job is one AWS call its invoker could make itself. Three
kinds of evidence are weighed, and a finding says which it rests on:

- **graph**: exactly one invoker (one API route, one state machine, one event source, one bucket or
  topic) and no authorizer role, no invoker the template cannot see;
- **permissions**: after logging, tracing, networking, keys, look-ups, reading its own event
  source and delivering to its own DLQ / destinations (Lambda uses the role for those), the role
  grants actions of one service on exactly one resource (``*`` is not one);
- **code** (when readable): the handler makes exactly that one SDK call and otherwise only passes
  the event through (see :mod:`wa_lint.code.python` for the line between trivial and logic).

Readable code that does more is never glue. Without readable code the permissions must name a
single forwarding action (``sqs:SendMessage``, ``sns:Publish``…, see :data:`FAMILIES`), and a
function in a VPC or with an environment naming an outside endpoint or secret is left alone:
what it talks to may not need IAM.

A function whose evidence cannot be read because the analysis itself failed (a bug of ours, or
input no one foresaw) is not glue, as with no evidence; the failure is kept with its exception
(:func:`analysis_failures`) and logged on the ``wa_lint.analysis`` logger, which ``--debug`` shows.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from wa_lint.code.analyze import code_facts
from wa_lint.code.facts import CodeFacts, SdkCall
from wa_lint.code.locate import INLINE
from wa_lint.finding import Related
from wa_lint.graph.builders.integrations import routes_to
from wa_lint.graph.builders.invoke_common import text
from wa_lint.graph.grants import Grant, function_grants, is_source_read, is_support
from wa_lint.graph.model import Edge, Graph
from wa_lint.iam.glob import glob_match
from wa_lint.model import Resource, mark_of
from wa_lint.values import referenced_resources

#: Forwarding actions a permission alone may stand for, grouped as one "service action":
#: (service, actions granted together, the action named in findings).
FAMILIES: tuple[tuple[str, frozenset[str], str], ...] = (
    ("sqs", frozenset({"SendMessage", "SendMessageBatch"}), "SendMessage"),
    ("sns", frozenset({"Publish", "PublishBatch"}), "Publish"),
    ("kinesis", frozenset({"PutRecord", "PutRecords"}), "PutRecord"),
    ("firehose", frozenset({"PutRecord", "PutRecordBatch"}), "PutRecord"),
    ("states", frozenset({"StartExecution"}), "StartExecution"),
    ("states", frozenset({"StartSyncExecution"}), "StartSyncExecution"),
    ("events", frozenset({"PutEvents"}), "PutEvents"),
    ("dynamodb", frozenset({"PutItem"}), "PutItem"),
    ("dynamodb", frozenset({"GetItem"}), "GetItem"),
    ("dynamodb", frozenset({"Query"}), "Query"),
    ("dynamodb", frozenset({"UpdateItem"}), "UpdateItem"),
    ("dynamodb", frozenset({"DeleteItem"}), "DeleteItem"),
)
#: SDK operation → IAM action where the names differ.
#: (SQS and SNS batch calls are authorized by the single-message action.)
CODE_TO_IAM = {("lambda", "Invoke"): "InvokeFunction", ("lambda", "InvokeAsync"): "InvokeFunction",
               ("sqs", "SendMessageBatch"): "SendMessage", ("sns", "PublishBatch"): "Publish"}
OUTSIDE_ENV = re.compile(r"URL|URI|ENDPOINT|HOST|WEBHOOK|API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|DATABASE|DSN|"
                         r"(^|_)DB(_|$)", re.IGNORECASE)
#: Services that read an S3 object named in the call with the caller's credentials: the caller's
#: S3 read grants serve that one call (Step Functions' role needs them just the same).
S3_READERS = frozenset({"rekognition", "textract"})
SERVICE_NAMES = {"sqs": "SQS", "sns": "SNS", "kinesis": "Kinesis", "firehose": "Firehose",
                 "states": "Step Functions", "events": "EventBridge", "dynamodb": "DynamoDB", "s3": "S3",
                 "lambda": "Lambda", "rekognition": "Rekognition", "textract": "Textract",
                 "comprehend": "Comprehend", "translate": "Translate", "polly": "Polly", "bedrock": "Bedrock"}


@dataclass(slots=True)
class Glue:
    """One glue function: who calls it, what it forwards to, and the evidence."""

    fn: Resource
    invoker: Edge
    routes: list[str]
    target: str  # node id (a resource, or ``external:…``)
    service: str
    action: str
    grants: list[Grant]
    code: CodeFacts | None
    call: SdkCall | None
    notes: list[str] = field(default_factory=list)

    @property
    def api_name(self) -> str:
        return f"{SERVICE_NAMES.get(self.service, self.service)} {self.action}"

    @property
    def service_level(self) -> bool:
        """The target is the service itself: its actions take no resource (Rekognition, Textract)."""
        return self.target == f"external:{self.service}"

    def on_target(self, graph: Graph) -> str:
        """`` on Orders`` for messages; nothing for a service-level call."""
        return "" if self.service_level else f" on {graph.label(self.target)}"

    def code_evidence(self) -> list[Related]:
        """The handler line that makes the one call, as a related location: the evidence a reader
        checks (a second code frame in text and HTML, a related location in SARIF). Empty when the
        code was not read: then the finding rests on graph and permissions and says so by its
        wording ("appears only to forward") and its severity (info)."""
        if self.code is None or self.call is None:
            return []
        if self.code.path == INLINE:  # the code is in the template: point at its ZipFile
            code = self.fn.prop("Code")
            mark = mark_of(code, "ZipFile") if isinstance(code, dict) else None
            return [Related(f"{self.call.written} (line {self.call.line} of the inline handler, its only SDK call)",
                            mark.line if mark else self.fn.line)]
        return [Related(f"{self.call.written} (the handler's only SDK call)", self.call.line, self.code.path)]

    def evidence(self, graph: Graph) -> str:
        """The evidence in one sentence: graph shape, permissions, code."""
        target = ('Resource "*", the only resource its actions take' if self.service_level
                  else graph.label(self.target))
        actions = ", ".join(dict.fromkeys(g.action for g in self.grants))
        policies = graph.names(dict.fromkeys(g.policy for g in self.grants))
        parts = [f"one invoker and one target; its role grants only {actions} on {target} (in {policies})",
                 *self.notes]
        if self.code is not None and self.call is not None:
            parts.append(f"{self.code.path} makes only the call {self.call.written} (line {self.call.line}) "
                         "and otherwise passes its input through")
        else:
            parts.append("the handler code is not readable here, so this rests on graph and permissions only")
        return "; ".join(parts)


def forwards_verb(glue: Glue) -> str:
    """How sure a message can be: the code was read, or only graph and permissions were."""
    return "only forwards" if glue.call is not None else "appears only to forward"


log = logging.getLogger("wa_lint.analysis")


@dataclass(frozen=True, slots=True)
class AnalysisFailure:
    """The glue analysis of one function raised: where, and the exception."""

    path: str  # the template
    function: str  # logical id
    error: BaseException

    def __str__(self) -> str:
        return (f"handler analysis failed for {self.path} (function {self.function}): "
                f"{type(self.error).__name__}: {self.error}")


FAILURES = "wa_lint.code.glue.failures"


def glue_functions(graph: Graph) -> dict[str, Glue]:
    """Every glue function of the graph by logical id (computed once per graph)."""
    return graph.memo("wa_lint.code.glue.functions", lambda: _find_glue(graph))


def _find_glue(graph: Graph) -> dict[str, Glue]:
    found: dict[str, Glue] = {}
    failures: list[AnalysisFailure] = graph.memo(FAILURES, list)
    for fn in graph.functions():
        try:
            glue = _glue(graph, fn)
        except Exception as exc:  # noqa: BLE001  # no evidence, but counted and shown by --debug
            failure = AnalysisFailure(graph.stack.path, fn.logical_id, exc)
            failures.append(failure)
            log.debug("%s", failure)
            glue = None
        if glue is not None:
            found[fn.logical_id] = glue
    return found


def analysis_failures(graph: Graph) -> list[AnalysisFailure]:
    """The functions of ``graph`` whose glue analysis raised, with the exception (none before
    :func:`glue_functions` has run on it)."""
    return list(graph.memo(FAILURES, list))


def _one_invoker(graph: Graph, fn: Resource) -> tuple[Edge, list[str]] | None:
    if graph.node(fn.logical_id).get("unknown_invokers"):
        return None
    edges = graph.invokers(fn)
    if not edges or any(e.get("authorizer") for e in edges) or len({e.src for e in edges}) != 1:
        return None
    edge = edges[0]
    routes: list[str] = []
    if edge.get("source") == "apigateway":
        routes = list(dict.fromkeys(routes_to(graph, edge.src, fn.logical_id)))
        if len(routes) > 1 or (len({e.via for e in edges}) > 1 and not routes):
            return None
    return edge, routes


def _outside_hint(graph: Graph, fn: Resource) -> bool:
    """A VPC, or an environment value that is not a resource of this template and is named like
    an endpoint, a host or a secret (or is a URL): the function may call what IAM cannot show."""
    if fn.prop("VpcConfig") is not None:
        return True
    variables = fn.prop("Environment", "Variables")
    if not isinstance(variables, dict):
        return False
    for name, value in variables.items():
        if referenced_resources(value, graph.stack.resources):
            continue  # a table name, a queue URL: AWS resources the role's grants cover
        if OUTSIDE_ENV.search(str(name)) or text(graph, value).startswith(("http://", "https://")):
            return True
    return False


def _destinations(graph: Graph, fn: Resource, edge: Edge) -> set[str]:
    """Where Lambda itself delivers for the function (DLQ, on-failure / on-success destinations of
    the function or its event source mapping): the role needs those grants, the code does not."""
    found: set[str] = set()
    for node in (fn.logical_id, edge.via):
        if node is not None:
            for kind in ("on_failure", "on_success"):
                found.update(e.dst for e in graph.out_edges(node, kind))
    return found


def _resource_key(grant: Grant, service_target: str | None = None) -> str:
    """The node a grant is on. ``service_target``: the service of a call whose action takes no
    resource (``rekognition:DetectLabels``): its grants on ``"*"`` name the service itself, the
    one target they can have, not "no evidence"."""
    if grant.target == "*" and service_target is not None and grant.action.split(":", 1)[0].lower() == service_target:
        return f"external:{service_target}"
    return grant.target


def _s3_read(action: str) -> bool:
    """``s3:GetObject*``, ``s3:ListBucket`` and other S3 read and list actions."""
    from wa_lint.iam import data

    found = data.expand(action) if action.lower().startswith("s3:") else ()
    return bool(found) and all(a.level in (data.READ, data.LIST) for a in found)


def service_level(action: str) -> bool:
    """Whether every action a pattern names is known and takes no resource (``Resource: "*"`` only)."""
    from wa_lint.iam import data

    if data.is_glob(action.split(":", 1)[0]):
        return False
    found = data.expand(action)
    return bool(found) and not any(a.resource_level for a in found)


def _allows(grants: list[Grant], service: str, action: str) -> bool:
    wanted = f"{service}:{action}".lower()
    return any(glob_match(g.action.lower(), wanted) for g in grants)


def _family(service: str, patterns: set[str]) -> str | None:
    """The one forwarding action a set of granted patterns stands for, else None."""
    for fam_service, actions, canonical in FAMILIES:
        if fam_service != service:
            continue
        lowered = {a.lower() for a in actions}
        ok = True
        granted: set[str] = set()
        for pattern in patterns:
            matched = {a for a in lowered if glob_match(pattern.lower(), a)}
            bare = pattern.lower().rstrip("*")
            if not matched or (pattern.endswith("*") and bare not in lowered):
                ok = False
                break
            granted |= matched
        if ok and granted:
            return canonical if canonical.lower() in granted else next(a for a in actions if a.lower() in granted)
    return None


def _glue(graph: Graph, fn: Resource) -> Glue | None:
    return verdict(graph, fn)[0]


def verdict(graph: Graph, fn: Resource) -> tuple[Glue | None, str]:
    """The glue evidence for one function, or None and the reason it is not glue."""
    found = _one_invoker(graph, fn)
    if found is None:
        return None, "not exactly one invoker (or an authorizer, or several routes)"
    edge, routes = found
    code = code_facts(fn, graph.resolver)
    call = code.forwarded() if code is not None else None
    if code is not None and call is None:
        return None, f"the code is not one forwarded call: {code.summary()}"
    if code is None and _outside_hint(graph, fn):
        return None, "no readable code, and a VPC or environment naming an outside endpoint"
    perms = function_grants(graph, fn)
    if perms.incomplete:
        return None, f"permissions incomplete: {perms.incomplete[0]}"
    polled = edge.get("mode") == "poll"
    lambda_uses = _destinations(graph, fn, edge)
    service_target = None
    if call is not None and service_level(f"{call.service}:{CODE_TO_IAM.get(call.key, call.action)}"):
        service_target = call.service
    grants = [g for g in perms.grants if not is_support(g.action)
              and _resource_key(g) not in lambda_uses
              and not (polled and (is_source_read(g.action) or _resource_key(g) == edge.src))
              and not (service_target in S3_READERS and _s3_read(g.action))]
    keys = {_resource_key(g, service_target) for g in grants}
    services = {g.action.split(":", 1)[0].lower() for g in grants}
    if len(keys) != 1 or len(services) != 1 or "*" in keys:
        return None, f"not one target: resources {sorted(keys)}, services {sorted(services)}"
    target, service = keys.pop(), services.pop()
    if target in (edge.src, fn.logical_id):
        return None, "the target is the invoker itself"
    if call is not None:
        iam_action = CODE_TO_IAM.get(call.key, call.action)
        if call.service != service or not _allows(grants, service, iam_action):
            return None, f"the code calls {call.service}:{call.action}, which the role does not grant"
        action = call.action
    else:
        family = _family(service, {g.action.split(":", 1)[1] for g in grants if ":" in g.action})
        if family is None:
            return None, "without code, the granted actions are not one forwarding action"
        action = family
    notes = []
    if service_target in S3_READERS and any(_s3_read(g.action) for g in perms.grants):
        notes.append(f"its S3 read grants serve that call ({SERVICE_NAMES.get(service, service)} reads the "
                     "object with the caller's permissions, as it would with the state machine's)")
    return Glue(fn, edge, routes, target, service, action, grants, code, call, notes), "glue"
