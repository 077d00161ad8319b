"""WA301: a VPC function that opens database connections directly will exhaust them as it scales."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, rule, shorten
from wa_lint.api import database as db_graph

FIX = ("Put an AWS::RDS::DBProxy in front of {db} (a DBProxyTargetGroup listing it) and point the "
       "function at the proxy's Endpoint.")
BYPASS_FIX = ("Connect through {proxy}: name GetAtt {proxy_id}.Endpoint (or a DBProxyEndpoint) instead of the "
              "database's own endpoint.")
DATA_API = " For Aurora, the Data API (EnableHttpEndpoint, rds-data calls) needs no connections at all."


@rule(
    id="WA301",
    name="vpc-lambda-rds-without-proxy",
    pillar=Pillar.PERFORMANCE,
    severity=Severity.WARNING,
    lens="PERF 1, REL 1",
)
def vpc_lambda_rds_without_proxy(graph: Graph) -> Iterator[Finding]:
    """A function in a VPC connects to an RDS or Aurora database without an RDS Proxy between them.

    ## Why
    Lambda scales out in seconds, and every concurrent execution opens its own database
    connection; a relational database's connection limit does not scale with it. A burst of
    invocations exhausts the connections (`Too many connections`), and the database spends its
    memory on connections instead of queries. RDS Proxy pools and shares connections (and
    fails over faster); the Aurora Data API avoids connections altogether. Capping the function's
    concurrency limits the damage but not the connection churn, so the message says whether it
    is capped.

    ## When it fires
    A function attached to subnets (`VpcConfig`, also from SAM `Globals`) connects to an
    `AWS::RDS::DBInstance` or `AWS::RDS::DBCluster` with a MySQL, MariaDB or PostgreSQL engine
    (Aurora included), seen through any of:

    - an environment value naming the database endpoint (`GetAtt DB.Endpoint.Address`,
      `ReadEndpoint.Address`, inside `Sub` or `Join` too);
    - a Secrets Manager secret attached to the database (`SecretTargetAttachment`, the
      database's `MasterUserSecret`, or the secret its master password resolves from) that the
      function's role may read or that its environment names;
    - a security-group ingress rule letting the function's group into the database's group on
      the database port;
    - `rds-db:connect` (IAM database authentication) on the database,

    and no RDS Proxy stands between them. It also fires when a proxy fronts the database but
    the function names the database's own endpoint (it bypasses the proxy), and when the only
    proxy the function uses fronts a different database.

    ## When it stays silent
    - The function connects through a proxy endpoint (`GetAtt Proxy.Endpoint`, a
      `DBProxyEndpoint`, `rds-db:connect` on the proxy, a `*.proxy-*.rds.amazonaws.com` host)
      that fronts the database, or whose targets the template does not show.
    - The cluster has the Data API enabled (`EnableHttpEndpoint: true`) and the function's role
      allows `rds-data:` on it: no connections to pool.
    - The engine has no proxy support here (SQL Server, Oracle, Db2, Aurora Serverless v1) or
      cannot be read.
    - The function is not in a VPC (it cannot reach a private database), or only runs as a
      custom resource handler or a secret rotation function (it never scales out).

    ## Fix
    ```yaml
    Proxy:
      Type: AWS::RDS::DBProxy
      Properties:
        EngineFamily: POSTGRESQL
        Auth: [{AuthScheme: SECRETS, SecretArn: !Ref DbSecret, IAMAuth: REQUIRED}]
        RoleArn: !GetAtt ProxyRole.Arn
        VpcSubnetIds: !Ref PrivateSubnets
    ProxyTargets:
      Type: AWS::RDS::DBProxyTargetGroup
      Properties:
        DBProxyName: !Ref Proxy
        TargetGroupName: default
        DBClusterIdentifiers: [!Ref Database]
    # and in the function: DB_HOST: !GetAtt Proxy.Endpoint
    ```
    """
    for fn in graph.functions():
        attached, vpc_condition = db_graph.in_vpc(fn)
        if not attached:
            continue
        grouped = db_graph.connections(graph, fn)
        if not grouped or db_graph.deployment_only(graph, fn):
            continue
        proxy_edges = db_graph.proxies(graph, fn)
        name = shorten(graph.label(fn.logical_id))
        for db_id, edges in grouped.items():
            db = graph.resource(db_id)
            if db is None or not db_graph.proxy_applies(graph, db):
                continue
            if any(e.get("path") == "data_api" for e in edges):
                continue
            paths = [e for e in edges if e.get("path") != "data_api"]
            direct = [e for e in paths if e.get("path") == "endpoint"]
            via_proxy, unknown_proxy = db_graph.fronting(graph, proxy_edges, db_id)
            if (via_proxy or unknown_proxy) and not direct:
                continue
            shown = paths
            others = db_graph.proxies_of(graph, db_id)
            fronts = via_proxy or others
            if fronts:
                bypass = f"not through {graph.names(fronts)}, which front{'s' if len(fronts) == 1 else ''} it"
            else:
                bypass = "without an RDS Proxy"
            engine = db_graph.engine(graph, db)
            if fronts:
                fix = BYPASS_FIX.format(proxy=graph.label(fronts[0]), proxy_id=fronts[0])
            else:
                fix = FIX.format(db=graph.label(db_id)) + (DATA_API if engine and engine.startswith("aurora") else "")
            conditions = {e.condition for e in shown}
            condition = vpc_condition or (conditions.pop() if len(conditions) == 1 else None)
            related = [db, *(r for r in (graph.resource(e.via) for e in shown) if r is not None)]
            yield Finding.at(
                fn,
                f"{name} connects to {shorten(graph.label(db_id))} ({engine}) from a VPC {bypass}; "
                f"{db_graph.concurrency(graph, fn)}",
                fix=fix,
                related=related,
                condition=condition,
            )
