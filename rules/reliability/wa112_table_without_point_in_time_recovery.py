"""WA112: a DynamoDB table without point-in-time recovery cannot be restored after a bad write."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, each, name_text, rule, walk

TABLE, GLOBAL_TABLE = "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"
PITR = ("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")
CFN_FIX = "Set PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true} on the table."
REPLICA_FIX = "Set PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true} on each replica."
SAM_FIX = ("AWS::Serverless::SimpleTable cannot enable it: declare an AWS::DynamoDB::Table with "
           "PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}.")
CDK_FIX = "Pass pointInTimeRecovery: true (or pointInTimeRecoverySpecification) to the Table / TableV2."


def tables(graph: Graph) -> list[Resource]:
    """The tables WA112 judges: every table and global table but CDK internals."""
    return graph.of_type(TABLE, GLOBAL_TABLE)


def _fix(table: Resource) -> str:
    if table.source_resource and table.source_resource != table.logical_id:
        return SAM_FIX
    if table.source_resource:
        return SAM_FIX if table.type == TABLE else CFN_FIX
    if table.construct_path:
        return CDK_FIX
    return REPLICA_FIX if table.type == GLOBAL_TABLE else CFN_FIX


@rule(
    id="WA112",
    name="table-without-point-in-time-recovery",
    pillar=Pillar.RELIABILITY,
    severity=Severity.INFO,
    lens="REL 2",
    applies_to=tables,
)
def table_without_point_in_time_recovery(graph: Graph) -> Iterator[Finding]:
    """A DynamoDB table has no point-in-time recovery: a bad deployment or a buggy write cannot be undone.

    ## Why
    Point-in-time recovery keeps continuous backups of a table for up to 35 days and restores it
    to any second in that window. Without it, data that a faulty release, a runaway batch job or
    an accidental delete overwrites is gone unless an on-demand backup happens to be recent.

    ## When it fires
    - An `AWS::DynamoDB::Table` (also SAM `AWS::Serverless::SimpleTable` and CDK `Table`) has no
      `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled: true`.
    - A replica of an `AWS::DynamoDB::GlobalTable` (CDK `TableV2`) has none: the setting is per
      replica, and the message names the replica's region.

    ## When it stays silent
    - It is enabled, also when only one `Fn::If` branch enables it.
    - The value cannot be read (a parameter without a default, an import).
    - The table is a CDK framework internal.

    ## Fix
    ```yaml
    OrdersTable:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        PointInTimeRecoverySpecification:
          PointInTimeRecoveryEnabled: true
    ```
    In CDK: `new dynamodb.Table(this, 'Orders', {..., pointInTimeRecovery: true})`.
    """
    for table in tables(graph):
        name = graph.label(table.logical_id)
        if table.type == TABLE:
            values = [v for _c, v in walk(table.properties, PITR, table.condition)]
            if graph.resolver.switch(values) == "off":
                yield Finding.at(table, f"DynamoDB table {name} has no point-in-time recovery: "
                                 "data lost to a bad write cannot be restored", fix=_fix(table),
                                 line=table.prop_line(PITR[0]))
            continue
        for _cond, replica in each(table.prop("Replicas"), table.condition):
            values = [v for _c, v in walk(replica, PITR)]
            if graph.resolver.switch(values) != "off":
                continue
            region = name_text(graph, replica.get("Region")) or "an unknown region"
            region = "the stack's region" if region == "${AWS::Region}" else region
            yield Finding.at(table, f"The replica in {region} of global table {name} has no point-in-time recovery: "
                             "data lost to a bad write there cannot be restored", fix=_fix(table),
                             line=table.prop_line("Replicas"))
