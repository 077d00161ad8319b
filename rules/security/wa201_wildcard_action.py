"""WA201: a Lambda execution role is granted every action, or every action of a service."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import (
    Finding,
    Graph,
    Pillar,
    Severity,
    fitting,
    is_action_wildcard,
    reach_text,
    rule,
    short_list,
    written_statements,
)
from wa_lint.api import statement_condition as condition_of
from wa_lint.api import statement_location as located
from wa_lint.api import statement_where as where


def _what(negated: bool, listed: str) -> str:
    return f"every action except {listed or '(none)'} (NotAction)" if negated else listed


@rule(
    id="WA201",
    name="lambda-role-wildcard-action",
    pillar=Pillar.SECURITY,
    severity=Severity.ERROR,
    lens="SEC 2",
)
def lambda_role_wildcard_action(graph: Graph) -> Iterator[Finding]:
    """A function's execution role allows `*`, a whole service (`s3:*`), or uses `NotAction`.

    ## Why
    Least privilege per function is the Serverless Lens' first identity practice: a function
    should be able to do what its code does and nothing else. `dynamodb:*` also lets it delete
    tables and change their backups; `*` makes a code-injection bug an account takeover; an
    `Allow` with `NotAction` grants every action AWS has, or will ever add, except those listed.

    ## When it fires
    An `Allow` statement that reaches a function's role has `Action: "*"` (or `*:*`), a service
    wildcard such as `s3:*`, or `NotAction`. Statements are followed wherever they are written:
    the role's inline `Policies`, `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` resources
    attached through `Roles` (CDK's `DefaultPolicy`), `AWS::IAM::RolePolicy`, customer managed
    policies in `ManagedPolicyArns`, and SAM `Policies` (inline statements). A statement shared by
    several functions is reported once, naming all of them. `Condition` does not silence it: the
    action is still a wildcard.

    ## When it stays silent
    - The wildcard is only part of an action name (`s3:Get*`, `dynamodb:*Item`): WA202 and WA204
      judge what those expand to.
    - `Deny` statements, and AWS managed policies (WA203 judges those by name).
    - Functions that CDK creates for itself (custom-resource providers, log retention).

    ## Fix
    ```yaml
    Policies:
      - PolicyName: orders
        PolicyDocument:
          Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem]
              Resource: !GetAtt OrdersTable.Arn
    ```
    In SAM prefer a policy template (`DynamoDBCrudPolicy: {TableName: !Ref OrdersTable}`); in CDK
    a grant (`table.grantReadWriteData(fn)`).
    """
    for reach in written_statements(graph):
        st = reach.statement
        if st.not_actions is not None:
            listed = list(st.not_actions)
            wild = []  # no action glob can vouch for NotAction: a scoped suppression never covers it
        else:
            wild = [a for a in st.actions if is_action_wildcard(a)]
            if not wild:
                continue
            listed = wild
        conditioned = f" (under a Condition on {short_list(st.condition_keys(), 2)})" if st.conditions else ""
        negated = st.not_actions is not None
        head, to = where(graph, st), reach_text(graph, reach)
        ons = [st.resources_text() or "(no resource)"]  # a long resource list gives way before the actions do
        if st.not_resources is None and len(st.resources) > 1:
            ons += [short_list(list(st.resources), 1), f"{len(st.resources)} resources"]
        yield Finding.at(
            located(graph, st, reach),
            fitting(f"{head} allows {_what(negated, short_list(listed, n))} on {on}{conditioned} to {to}"
                    for on in ons for n in (8, 3, 1)),
            fix="List the actions the function calls (e.g. dynamodb:GetItem, dynamodb:PutItem) instead of a "
                "wildcard or NotAction; in SAM use a policy template, in CDK a grant method.",
            line=st.line or None,
            related=[*reach.functions],
            condition=condition_of(st, reach),
            subjects={"actions": wild, "resources": [st.resources_text()] if st.not_resources is not None
                      else list(st.resources)},
        )
