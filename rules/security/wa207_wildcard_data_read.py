"""WA207: a Lambda execution role may read the data of every store of a kind, not the ones it uses."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import (
    Finding,
    Graph,
    Pillar,
    Severity,
    WideRead,
    fitting,
    managed_wide_reads,
    reach_text,
    role_names,
    rule,
    short_arn,
    short_list,
    statement_condition,
    statement_location,
    statement_where,
    written_wide_reads,
)

SAM_FIX = ("Use a policy template naming the store (S3ReadPolicy: {{BucketName: !Ref Bucket}}, "
           "DynamoDBReadPolicy: {{TableName: !Ref Table}}) instead of {what}.")
CDK_FIX = "Grant the store to the function (bucket.grantRead(fn), table.grantReadData(fn)) instead of {what}."
CFN_FIX = "Name the resources the function reads (!GetAtt Table.Arn, !Sub '${{Bucket.Arn}}/*') instead of {what}."


def _every(read: WideRead) -> str:
    """``every bucket and secret``, at most three kinds named."""
    kinds = read.kinds
    if len(kinds) > 3:
        kinds = [*kinds[:2], f"{len(kinds) - 2} more kinds of store"]
    return "every " + (kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1])


def _fix(origin: str, what: str) -> str:
    template = {"sam": SAM_FIX, "cdk": CDK_FIX}.get(origin, CFN_FIX)
    return template.format(what=what)


@rule(
    id="WA207",
    name="lambda-role-wildcard-data-read",
    pillar=Pillar.SECURITY,
    severity=Severity.WARNING,
    lens="SEC 2",
)
def lambda_role_wildcard_data_read(graph: Graph) -> Iterator[Finding]:
    """A function's execution role may read the data of every bucket, table or secret in the account.

    ## Why
    Reading is not harmless: `s3:GetObject` on `*` lets a function that needs one bucket read
    every object of every bucket the account holds, `secretsmanager:GetSecretValue` on `*`
    every other application's database password. A code-injection bug or a leaked deployment
    package then exfiltrates all of it. `AmazonS3ReadOnlyAccess` and the other read-only AWS
    managed policies look safe for that reason, and are as wide as a wildcard. WA202 only judges
    writes on `*`, WA203 only `*FullAccess` policies: this rule covers the reads.

    ## When it fires
    An `Allow` statement that reaches a function's role grants one of these data reads on
    `Resource: "*"`, on an ARN of that service whose resource part is only wildcards
    (`arn:aws:s3:::*/*`, `arn:${AWS::Partition}:dynamodb:…:table/*`, as `S3ReadPolicy:
    {BucketName: "*"}` produces), or with `NotResource`:

    - `s3:GetObject`, `s3:GetObjectVersion` (also through `s3:Get*`, `s3:GetObject*`);
    - `dynamodb:GetItem`, `BatchGetItem`, `Query`, `Scan`, `PartiQLSelect`;
    - `secretsmanager:GetSecretValue`; `ssm:GetParameter`, `GetParameters`, `GetParametersByPath`,
      `GetParameterHistory`; `kms:Decrypt`;
    - `sqs:ReceiveMessage`; `kinesis:GetRecords`.

    Statements are followed wherever they are written, as for WA201 (inline `Policies`,
    `AWS::IAM::Policy` / `ManagedPolicy` / `RolePolicy`, SAM policy templates and inline
    statements), and AWS managed policies count with their current documents:
    `AmazonS3ReadOnlyAccess`, `AmazonDynamoDBReadOnlyAccess`, `SecretsManagerReadWrite`,
    `ReadOnlyAccess`, and any other the data set ships. A function that reads one bucket through a
    grant but also holds `AmazonS3ReadOnlyAccess` reads every bucket: it fires.

    ## When it stays silent
    - The resource names specific ARNs (`!GetAtt Table.Arn`, `${Bucket.Arn}/*`) or a prefix of
      one resource (`arn:aws:s3:::reports-bucket/2024/*`, `…:parameter/my-app/*`).
    - The policy is already reported by WA203 (`AdministratorAccess`, `PowerUserAccess`,
      `IAMFullAccess`, any `*FullAccess`), and so is a wildcard action WA201 reports (`*`, `s3:*`,
      `NotAction`): fixing that finding removes this one's cause too.
    - AWS's execution-role policies for event source mappings (`AWSLambdaSQSQueueExecutionRole`,
      `AWSLambdaKinesisExecutionRole`, `AWSLambdaDynamoDBExecutionRole`,
      `AWSLambdaMSKExecutionRole`): the SAM translator attaches them to every function with such
      an event, whatever the template says, so a finding could not be acted on.
      `AWSLambdaExecute` (S3 reads and writes on every bucket) is still reported.
    - A `Condition` narrows the resources (`aws:ResourceTag/…`, `aws:ResourceAccount`, a service
      key such as `kms:ViaService` or `dynamodb:LeadingKeys`) or leaves the grant to an AWS
      service acting for the role (`aws:ViaAWSService: true`), or an unconditional `Deny` on `*`
      in the same role takes the actions away.
    - Other read actions (listing, describing, `s3:GetObjectTagging`): they return configuration,
      not the data.
    - Roles only CDK's own functions use.

    ## Fix
    ```yaml
    # SAM
    Policies:
      - S3ReadPolicy: {BucketName: !Ref ReportsBucket}     # not AmazonS3ReadOnlyAccess, not "*"
    # CloudFormation
    - Effect: Allow
      Action: s3:GetObject
      Resource: !Sub '${ReportsBucket.Arn}/*'
    ```
    CDK: `reportsBucket.grantRead(fn)` instead of
    `ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')`.
    """
    for reach, read in written_wide_reads(graph):
        st = reach.statement
        where = statement_where(graph, st)
        located = statement_location(graph, st, reach)
        origin = "sam" if st.sam_entry is not None else "cdk" if located.construct_path else "cfn"
        on = ", ".join(short_arn(r) for r in read.resources)
        yield Finding.at(
            located,
            fitting(f"{reach_text(graph, reach)} can read {data}{_every(read)}: "
                    f"{where} allows {short_list(read.actions, n)} on {on}" for data in ("the data of ", "")
                    for n in (2, 1)),
            fix=_fix(origin, ", ".join(short_arn(r) for r in read.resources)),
            line=st.line or None,
            related=[*reach.functions],
            condition=statement_condition(st, reach),
            subjects={"actions": list(read.actions), "resources": list(read.resources)},
        )
    for found in managed_wide_reads(graph):
        origin = "sam" if found.role.source_resource else "cdk" if found.role.construct_path else "cfn"
        yield Finding.at(
            found.role,
            f"{role_names(graph, [found.role.logical_id])}, the execution role of "
            f"{graph.names(f.logical_id for f in found.functions)}, has {found.ref.name}, which reads the data of "
            f"{_every(found.read)} in the account",
            fix=_fix(origin, found.ref.name),
            line=found.ref.line,
            related=[*found.functions],
            condition=found.ref.condition,
        )
