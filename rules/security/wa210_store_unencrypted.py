"""WA210: data stores that are plaintext at rest as written (knowing each service's default)."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, assess, fitting, rule, shorten, store_types


def stores(graph: Graph) -> list[Resource]:
    """The resources WA210 judges: every data store of the encryption table (docs/encryption.md)."""
    return graph.of_type(*store_types())


@rule(
    id="WA210",
    name="store-unencrypted",
    pillar=Pillar.SECURITY,
    severity=Severity.ERROR,
    lens="SEC 3",
    applies_to=stores,
)
def store_unencrypted(graph: Graph) -> Iterator[Finding]:
    """A data store keeps its data unencrypted at rest.

    ## Why
    Data at rest without encryption is readable by anyone who gets at the storage, its
    snapshots or its backups, and most compliance regimes forbid it. Encrypting is a property
    away, but for most stores it is fixed at creation: the later it is noticed, the more it costs.

    ## When it fires
    The template leaves a store plaintext, either by not turning encryption on where the service
    default is off or by explicitly turning the default off:
    - SNS topic without `KmsMasterKeyId`;
    - SQS queue with `SqsManagedSseEnabled: false` and no `KmsMasterKeyId`;
    - Kinesis stream without `StreamEncryption`;
    - Firehose DirectPut delivery stream without `DeliveryStreamEncryptionConfigurationInput`;
    - EFS file system without `Encrypted: true`;
    - RDS instance, Aurora / Multi-AZ cluster, DocumentDB or Neptune cluster without
      `StorageEncrypted: true`;
    - ElastiCache replication group (Redis OSS) without `AtRestEncryptionEnabled`;
    - DAX cluster without `SSESpecification.SSEEnabled`;
    - OpenSearch / Elasticsearch domain without `EncryptionAtRestOptions.Enabled`;
    - API Gateway stage cache (`CacheClusterEnabled` with a method's `CachingEnabled`) without
      `CacheDataEncrypted`.

    The per-service facts live in one table (`docs/encryption.md`).

    ## When it stays silent
    - The service encrypts by default and the template does not turn it off: S3 (SSE-S3 since
      2023; a bucket without `BucketEncryption` is encrypted), DynamoDB, SQS (SSE-SQS by
      default), CloudWatch Logs, Step Functions, Lambda environment variables, serverless caches
      and collections, Aurora Serverless v1, Valkey replication groups.
    - The store inherits its encryption: restored from a snapshot, a read replica, an Aurora
      instance in a cluster, a secondary of a global cluster or datastore.
    - The setting is unknown: a parameter without a default, an import, an `Fn::If` whose branches
      disagree.

    ## Fix
    ```yaml
    Alerts:
      Type: AWS::SNS::Topic
      Properties:
        KmsMasterKeyId: alias/aws/sns   # or !Ref AlertsKey (a customer managed key)
    Jobs:
      Type: AWS::SQS::Queue
      Properties: {}                   # remove SqsManagedSseEnabled: false
    ```
    """
    for res in stores(graph):
        verdict = assess(graph, res)
        if verdict is None or verdict.status != "plaintext":
            continue
        store, name = verdict.store, shorten(graph.label(res.logical_id))
        yield Finding.at(
            res,
            fitting((f"{store.title} {name} keeps its {store.contents} unencrypted at rest: {verdict.reason}",
                     f"{store.title} {name} is unencrypted at rest: {verdict.reason}")),
            fix=verdict.fix,
            line=res.prop_line(*verdict.path) if verdict.path else None,
        )
