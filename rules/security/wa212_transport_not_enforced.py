"""WA212: stores and endpoints that accept unencrypted or outdated transport."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import (
    BUCKET,
    QUEUE,
    TOPIC,
    Finding,
    Graph,
    Pillar,
    Resource,
    Severity,
    Unknown,
    cased,
    enforces_tls,
    policies_of,
    rule,
    tls_unknown_outside,
)

#: Store type → (what users call it, policy type to add, action of the CDK-style statement).
POLICY_STORES = {
    BUCKET: ("S3 bucket", "bucket policy (AWS::S3::BucketPolicy)", "s3:*", "Resource: [<bucket ARN>, <bucket ARN>/*]"),
    QUEUE: ("SQS queue", "queue policy (AWS::SQS::QueuePolicy)", "sqs:*", "Resource: <queue ARN>"),
    TOPIC: ("SNS topic", "topic policy (AWS::SNS::TopicPolicy)", "sns:Publish", "Resource: <topic ARN>"),
}
DOMAIN_TYPES = ("AWS::ApiGateway::DomainName", "AWS::ApiGateway::DomainNameV2")


@rule(
    id="WA212",
    name="transport-not-enforced",
    pillar=Pillar.SECURITY,
    severity=Severity.WARNING,
    lens="SEC 3",
)
def transport_not_enforced(graph: Graph) -> Iterator[Finding]:
    """A store or endpoint accepts unencrypted (or TLS 1.0) connections.

    ## Why
    S3, SQS and SNS answer plain HTTP as well as HTTPS unless a resource policy denies requests
    where `aws:SecureTransport` is false; an SDK misconfigured for HTTP, or a hand-rolled client,
    then sends data and signed credentials in clear text. ElastiCache without transit
    encryption exposes every cached value on the network, and a custom domain that allows TLS 1.0
    lets clients negotiate a protocol with known weaknesses.

    ## When it fires
    - An S3 bucket, SQS queue or SNS topic has no resource policy (`AWS::S3::BucketPolicy`,
      `AWS::SQS::QueuePolicy` / `QueueInlinePolicy`, `AWS::SNS::TopicPolicy` /
      `TopicInlinePolicy`) with a `Deny` statement conditioned on `aws:SecureTransport` being
      false (`Bool` or `BoolIfExists`; `false` as a string or a boolean; one or several
      resources). CDK's `enforceSSL: true` writes exactly such a statement.
    - An ElastiCache replication group or cache cluster without `TransitEncryptionEnabled: true`,
      or with `TransitEncryptionMode: preferred` (plaintext connections still accepted).
    - An API Gateway custom domain with `SecurityPolicy: TLS_1_0` (REST `DomainName`,
      `DomainNameV2`, or an HTTP API `DomainNameConfigurations` entry).

    ## When it stays silent
    - A policy that applies to the store cannot be read (`Fn::If`, a `Fn::Sub` text) or names a
      target this template cannot tie to a store (an import, a parameter): it may be the one.
    - A Valkey replication group without the property, a member of a global datastore, or an
      ElastiCache setting that is unknown.
    - A custom domain without `SecurityPolicy`, or with a TLS 1.2+ policy.

    ## Fix
    ```yaml
    UploadsPolicy:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket: !Ref Uploads
        PolicyDocument:
          Statement:
            - Effect: Deny
              Principal: '*'
              Action: s3:*
              Resource: [!GetAtt Uploads.Arn, !Sub '${Uploads.Arn}/*']
              Condition: {Bool: {aws:SecureTransport: false}}
    ```
    (CDK: `enforceSSL: true` on the Bucket, Queue or Topic.)
    """
    for store_type in POLICY_STORES:
        if tls_unknown_outside(graph, store_type):
            continue
        for store in graph.of_type(store_type):
            finding = _policy_finding(graph, store)
            if finding is not None:
                yield finding
    yield from _elasticache(graph)
    yield from _domains(graph)


# -- S3 / SQS / SNS resource policies ---------------------------------------------------------
def _policy_finding(graph: Graph, store: Resource) -> Finding | None:
    policies = policies_of(graph, store.logical_id)
    verdicts = [enforces_tls(graph, p, store.logical_id) for p in policies]
    if any(v is not False for v in verdicts):
        return None
    what, policy_kind, action, resource = POLICY_STORES[store.type]
    name = graph.label(store.logical_id)
    if policies:
        named = graph.names([p.policy for p in policies])
        message = (f"{what} {name} accepts requests over plain HTTP: its resource policy {named} has no Deny "
                   "for requests where aws:SecureTransport is false")
    else:
        message = (f"{what} {name} accepts requests over plain HTTP: no {policy_kind} denies requests "
                   "where aws:SecureTransport is false")
    statement = (f"{{Effect: Deny, Principal: '*', Action: '{action}', {resource}, "
                 "Condition: {Bool: {aws:SecureTransport: false}}}")
    fix = f"Add a statement {statement} to the {policy_kind.split(' (')[0]}"
    fix += " (CDK: enforceSSL: true)." if store.construct_path else "."
    if store.type == BUCKET and store.prop("WebsiteConfiguration") is not None:
        fix = ("A website endpoint only speaks HTTP: serve the site through CloudFront (HTTPS, origin access "
               "control) and keep the bucket private, then " + fix[0].lower() + fix[1:])
    related = [r for r in (graph.resource(p.policy) for p in policies) if r is not None]
    return Finding.at(store, message, fix=fix, related=related)


# -- ElastiCache ------------------------------------------------------------------------------
def _elasticache(graph: Graph) -> Iterator[Finding]:
    for res in graph.of_type("AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster"):
        if res.prop("GlobalReplicationGroupId") is not None:
            continue  # a secondary of a global datastore takes the primary's settings
        enabled = cased(graph.resolver, res.prop("TransitEncryptionEnabled"), upper=False)
        mode = cased(graph.resolver, res.prop("TransitEncryptionMode"), upper=False)
        engine = cased(graph.resolver, res.prop("Engine"), upper=False)
        if isinstance(enabled, Unknown) or isinstance(mode, Unknown):
            continue
        kind = "replication group" if res.type.endswith("ReplicationGroup") else "cache cluster"
        name = graph.label(res.logical_id)
        if enabled == "true":
            if mode == "preferred":
                yield Finding.at(
                    res, f"ElastiCache {kind} {name} has TransitEncryptionMode: preferred, so clients may "
                    "still connect without TLS",
                    fix="Set TransitEncryptionMode: required once every client connects with TLS.",
                    line=res.prop_line("TransitEncryptionMode"))
            continue
        if enabled is None and (engine == "valkey" or isinstance(engine, Unknown)):
            continue  # Valkey's defaults differ from Redis OSS's; do not guess
        why = "TransitEncryptionEnabled is false" if enabled == "false" else "TransitEncryptionEnabled is not set"
        yield Finding.at(
            res, f"ElastiCache {kind} {name} accepts plaintext connections: {why}",
            fix="Set TransitEncryptionEnabled: true (TransitEncryptionMode: preferred while clients migrate, "
                "then required).",
            line=res.prop_line("TransitEncryptionEnabled") if enabled == "false" else None)


# -- API Gateway custom domains ---------------------------------------------------------------
def _domains(graph: Graph) -> Iterator[Finding]:
    for res in graph.of_type(*DOMAIN_TYPES):
        if cased(graph.resolver, res.prop("SecurityPolicy"), upper=False) == "tls_1_0":
            yield _domain_finding(graph, res, ("SecurityPolicy",))
    for res in graph.of_type("AWS::ApiGatewayV2::DomainName"):
        configs = res.prop("DomainNameConfigurations")
        if not isinstance(configs, list):
            continue
        for index, config in enumerate(configs):
            policy = config.get("SecurityPolicy") if isinstance(config, dict) else None
            policy = cased(graph.resolver, policy, upper=False)
            if policy == "tls_1_0":
                yield _domain_finding(graph, res, ("DomainNameConfigurations",), index)
                break


def _domain_finding(graph: Graph, res: Resource, path: tuple[str, ...], index: int | None = None) -> Finding:
    domain = graph.resolver.scalar(res.prop("DomainName"))
    shown = domain if isinstance(domain, str) and domain else graph.label(res.logical_id)
    where = "SecurityPolicy" if index is None else f"DomainNameConfigurations[{index}].SecurityPolicy"
    return Finding.at(
        res, f"API Gateway custom domain {shown} allows TLS 1.0 ({where}: TLS_1_0)",
        fix="Set SecurityPolicy: TLS_1_2 (SAM: Domain.SecurityPolicy).",
        line=res.prop_line(*path))
