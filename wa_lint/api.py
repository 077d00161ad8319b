"""The plugin API: everything a rule needs, and the only ``wa_lint`` module rules import.

The ``@rule`` decorator, severities, pillars and ``Finding`` (defined in :mod:`wa_lint.finding`),
the graph and its queries, and the value helpers. Built-in rules are held to it (ruff's
banned-api setting, ``tests/test_architecture.py``), so a third-party pack can do what they do.
"""

from __future__ import annotations

# what the built-in rules use (a pack may use the same)
from wa_lint import runtimes
from wa_lint.code.analyze import code_facts
from wa_lint.code.glue import Glue, forwards_verb, glue_functions
from wa_lint.encryption import assess, store_types
from wa_lint.finding import (
    MESSAGE_MAX,
    AppliesTo,
    Finding,
    Pillar,
    Related,
    RuleFunction,
    RuleMeta,
    Severity,
    fitting,
    rule,
)
from wa_lint.graph import database
from wa_lint.graph.alarms import DepthAlarms, depth_alarms
from wa_lint.graph.api_operations import (
    ApiOperation,
    Integration,
    Operation,
    api_kind,
    api_name,
    api_operations,
    operations,
    route_keys,
)
from wa_lint.graph.api_stages import ApiStage, api_stages, is_private
from wa_lint.graph.arm64 import X86Function, x86_functions
from wa_lint.graph.builders.failure import by_name
from wa_lint.graph.builders.invoke_common import each, function_of, items, scalar, service_of, text, walk
from wa_lint.graph.builders.resource_policies import (
    BUCKET,
    QUEUE,
    TOPIC,
    AttachedPolicy,
    policies_of,
    unattributed_policies,
)
from wa_lint.graph.capacity import Burst, FixedStore, bursts, fixed_stores
from wa_lint.graph.conditions import may_coexist
from wa_lint.graph.data_reads import WideRead, managed_wide_reads, written_wide_reads
from wa_lint.graph.effective import ManagedRef, functions_of, permissions
from wa_lint.graph.log_groups import LogGroups, LogWriter, log_groups, log_writers
from wa_lint.graph.model import STATE_MACHINE, Edge, Graph, shorten
from wa_lint.graph.names import name_text
from wa_lint.graph.open_policies import OpenStatement, is_website, open_statements
from wa_lint.graph.query import applies_to as resource_applies_to
from wa_lint.graph.query import condition_of as statement_condition
from wa_lint.graph.query import (
    denied_arns,
    denied_patterns,
    granted_actions,
    granted_on_some_arn,
    is_action_wildcard,
    may_use,
    not_denied,
    reach_text,
    role_names,
    scoping_keys,
    short_arn,
    short_list,
    unscoped_resources,
    written_statements,
)
from wa_lint.graph.query import located as statement_location
from wa_lint.graph.query import where as statement_where
from wa_lint.graph.reliability import (
    dead_letter_sources,
    describe_source,
    duration,
    into,
    is_set,
    mapping_sources,
    number,
    outside,
    queue_consumers,
    subject,
)
from wa_lint.graph.rest_features import RestApiUse, rest_api_uses
from wa_lint.graph.schedules import Ping, invocation_ping, target_ping
from wa_lint.graph.statemachine import cached_definition, state_line, unhandled_tasks
from wa_lint.graph.transport import enforces_tls, tls_unknown_outside
from wa_lint.iam import data as iam_data
from wa_lint.iam.statements import render
from wa_lint.model import DuplicateKey, Resource, Unknown, mark_of
from wa_lint.secrets import SECRET_FIX, environment_secrets
from wa_lint.values import branches, cased, integer, intrinsic, referenced_resources

__all__ = [
    "BUCKET",
    "MESSAGE_MAX",
    "QUEUE",
    "SECRET_FIX",
    "STATE_MACHINE",
    "TOPIC",
    "ApiOperation",
    "ApiStage",
    "AppliesTo",
    "AttachedPolicy",
    "Burst",
    "DepthAlarms",
    "DuplicateKey",
    "Edge",
    "Finding",
    "FixedStore",
    "Glue",
    "Graph",
    "Integration",
    "LogGroups",
    "LogWriter",
    "ManagedRef",
    "OpenStatement",
    "Operation",
    "Pillar",
    "Ping",
    "Related",
    "Resource",
    "RestApiUse",
    "RuleFunction",
    "RuleMeta",
    "Severity",
    "Unknown",
    "WideRead",
    "X86Function",
    "api_kind",
    "api_name",
    "api_operations",
    "api_stages",
    "assess",
    "branches",
    "bursts",
    "by_name",
    "cached_definition",
    "cased",
    "code_facts",
    "database",
    "dead_letter_sources",
    "denied_arns",
    "denied_patterns",
    "depth_alarms",
    "describe_source",
    "duration",
    "each",
    "enforces_tls",
    "environment_secrets",
    "fitting",
    "fixed_stores",
    "forwards_verb",
    "function_of",
    "functions_of",
    "glue_functions",
    "granted_actions",
    "granted_on_some_arn",
    "iam_data",
    "integer",
    "into",
    "intrinsic",
    "invocation_ping",
    "is_action_wildcard",
    "is_private",
    "is_set",
    "is_website",
    "items",
    "log_groups",
    "log_writers",
    "managed_wide_reads",
    "mapping_sources",
    "mark_of",
    "may_coexist",
    "may_use",
    "name_text",
    "not_denied",
    "number",
    "open_statements",
    "operations",
    "outside",
    "permissions",
    "policies_of",
    "queue_consumers",
    "reach_text",
    "referenced_resources",
    "render",
    "resource_applies_to",
    "rest_api_uses",
    "role_names",
    "route_keys",
    "rule",
    "runtimes",
    "scalar",
    "scoping_keys",
    "service_of",
    "short_arn",
    "short_list",
    "shorten",
    "state_line",
    "statement_condition",
    "statement_location",
    "statement_where",
    "store_types",
    "subject",
    "target_ping",
    "text",
    "tls_unknown_outside",
    "unattributed_policies",
    "unhandled_tasks",
    "unscoped_resources",
    "walk",
    "written_statements",
    "written_wide_reads",
    "x86_functions",
]
