"""WA202: a Lambda execution role may change any resource of a kind, not the ones it uses."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import (
    Finding,
    Graph,
    Pillar,
    Severity,
    denied_arns,
    fitting,
    granted_actions,
    granted_on_some_arn,
    is_action_wildcard,
    reach_text,
    rule,
    scoping_keys,
    short_arn,
    short_list,
    unscoped_resources,
    written_statements,
)
from wa_lint.api import iam_data as data
from wa_lint.api import resource_applies_to as applies_to
from wa_lint.api import statement_condition as condition_of
from wa_lint.api import statement_location as located
from wa_lint.api import statement_where as where

#: Named by the rule catalog as needing ``*`` by design. The rest of the by-design set comes from
#: data: what AWS's own Lambda runtime policies grant on ``*`` (logs, network interfaces, X-Ray).
NEEDS_STAR = frozenset({"cloudwatch:putmetricdata"})


def _offending(actions: list[data.Action]) -> list[data.Action]:
    by_design = data.by_design_star() | NEEDS_STAR
    return [a for a in actions if a.level in data.MUTATING and a.resource_level and a.full.lower() not in by_design]


def _describe(st_actions: tuple[str, ...], offending: list[data.Action], limit: int) -> str:
    """The patterns as written that grant the offending actions, with what they expand to; at most
    ``limit`` actions named."""
    names = sorted(a.full for a in offending)
    written = [p for p in st_actions if not is_action_wildcard(p) and any(data.matches(p, n) for n in names)]
    if written and {w.lower() for w in written} != {n.lower() for n in names}:
        examples = sorted(names, key=lambda n: (len(n), n))[:min(limit, 3)]
        return f"{short_list(written, limit)} ({len(names)} write actions, e.g. {', '.join(examples)})"
    return short_list(names, limit)


@rule(
    id="WA202",
    name="lambda-role-wildcard-resource",
    pillar=Pillar.SECURITY,
    severity=Severity.WARNING,
    lens="SEC 2",
)
def lambda_role_wildcard_resource(graph: Graph) -> Iterator[Finding]:
    """A function's execution role may write to every resource of a kind instead of the ones it uses.

    ## Why
    `dynamodb:PutItem` on `Resource: "*"` lets the function overwrite any table in the account,
    not just its own; a bug or an injected payload then reaches data that belongs to other
    applications. Naming the resource (`!GetAtt OrdersTable.Arn`) costs nothing.

    ## When it fires
    An `Allow` statement reaching a function's role grants a write, permissions-management or
    tagging action (access levels from the IAM data set, so `s3:Put*` is expanded) that supports
    resource-level permissions, on every resource of its kind: `Resource: "*"`, an ARN whose
    resource part is only wildcards (`arn:aws:s3:::*`, `arn:${AWS::Partition}:dynamodb:…:table/*`,
    as `S3CrudPolicy: {BucketName: "*"}` produces), or `NotResource`.

    ## When it stays silent
    - The actions need `*` by design: `xray:PutTraceSegments`, the `ec2:CreateNetworkInterface`
      family for VPC functions, `logs:CreateLogGroup`, `s3-object-lambda:WriteGetObjectResponse`
      (what AWS's own Lambda execution-role policies grant on `*`, read from the managed-policy
      data set), `cloudwatch:PutMetricData`, and every action that supports no resource ARN.
    - Read-only and list actions (`s3:GetObject` on `*` is broad, but it is not a write).
    - A `Condition` scopes the statement to resources: `aws:ResourceTag/…`,
      `aws:ResourceAccount`, `aws:ResourceOrgID`, or a service key (`dynamodb:LeadingKeys`,
      `ec2:Vpc`, …); or it leaves the grant to an AWS service acting for the role
      (`aws:ViaAWSService: true`, `aws:CalledVia` equal to a service): the function's code cannot
      use it, and the service acts on what it creates.
    - An unconditional `Deny` on `*` in the same role takes the actions away, and so does one
      on every ARN of the action's service in any region and account (`arn:aws:sns:*:*`): what
      is left reaches only targets without an ARN, which need `*` by design (`sns:Publish` to a
      phone number, as AWS's "SMS only, no topics" policy grants it).
    - The resource names something (`${Bucket.Arn}/*`, `table/Orders/index/*`, a prefix).
    - The wildcard ARN belongs to another service than the action: `sqs:DeleteMessage` in a
      statement listing `arn:aws:logs:…:log-group:*:*` and a queue's ARN reaches that queue only.
    - Wildcard actions WA201 already reports (`*`, `s3:*`, `NotAction`): fixing that fixes both.
    - AWS managed policies (WA203) and unknown actions.

    ## Fix
    ```yaml
    Policies:
      - S3CrudPolicy:
          BucketName: !Ref UploadBucket     # not "*"
    ```
    """
    for reach in written_statements(graph):
        st = reach.statement
        wide = unscoped_resources(st)
        if not wide or scoping_keys(st):
            continue
        offending = [a for a in _offending(granted_actions(st, skip_wildcards=True))
                     if any(applies_to(r, a.full) for r in wide)]
        if offending:
            offending = granted_on_some_arn(offending, denied_arns(graph, reach.roles))
        if not offending:
            continue
        wide = [r for r in wide if any(applies_to(r, a.full) for a in offending)]
        head, to = where(graph, st), reach_text(graph, reach)
        yield Finding.at(
            located(graph, st, reach),
            fitting(f"{head} allows {_describe(st.actions, offending, n)} on {on} to {to}"
                    for on in (", ".join(wide), ", ".join(map(short_arn, wide))) for n in (8, 3, 1)),
            fix="Name the resources the function writes to (e.g. !GetAtt Table.Arn, !Sub '${Bucket.Arn}/*') "
                "instead of *.",
            line=st.line or None,
            related=[*reach.functions],
            condition=condition_of(st, reach),
            subjects={"actions": sorted(a.full for a in offending), "resources": wide},
        )
