"""WA214: a resource policy lets anyone, in any AWS account or none, use the resource."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, OpenStatement, Pillar, Severity, is_website, open_statements, rule, short_list

SAM_FIX = ("Name the principals (an account, a role ARN, a service with aws:SourceArn) or add a Condition "
           "on aws:PrincipalOrgID, aws:SourceAccount or aws:SourceVpce to statement {n}.")
CDK_FIX = ("Grant to specific principals (grantRead(role), addToResourcePolicy with an account or service "
           "principal and a condition such as aws:PrincipalOrgID) instead of AnyPrincipal (statement {n}).")
WEBSITE_FIX = ("Serve the site through CloudFront with origin access control and allow only "
               "cloudfront.amazonaws.com with aws:SourceArn of the distribution.")


def _holder(graph: Graph, st: OpenStatement) -> str:
    """``ExportsPolicy (S3 bucket Exports)`` / ``the key policy of KMS key DataKey``."""
    if st.targets == [st.policy.logical_id]:
        return f"the policy of {st.what} {graph.label(st.policy.logical_id)}"
    if st.targets:
        return f"{graph.label(st.policy.logical_id)} ({st.what} {graph.names(st.targets)})"
    return f"{graph.label(st.policy.logical_id)} ({st.what} policy)"


@rule(
    id="WA214",
    name="resource-policy-open-to-anyone",
    pillar=Pillar.SECURITY,
    severity=Severity.ERROR,
    lens="SEC 2",
)
def resource_policy_open_to_anyone(graph: Graph) -> Iterator[Finding]:
    """A resource policy allows `Principal: "*"` without a condition that narrows who that is.

    ## Why
    `Principal: "*"` in a resource policy means every principal of every AWS account, and for
    S3, SQS, SNS, API Gateway and OpenSearch also anonymous callers. A bucket policy that allows
    `s3:GetObject` to `*` publishes the bucket; a queue or topic open to `*` takes messages from
    anyone; a key policy open to `*` lets any account use the key. Service integrations need a
    service principal with `aws:SourceArn`, not `*`; sharing within an organization needs
    `aws:PrincipalOrgID`.

    ## When it fires
    An `Allow` statement with `Principal: "*"`, `Principal: {AWS: "*"}` or `NotPrincipal`, and no
    condition key among `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner`,
    `aws:SourceOrgID`/`OrgPaths`, `aws:PrincipalOrgID`/`OrgPaths`, `aws:PrincipalAccount`,
    `aws:PrincipalArn`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceIp`, `aws:VpcSourceIp`
    (and `kms:CallerAccount`, `s3:DataAccessPointAccount`/`Arn`, which pin the account), in:
    an `AWS::S3::BucketPolicy`, `AWS::SQS::QueuePolicy` / `QueueInlinePolicy`,
    `AWS::SNS::TopicPolicy` / `TopicInlinePolicy`, an OpenSearch domain's `AccessPolicies`, a REST
    API's `Policy` or OpenAPI `x-amazon-apigateway-policy` (SAM `Auth.ResourcePolicy`), a KMS
    key's `KeyPolicy`, an `AWS::SecretsManager::ResourcePolicy`, an `AWS::Events::EventBusPolicy`
    (also its older `Principal: "*"` form) or an event bus's `Policy`. Error; warning when every
    action it allows only reads or lists (`s3:GetObject`, `s3:ListBucket`), by the IAM data set.

    ## When it stays silent
    - The statement denies (`Deny` statements only take access away).
    - A narrowing condition is present, or a `Deny` in the same document with a narrowing
      condition covers the allowed actions (the "allow `*`, deny unless `aws:SourceVpce`" form
      of private APIs and VPC-only buckets). A condition that cannot be read counts as narrowing.
    - The principal is an account, a role, or a service (`{Service: sns.amazonaws.com}`).
    - The document is not determined by the template (`Fn::Sub` text, a parameter).

    An S3 bucket that serves a website (`WebsiteConfiguration`) and whose open statement grants
    only `s3:GetObject` is reported at info: publishing is its purpose, but CloudFront with
    origin access control would keep the bucket private.

    ## Fix
    ```yaml
    # SAM and CloudFormation
    QueuePolicy:
      Type: AWS::SQS::QueuePolicy
      Properties:
        Queues: [!Ref Orders]
        PolicyDocument:
          Statement:
            - Effect: Allow
              Principal: {Service: sns.amazonaws.com}        # not "*"
              Action: sqs:SendMessage
              Resource: !GetAtt Orders.Arn
              Condition: {ArnEquals: {aws:SourceArn: !Ref OrdersTopic}}
    ```
    CDK: `queue.grantSendMessages(principal)` or `topic.addSubscription(new SqsSubscription(queue))`
    instead of `new iam.AnyPrincipal()`; add `conditions: {StringEquals: {'aws:PrincipalOrgID': …}}`
    when an organization shares the resource.
    """
    for st in open_statements(graph):
        target = graph.resource(st.targets[0]) if len(st.targets) == 1 else None
        website = is_website(target) and not st.not_action and [a.lower() for a in st.actions] == ["s3:getobject"]
        severity = Severity.INFO if website else Severity.WARNING if st.read_only else None
        verb = "everything except " if st.not_action else ""
        actions = short_list(st.actions, 3) or "(no action)"
        who = f"anyone (Principal {st.principal})"
        if st.principal == "NotPrincipal":
            who = "everyone but the NotPrincipal"
        if website:
            fix = WEBSITE_FIX
        elif st.policy.construct_path:
            fix = CDK_FIX.format(n=st.index + 1)
        else:
            fix = SAM_FIX.format(n=st.index + 1)
        yield Finding.at(
            st.policy,
            f"Statement {st.index + 1} of {_holder(graph, st)} allows {verb}{actions} to {who} "
            "with no narrowing condition",
            fix=fix,
            line=st.line,
            related=[r for r in (graph.resource(t) for t in st.targets) if r is not None and r is not st.policy],
            severity=severity,
            condition=st.condition,
        )
