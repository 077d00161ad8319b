"""What handler analysis reports: the SDK calls a handler makes and whatever else it does.

Service names are IAM prefixes (``sqs``, ``states``, ``events``) so code evidence can be compared
with a role's permissions; actions are API names (``SendMessage``). ``extras`` are the reasons the
code is more than a forwarder, each with its line, in the words a finding can quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: SDK client names (boto3 client name, JS v3 package suffix, JS v2 class) → IAM prefix.
SERVICE_ALIASES = {
    "stepfunctions": "states", "sfn": "states", "eventbridge": "events", "cloudwatchevents": "events",
    "cloudwatch-events": "events", "kinesisfirehose": "firehose", "lib-dynamodb": "dynamodb",
    "dynamodbstreams": "dynamodb", "cloudwatch": "cloudwatch", "cloudwatchlogs": "logs",
    "cloudwatch-logs": "logs", "secrets-manager": "secretsmanager", "appconfigdata": "appconfig",
    "apigatewaymanagementapi": "execute-api", "iotdata": "iot", "iot-data": "iot",
    "iot-data-plane": "iot", "elbv2": "elasticloadbalancing", "opensearch": "es",
}

#: SDK calls that only observe or look something up; they never make a function more than glue.
NEUTRAL_CALLS = frozenset(
    {
        ("sqs", "GetQueueUrl"), ("sqs", "GetQueueAttributes"), ("cloudwatch", "PutMetricData"),
        ("xray", "PutTraceSegments"), ("xray", "PutTelemetryRecords"), ("dynamodb", "DescribeTable"),
    }
)


def iam_service(sdk_name: str) -> str:
    """The IAM prefix for an SDK client name (``stepfunctions`` → ``states``)."""
    name = sdk_name.lower()
    return SERVICE_ALIASES.get(name, name.replace("-", ""))


def pascal(method: str) -> str:
    """An API name from an SDK method name: ``send_message`` / ``sendMessage`` → ``SendMessage``."""
    if "_" in method:
        return "".join(part[:1].upper() + part[1:] for part in method.split("_") if part)
    return method[:1].upper() + method[1:]


_WORD = re.compile(r"[A-Z][a-z0-9]*|[a-z0-9]+")


def snake(action: str) -> str:
    """``SendMessage`` → ``send_message`` (for boto3 names in messages)."""
    return "_".join(w.lower() for w in _WORD.findall(action))


@dataclass(frozen=True, slots=True)
class SdkCall:
    """One AWS SDK call site: ``service`` (IAM prefix), ``action`` (API name), where, and how
    it was written (``sqs.send_message``, ``new SendMessageCommand``)."""

    service: str
    action: str
    line: int
    written: str

    @property
    def key(self) -> tuple[str, str]:
        return self.service, self.action


@dataclass(slots=True)
class CodeFacts:
    """The analysis of one handler file (or inline ``ZipFile``)."""

    language: str  # "python" | "javascript" | "typescript"
    path: str  # display name: file path relative to the code root, or "inline ZipFile"
    calls: list[SdkCall] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    body_reads: list[str] = field(default_factory=list)  # where the code reads an HTTP request body

    def add_extra(self, reason: str, line: int) -> None:
        if len(self.extras) < 20:
            self.extras.append(f"{reason} (line {line})")

    def add_body_read(self, written: str, line: int) -> None:
        """Evidence that the handler takes a request body (``event['body']``, ``event.body``)."""
        if len(self.body_reads) < 5:
            self.body_reads.append(f"`{written}` at line {line}")

    @property
    def actions(self) -> list[tuple[str, str]]:
        """Distinct ``(service, action)`` of the non-neutral calls, in order of appearance."""
        return list(dict.fromkeys(c.key for c in self.calls if c.key not in NEUTRAL_CALLS))

    def forwarded(self) -> SdkCall | None:
        """The one SDK call the code makes when it does nothing else, else None."""
        actions = self.actions
        if self.extras or len(actions) != 1:
            return None
        return next(c for c in self.calls if c.key == actions[0])

    def summary(self) -> str:
        """What the code does, for a finding: the calls, and the first reasons it is more."""
        calls = ", ".join(f"{c.written} (line {c.line})" for c in self.calls[:3]) or "no AWS SDK call"
        more = f"; also {', '.join(self.extras[:2])}" if self.extras else ""
        return f"{self.path}: {calls}{more}"
