"""WA508: API access logs written as free text cannot be queried by field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from wa_lint.api import ApiStage, Finding, Graph, Pillar, Resource, Severity, api_stages, name_text, rule

JSON_FORMAT = ('{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":'
               '"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey",'
               '"status":"$context.status","responseLength":"$context.responseLength"}')
CFN_FIX = "Set {key}.Format to a JSON object, e.g. " + JSON_FORMAT
CDK_FIX = ("Pass accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields() in deployOptions "
           "(HTTP API: a JSON format string).")
CLF_START = re.compile(r"^\$context\.identity\.sourceIp\s+\$context\.identity\.caller\b")
CONTEXT = re.compile(r"\$context\.[A-Za-z0-9_.]+|\$\{[^}$]*\}")  # no "$" inside: linear on "${${…"


def _format_text(graph: Graph, value: Any) -> str | None:
    """The format as text (a literal, a parameter's default, a ``Sub``/``Join`` whose parts can
    be written out); None when it cannot be read."""
    known = graph.resolver.scalar(value)
    if isinstance(known, str):
        return known
    text = name_text(graph, value) if isinstance(value, dict) and "Ref" not in value else None
    return None if text is None or text.lstrip().startswith("${") else text  # an unknown start may be "{"


def kind_of(text: str) -> str | None:
    """What a non-JSON format is (``CLF``, ``XML``, ``CSV``, ``free text``); None for a JSON object."""
    stripped = text.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        return None
    if stripped.startswith("<"):
        return "XML"
    if CLF_START.match(stripped):
        return "CLF"
    rest = CONTEXT.sub("", stripped)
    if "," in stripped and set(rest) <= set(', "\''):
        return "CSV"
    return "free text"


def logged_stages(graph: Graph) -> list[Resource]:
    """The stages WA508 judges: stages that write access logs."""
    return [s.resource for s in api_stages(graph) if s.is_set(s.access_log_key, "DestinationArn")]


def _fix(stage: ApiStage) -> str:
    if stage.resource.construct_path:
        return CDK_FIX
    key = f"StageDescription.{stage.access_log_key}" if stage.prefix else stage.access_log_key
    return CFN_FIX.replace("{key}", key)


@rule(
    id="WA508",
    name="api-access-log-unstructured",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS 1",
    applies_to=logged_stages,
)
def api_access_log_unstructured(graph: Graph) -> Iterator[Finding]:
    """An API stage writes access logs in a format that is not JSON, so they cannot be queried by field.

    ## Why
    CloudWatch Logs Insights discovers the fields of JSON log events by itself: status, route,
    latency and caller become columns to filter, group and chart. Common Log Format, XML, CSV or
    free text lines have to be taken apart with `parse` patterns in every query, and metric
    filters cannot select on fields.

    ## When it fires
    A stage that writes access logs (REST `AccessLogSetting`, HTTP and WebSocket
    `AccessLogSettings`, a deployment's `StageDescription.AccessLogSetting`; SAM `Api` and
    `HttpApi`; CDK `RestApi` `deployOptions`, whose default format is CLF) has a `Format` that
    is not a JSON object: CLF, XML, CSV, or free text. The message names which.

    ## When it stays silent
    - The format is a JSON object (`{…}`; values such as `$context.status` may be unquoted).
    - The stage writes no access logs (WA502 reports that), or the format is absent or cannot
      be read (a parameter without a default, an import).
    - The stage belongs to a CDK framework internal.

    ## Fix
    ```yaml
    Api:
      Type: AWS::Serverless::Api
      Properties:
        StageName: prod
        AccessLogSetting:
          DestinationArn: !GetAtt ApiAccessLogs.Arn
          Format: '{"requestId":"$context.requestId","status":"$context.status","ip":"$context.identity.sourceIp"}'
    ```
    In CDK: `accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields()`.
    """
    for stage in api_stages(graph):
        if not stage.is_set(stage.access_log_key, "DestinationArn"):
            continue
        found = set()
        for _cond, value in stage.values(stage.access_log_key, "Format"):
            text = _format_text(graph, value) if value is not None else None
            found.add(kind_of(text) if text is not None else None)
        kinds = {k for k in found if k is not None}
        if None in found or not kinds:
            continue  # JSON, absent or unreadable in some alternative
        name = stage.name or graph.label(stage.resource.logical_id)
        api = f" of {graph.label(stage.api)}" if stage.api else ""
        yield Finding.at(
            stage.resource,
            f"API stage {name}{api} writes access logs as {' / '.join(sorted(kinds))}, not JSON: "
            "Logs Insights cannot query their fields",
            fix=_fix(stage),
            related=[r for r in (graph.resource(stage.api),) if r is not None],
            line=stage.line(stage.access_log_key, "Format"),
        )
