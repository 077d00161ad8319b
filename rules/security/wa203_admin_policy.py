"""WA203: an administrator-like or full-access AWS managed policy on a Lambda execution role."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import (
    Finding,
    Graph,
    ManagedRef,
    Pillar,
    Severity,
    fitting,
    functions_of,
    permissions,
    role_names,
    rule,
    short_list,
)
from wa_lint.api import iam_data as data

#: Policies that hand out the account (error); every other ``*FullAccess`` is a warning.
ADMIN = frozenset({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"})


def _grants(ref: ManagedRef) -> str:
    """What the policy allows on ``*``, from the managed-policy data set."""
    document = data.managed_policy(ref.name)
    if document is None:
        return ""
    statements = document.get("Statement")
    parts: list[str] = []
    for st in statements if isinstance(statements, list) else [statements]:
        if not (isinstance(st, dict) and st.get("Effect") == "Allow" and st.get("Resource") in ("*", ["*"])
                and "Condition" not in st):
            continue
        if "NotAction" in st:
            excluded = st["NotAction"] if isinstance(st["NotAction"], list) else [st["NotAction"]]
            parts.append("every action except " + short_list([str(a) for a in excluded], 2))
        else:
            actions = st.get("Action")
            parts.append(short_list([str(a) for a in (actions if isinstance(actions, list) else [actions])], 2))
    return f" (it allows {parts[0]} on *)" if parts else ""


@rule(
    id="WA203",
    name="lambda-role-admin-policy",
    pillar=Pillar.SECURITY,
    severity=Severity.ERROR,
    lens="SEC 2",
)
def lambda_role_admin_policy(graph: Graph) -> Iterator[Finding]:
    """An administrator or full-access AWS managed policy is attached to a function's role.

    ## Why
    `AdministratorAccess`, `PowerUserAccess` and `IAMFullAccess` give a function the whole
    account (IAM full access lets it grant itself anything); `AmazonS3FullAccess` and the other
    `*FullAccess` policies give it every action of a service on every resource, including
    deleting buckets and tables of other applications. They are made for people, not functions.

    ## When it fires
    The managed policy is in the role's `ManagedPolicyArns` (a literal ARN, `!Sub` / `!Join` with
    `AWS::Partition`, as CDK writes it) or in a SAM function's `Policies` by name. Error for
    `AdministratorAccess`, `PowerUserAccess` and `IAMFullAccess`; warning for any other AWS
    managed policy whose name ends in `FullAccess`. The message says what the policy allows, from
    the managed-policy data set.

    ## When it stays silent
    - Execution-role policies (`AWSLambdaBasicExecutionRole`, `AWSLambdaVPCAccessExecutionRole`,
      `AWSXRayDaemonWriteAccess`, …) and other AWS managed policies without `FullAccess` in their name.
    - Customer managed policies (`AWS::IAM::ManagedPolicy`): WA201, WA202 and WA204 read their statements.
    - Roles only CDK's own functions use.

    ## Fix
    ```yaml
    Policies:
      - S3CrudPolicy: {BucketName: !Ref UploadBucket}   # instead of AmazonS3FullAccess
    ```
    """
    for role_id, perms in permissions(graph).items():
        fns = functions_of(graph, role_id)
        if not fns:
            continue
        role = graph.stack.resources[role_id]
        for ref in perms.managed:
            if ref.name in ADMIN:
                severity = Severity.ERROR
            elif ref.name.endswith("FullAccess"):
                severity = Severity.WARNING
            else:
                continue
            fn_names = graph.names(f.logical_id for f in fns)
            yield Finding.at(
                role,
                fitting((f"{role_names(graph, [role_id])}, the execution role of {fn_names}, has the AWS managed "
                         f"policy {ref.name}{_grants(ref)}",
                         f"{role_names(graph, [role_id])}, the execution role of {fn_names}, has the AWS managed "
                         f"policy {ref.name}")),
                fix=f"Replace {ref.name} with statements for the actions and resources the function uses "
                    "(a SAM policy template, a CDK grant).",
                line=ref.line,
                related=[*fns],
                severity=severity,
                condition=ref.condition,
            )
