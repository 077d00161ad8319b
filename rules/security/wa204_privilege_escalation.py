"""WA204: a Lambda execution role can give itself, or another principal, more permissions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from wa_lint.api import (
    Finding,
    Graph,
    Pillar,
    Severity,
    denied_patterns,
    fitting,
    granted_actions,
    may_use,
    not_denied,
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

#: The escalation paths of the rule catalog: passing any role, writing or attaching policies,
#: minting credentials for users, rewriting trust, replacing code of any function, assuming any role.
ESCALATION = frozenset(
    a.lower()
    for a in (
        "iam:PassRole",
        "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
        "iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy",
        "iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy",
        "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
        "iam:UpdateAssumeRolePolicy",
        "lambda:UpdateFunctionCode", "lambda:CreateFunction",
        "sts:AssumeRole",
    )
)


#: ``iam:PassedToService`` operators whose values say exactly which services a role may be passed to.
PASSED_TO_OPERATORS = frozenset({"stringequals", "stringequalsignorecase", "stringlike",
                                 "stringequalsifexists", "stringlikeifexists"})
LAMBDA_SERVICE = "lambda.amazonaws.com"


def _escalating(st_actions: list[data.Action]) -> list[data.Action]:
    return [a for a in st_actions if a.full.lower() in ESCALATION]


def _names_lambda(operator: str, values: list[str]) -> bool:
    if "like" not in operator:
        return LAMBDA_SERVICE in (v.lower() for v in values)
    return any(data.matches(v.lower(), LAMBDA_SERVICE) for v in values)  # IAM wildcards, never a regex


def _not_to_lambda(conditions: dict[str, Any]) -> bool:
    """Whether an ``iam:PassedToService`` condition names only services other than Lambda."""
    for operator, block in conditions.items():
        op = str(operator).lower()
        for key, value in block.items() if isinstance(block, dict) else ():
            values = value if isinstance(value, list) else [value]
            if str(key).lower() == "iam:passedtoservice" and op in PASSED_TO_OPERATORS and values \
                    and all(isinstance(v, str) for v in values) and not _names_lambda(op, values):
                return True
    return False


def _may_pass_to_lambda(graph: Graph, roles: Iterable[str]) -> bool:
    """Whether one of ``roles`` may pass a role to Lambda. ``lambda:CreateFunction`` needs
    ``iam:PassRole`` on the new function's role, so without it the action escalates nothing (console
    exports copy the old AmazonDynamoDBFullAccess inline: CreateFunction beside PassRole limited to DAX
    and Application Auto Scaling). Permissions the template does not show count as may."""
    return may_use(graph, roles, "iam:passrole", lambda st: not _not_to_lambda(st.conditions))


@rule(
    id="WA204",
    name="lambda-role-privilege-escalation",
    pillar=Pillar.SECURITY,
    severity=Severity.ERROR,
    lens="SEC 2",
)
def lambda_role_privilege_escalation(graph: Graph) -> Iterator[Finding]:
    """A function's role can escalate: pass any role, rewrite policies, or replace any function's code.

    ## Why
    These actions turn a function's limited role into any permission in the account: passing an
    administrator role to a new function, attaching `AdministratorAccess` to itself, creating an
    access key for a user, rewriting a role's trust policy, or swapping another function's code
    (and so borrowing its role). A code-injection bug in the function becomes an account takeover.

    ## When it fires
    An `Allow` statement reaching a function's role grants, on every resource of its kind
    (`*`, `arn:aws:iam::*:role/*`, `NotResource`), one of: `iam:PassRole`;
    `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`, `iam:Attach{Role,User,Group}Policy`,
    `iam:Put{Role,User,Group}Policy`; `iam:CreateAccessKey`, `iam:CreateLoginProfile`,
    `iam:UpdateLoginProfile`; `iam:UpdateAssumeRolePolicy`; `lambda:UpdateFunctionCode`,
    `lambda:CreateFunction`; `sts:AssumeRole`. Wildcards are expanded with the IAM data set, so
    `iam:*`, `iam:Put*`, `*` and `NotAction` count.

    ## When it stays silent
    - The resource is a specific ARN (`!GetAtt WorkerRole.Arn`, a function's ARN); a wildcard ARN
      of another service (`arn:aws:logs:…:*` beside a role's ARN) does not reach roles or functions.
    - A `Condition` scopes it (`iam:PassedToService: lambda.amazonaws.com`, `aws:ResourceTag/…`),
      or leaves it to an AWS service acting for the role (`aws:ViaAWSService: true`,
      `aws:CalledVia` equal to a service).
    - `lambda:CreateFunction` when the role cannot pass any role to Lambda: no `iam:PassRole`, or
      only with an `iam:PassedToService` condition naming other services (a new function needs a
      role passed to it). Policies the template does not show count as passing one.
    - An unconditional `Deny` on `*` in the same role takes the actions away.
    - AWS managed policies (WA203).

    ## Fix
    ```yaml
    - Effect: Allow
      Action: iam:PassRole
      Resource: !GetAtt WorkerRole.Arn
      Condition: {StringEquals: {iam:PassedToService: lambda.amazonaws.com}}
    ```
    """
    for reach in written_statements(graph):
        st = reach.statement
        wide = unscoped_resources(st)
        if not wide or scoping_keys(st):
            continue
        found = [a for a in _escalating(granted_actions(st)) if any(applies_to(r, a.full) for r in wide)]
        if found:
            found = not_denied(found, denied_patterns(graph, reach.roles))
        create = [a for a in found if a.full.lower() == "lambda:createfunction"]
        if create and not _may_pass_to_lambda(graph, reach.roles):
            found = [a for a in found if a not in create]
        if not found:
            continue
        names = sorted(a.full for a in found)
        wide = [r for r in wide if any(applies_to(r, a.full) for a in found)]
        if st.not_actions is not None:
            through = st.actions_text()
        else:
            patterns = [p for p in st.actions if data.is_glob(p) and any(data.matches(p, n) for n in names)]
            through = ", ".join(patterns)
        via = f" (through {through})" if through else ""
        granted = [f"{short_list(names, n)}{via}" for n in (8, 3, 1)]
        granted += [f"{through} ({len(names)} actions)"] if through and len(names) > 1 else []
        head, to = where(graph, st), reach_text(graph, reach)
        yield Finding.at(
            located(graph, st, reach),
            fitting(f"{head} lets {to} escalate its privileges with {actions} on {on}"
                    for on in (", ".join(wide), ", ".join(short_arn(r, 0) for r in wide)) for actions in granted),
            fix="Name the specific roles or functions (e.g. iam:PassRole on !GetAtt WorkerRole.Arn with an "
                "iam:PassedToService condition) or drop the action.",
            line=st.line or None,
            related=[*reach.functions],
            condition=condition_of(st, reach),
            subjects={"actions": names, "resources": wide},
        )
