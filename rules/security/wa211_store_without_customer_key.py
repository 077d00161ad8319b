"""WA211: stores encrypted only with an AWS owned or AWS managed key (off by default)."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, assess, rule, scalar, store_types, text

KEY_WORDS = {"aws-owned": "an AWS owned key", "aws-managed": "the AWS managed key"}
BUS = "AWS::Events::EventBus"
DISCOVERER = "AWS::EventSchemas::Discoverer"
BUS_ARN_MARK = ":event-bus/"


def _discovered_buses(graph: Graph) -> set[str] | None:
    """The buses a schema discoverer of the stack reads (EventBridge schema discovery does not work
    on a bus encrypted with a customer managed key); None when a discoverer's source cannot be
    told, so it may be any bus."""
    buses: set[str] = set()
    names = {scalar(graph, bus.prop("Name")): bus.logical_id for bus in graph.of_type(BUS, include_internal=True)}
    for discoverer in graph.of_type(DISCOVERER, include_internal=True):
        source = discoverer.prop("SourceArn")
        found = graph.target(source)
        if found is not None:
            buses.add(found)
            continue
        arn = text(graph, source)
        if BUS_ARN_MARK not in arn:
            return None
        name = arn.rsplit(BUS_ARN_MARK, 1)[1]
        if "<" in name:  # a placeholder of text(): the name is not known
            return None
        if name in names:
            buses.add(names[name])
    return buses


@rule(
    id="WA211",
    name="store-without-customer-key",
    pillar=Pillar.SECURITY,
    severity=Severity.INFO,
    lens="SEC 3",
    enabled=False,
)
def store_without_customer_key(graph: Graph) -> Iterator[Finding]:
    """A data store is encrypted only with an AWS owned or AWS managed key.

    Off by default: add it with `--extend-select WA211` where policy requires customer managed keys.

    ## Why
    With an AWS owned key (SSE-S3, SSE-SQS, DynamoDB's default) or an AWS managed key
    (`alias/aws/<service>`) the data is encrypted, but you cannot write the key policy, rotate
    on your own schedule, revoke access by disabling the key, or share encrypted data across
    accounts; nor does CloudTrail show who decrypted what. Regulated workloads usually require
    a customer managed KMS key. AWS managed keys also break some integrations: S3, SNS and
    EventBridge cannot send to an SQS queue or SNS topic encrypted with `alias/aws/sqs` or
    `alias/aws/sns`.

    ## When it fires
    A store the encryption table knows (`docs/encryption.md`: S3, DynamoDB, SQS, SNS, Kinesis,
    Firehose, EFS, RDS, Aurora, DocumentDB, Neptune, ElastiCache, MemoryDB, OpenSearch, log
    groups, Lambda environment variables, Step Functions, Secrets Manager, EventBridge buses, ECR,
    Timestream, Amazon MQ, MSK) is encrypted, but with no customer managed key: the service
    default, or a key value of `alias/aws/<service>`.

    ## When it stays silent
    - The store names a customer managed key: an `AWS::KMS::Key` or alias in the template, or any
      key ARN or alias outside `alias/aws/`.
    - The store is plaintext (that is WA210), or the key cannot be told (a parameter without a
      default, an import).
    - The store offers no customer key option (API Gateway caches, DAX).
    - A function has no environment variables.
    - An EventBridge bus is the source of a schema discoverer (`AWS::EventSchemas::Discoverer`) of
      the stack, or a discoverer's source cannot be told: schema discovery does not work on a bus
      encrypted with a customer managed key.

    ## Fix
    ```yaml
    OrdersKey:
      Type: AWS::KMS::Key
      Properties:
        EnableKeyRotation: true
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !Ref OrdersKey}
    ```
    """
    discovered = _discovered_buses(graph) if graph.of_type(DISCOVERER, include_internal=True) else set()
    for res in graph.of_type(*store_types()):
        if res.type == BUS and (discovered is None or res.logical_id in discovered):
            continue
        verdict = assess(graph, res)
        fix = verdict.store.fix_cmk if verdict is not None else None
        if verdict is None or verdict.status != "encrypted" or not fix:
            continue
        if verdict.key_class not in KEY_WORDS:
            continue
        store = verdict.store
        how = KEY_WORDS[verdict.key_class]
        alias = verdict.explicit_key or store.managed_alias
        if verdict.key_class == "aws-managed" and alias:
            how = f"{how} {alias}"
        yield Finding.at(
            res,
            f"{store.title} {graph.label(res.logical_id)} encrypts its {store.contents} with {how}, "
            "not a customer managed KMS key",
            fix=fix,
            line=res.prop_line(*verdict.path) if verdict.path else None,
        )
