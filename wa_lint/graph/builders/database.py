"""``connects`` (function → RDS database or proxy) and ``fronts`` (proxy → database) edges.

A function's way to a relational database is spread over the function, its network, its secrets
and its role, so every path the template expresses becomes an edge; ``path`` says which:

- ``endpoint``: an environment value names the host: ``GetAtt DB.Endpoint.Address``,
  ``Cluster.ReadEndpoint.Address``, ``Proxy.Endpoint`` (also inside ``Sub``/``Join``), or a
  literal ``*.proxy-*.rds.amazonaws.com`` host (an ``external:rds-proxy:<host>`` node);
- ``secret``: the function's role may read (``secretsmanager:GetSecretValue`` on that secret, not
  on ``*``), or its environment names, a secret attached to the database
  (``SecretTargetAttachment``, the database's ``MasterUserSecret``, or the secret its master
  credentials resolve from);
- ``network``: an ingress rule (inline ``SecurityGroupIngress`` or ``AWS::EC2::SecurityGroupIngress``)
  lets one of the function's security groups into one of the database's on the database port;
- ``iam_auth``: the role allows ``rds-db:connect`` on the database or proxy (CDK ``grantConnect``);
- ``data_api``: the role allows ``rds-data:`` actions on a cluster with ``EnableHttpEndpoint``.

Edge attributes: ``path``; ``detail`` (a phrase in logical ids, for ``wa-lint graph``);
``variable`` (the environment variable, when one expresses it), ``attribute`` (``Endpoint.Address``…)
or ``host`` for endpoints, ``secret``, ``policy`` (the resource holding the statement),
``source_group``/``group``/``port`` for network paths. ``via`` is the resource that expresses the
path (secret, policy, ingress rule or security group; None for an endpoint in the environment).

``fronts`` edges go from a ``DBProxy`` (and each of its ``DBProxyEndpoint``s) to every database
its ``DBProxyTargetGroup`` lists (``via`` the target group); a proxy whose targets the template
does not show gets the node attribute ``unknown_targets``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import at, each, scalar, text, walk
from wa_lint.graph.model import FUNCTION, Graph
from wa_lint.iam.glob import glob_match
from wa_lint.model import Resource
from wa_lint.values import integer, references

DB_INSTANCE = "AWS::RDS::DBInstance"
DB_CLUSTER = "AWS::RDS::DBCluster"
PROXY = "AWS::RDS::DBProxy"
PROXY_ENDPOINT = "AWS::RDS::DBProxyEndpoint"
DATABASES = (DB_INSTANCE, DB_CLUSTER)
PROXIES = (PROXY, PROXY_ENDPOINT)
SECRET = "AWS::SecretsManager::Secret"
ATTACHMENT = "AWS::SecretsManager::SecretTargetAttachment"
SECURITY_GROUP = "AWS::EC2::SecurityGroup"

ENDPOINT_ATTRS = ("endpoint", "readendpoint", "readerendpoint")
HOST_LIKE = re.compile(r"[\w.-]+")
PROXY_SUFFIX = ".rds.amazonaws.com"


def proxy_hosts(text: str) -> list[str]:
    """RDS proxy host names (``<name>.proxy-<id>.<region>.rds.amazonaws.com``) written in ``text``.
    Host-like runs are split off linearly and checked with string operations: one regex for the
    whole host backtracks quadratically over long runs of host characters."""
    found = []
    for run in HOST_LIKE.findall(text):
        low = run.lower()
        end = low.rfind(PROXY_SUFFIX)
        if end > 0 and low.rfind(".proxy-", 1, end - 1) > 0:
            found.append(run[: end + len(PROXY_SUFFIX)])
    return found
ANY_CLUSTER = re.compile(r"arn:[^:]*:rds:[^:]*:[^:]*:cluster:\*")
RESOLVE_SECRET = re.compile(r"\{\{resolve:secretsmanager:([^:}]+)")
#: Default port per engine (prefix match) and per proxy engine family.
ENGINE_PORTS = (("aurora-postgresql", 5432), ("postgres", 5432), ("aurora", 3306), ("mysql", 3306),
                ("mariadb", 3306), ("sqlserver", 1433), ("oracle", 1521), ("db2", 50000))
FAMILY_PORTS = {"MYSQL": 3306, "POSTGRESQL": 5432, "SQLSERVER": 1433}
SG_PROPERTY = {DB_INSTANCE: "VPCSecurityGroups", DB_CLUSTER: "VpcSecurityGroupIds",
               PROXY: "VpcSecurityGroupIds", PROXY_ENDPOINT: "VpcSecurityGroupIds"}

Statement = tuple[str, dict[str, Any]]  # (the resource holding it, the statement)


@builder(order=50)
def database_edges(graph: Graph) -> None:
    """``fronts`` from proxies, then ``connects`` from functions along every path."""
    if not graph.of_type(*DATABASES, *PROXIES, include_internal=True):
        return
    _fronts(graph)
    secrets = Secrets(graph)
    statements = _role_statements(graph)
    ports = {r.logical_id: _port(graph, r) for r in graph.of_type(*DATABASES, *PROXIES, include_internal=True)}
    for fn in graph.of_type(FUNCTION, include_internal=True):
        _environment(graph, fn, secrets)
        role = graph.role_of(fn)
        for holder, statement in statements.get(role, []) if role else []:
            _permissions(graph, fn, holder, statement, secrets)
    _network(graph, ports)


# -- fronts -------------------------------------------------------------------------------------
def _identifiers(graph: Graph, rtype: str) -> dict[str, str]:
    """Literal ``DBInstanceIdentifier``/``DBClusterIdentifier`` → logical id (lower case: RDS
    identifiers are case-insensitive)."""
    prop = "DBInstanceIdentifier" if rtype == DB_INSTANCE else "DBClusterIdentifier"
    found = {}
    for db in graph.of_type(rtype, include_internal=True):
        name = scalar(graph, db.prop(prop))
        if isinstance(name, str) and name:
            found[name.lower()] = db.logical_id
    return found


def _fronts(graph: Graph) -> None:
    """Target groups name a proxy and the instances or clusters behind it."""
    fronted: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for group in graph.of_type("AWS::RDS::DBProxyTargetGroup", include_internal=True):
        proxy = graph.target(group.prop("DBProxyName"))
        if proxy is None or graph.stack.resources[proxy].type != PROXY:
            continue
        found = False
        for key, rtype in (("DBInstanceIdentifiers", DB_INSTANCE), ("DBClusterIdentifiers", DB_CLUSTER)):
            names = _identifiers(graph, rtype)
            for _cond, value in at(group, key):
                for item in value if isinstance(value, list) else [value]:
                    db = graph.target(item)
                    if db is None:
                        literal = scalar(graph, item)
                        db = names.get(literal.lower()) if isinstance(literal, str) else None
                    if db is not None and graph.stack.resources[db].type == rtype:
                        fronted[proxy].append((db, group.logical_id))
                        found = True
                    else:
                        graph.node(proxy)["unknown_targets"] = True
        if not found:
            graph.node(proxy)["unknown_targets"] = True
    for proxy_res in graph.of_type(PROXY, include_internal=True):
        if proxy_res.logical_id not in fronted:  # its target group is elsewhere, if anywhere
            graph.node(proxy_res.logical_id)["unknown_targets"] = True
    for proxy, dbs in fronted.items():
        for db, via in dbs:
            graph.add_edge(proxy, db, "fronts", via=via)
    for endpoint in graph.of_type(PROXY_ENDPOINT, include_internal=True):
        proxy = graph.target(endpoint.prop("DBProxyName"))
        if proxy is None or graph.stack.resources[proxy].type != PROXY:
            graph.node(endpoint.logical_id)["unknown_targets"] = True
            continue
        if graph.node(proxy).get("unknown_targets") or proxy not in fronted:
            graph.node(endpoint.logical_id)["unknown_targets"] = True
        for db, via in fronted.get(proxy, []):
            graph.add_edge(endpoint.logical_id, db, "fronts", via=via, proxy=proxy)


# -- secrets ------------------------------------------------------------------------------------
class Secrets:
    """Which databases a secret serves: by logical id (secrets and attachments: ``Ref`` of an
    attachment is the secret's ARN) and by literal ``Name``."""

    def __init__(self, graph: Graph) -> None:
        self.targets: dict[str, set[str]] = defaultdict(set)
        self.names: dict[str, str] = {}
        for att in graph.of_type(ATTACHMENT, include_internal=True):
            target = graph.target(att.prop("TargetId"))
            if target is None or graph.stack.resources[target].type not in DATABASES:
                continue
            self.targets[att.logical_id].add(target)
            secret = graph.target(att.prop("SecretId"))
            if secret is not None:
                self.targets[secret].add(target)
        for db in graph.of_type(*DATABASES, include_internal=True):
            for key in ("MasterUsername", "MasterUserPassword"):
                for name, _attr in references(db.prop(key)):
                    res = graph.resource(name)
                    if res is not None and res.type == SECRET:
                        self.targets[name].add(db.logical_id)
        for res in graph.of_type(SECRET, include_internal=True):
            name = scalar(graph, res.prop("Name"))
            if isinstance(name, str) and name and res.logical_id in self.targets:
                self.names[name] = res.logical_id

    def named(self, graph: Graph, value: Any) -> Iterator[tuple[str, str]]:
        """``(secret or database, database)`` for each database secret ``value`` names: by
        reference, as the database's ``MasterUserSecret``, or by literal name."""
        resources = graph.stack.resources
        for name, attr in references(value):
            res = resources.get(name)
            if res is None:
                continue
            if res.type in DATABASES and (attr or "").lower().startswith("masterusersecret"):
                yield name, name
            for db in sorted(self.targets.get(name, ())):
                yield name, db
        if self.names:
            literal = text(graph, value)
            for secret_name in [literal, *RESOLVE_SECRET.findall(literal)]:
                secret = self.names.get(secret_name)
                if secret is not None:
                    for db in sorted(self.targets.get(secret, ())):
                        yield secret, db


def _secret_detail(secret: str, db: str) -> str:
    return f"{db}'s MasterUserSecret" if secret == db else f"secret {secret}, attached to {db}"


# -- environment --------------------------------------------------------------------------------
def _environment(graph: Graph, fn: Resource, secrets: Secrets) -> None:
    """Environment values naming an endpoint (``via`` None: one edge per target, a host before a
    port) or a database secret (``via`` the secret)."""
    resources = graph.stack.resources
    hits: list[tuple[str, str | None, str | None, str, str, dict[str, Any]]] = []
    for cond, variables in at(fn, "Environment", "Variables"):
        if not isinstance(variables, dict):
            continue
        for var, whole in variables.items():
            for alt_cond, value in walk(whole, (), cond):
                for name, attr in references(value):
                    res = resources.get(name)
                    if res is not None and res.type in (*DATABASES, *PROXIES) and \
                            (attr or "").lower().split(".")[0] in ENDPOINT_ATTRS:
                        extra = {"path": "endpoint", "attribute": attr}
                        hits.append((name, None, alt_cond, var, f"{name}.{attr}", extra))
                for host in proxy_hosts(text(graph, value)):
                    node = graph.external(f"rds-proxy:{host.lower()}")
                    hits.append((node, None, alt_cond, var, host, {"path": "endpoint", "host": host}))
                for secret, db in secrets.named(graph, value):
                    extra = {"path": "secret", "secret": secret}
                    hits.append((db, secret, alt_cond, var, _secret_detail(secret, db), extra))
    hits.sort(key=lambda h: str(h[5].get("attribute", "")).lower().endswith("port"))
    for node, via, cond, var, detail, extra in hits:
        graph.add_edge(fn.logical_id, node, "connects", via=via, condition=cond, variable=var,
                       detail=f"its environment variable {var} ({detail})", **extra)


# -- permissions --------------------------------------------------------------------------------
def _documents(holder: Resource, value: Any) -> Iterator[Statement]:
    """The statements of a policy document, in every ``Fn::If`` alternative (what a role may do)."""
    for _cond, doc in walk(value, ()):
        if not isinstance(doc, dict):
            continue
        for cond, statements in walk(doc.get("Statement"), ()):
            listed = statements if isinstance(statements, list) else [statements]
            for _cond2, item in each(listed, cond):
                yield holder.logical_id, item


def _role_statements(graph: Graph) -> dict[str, list[Statement]]:
    """Allow statements per role, from its inline policies, ``AWS::IAM::Policy`` /
    ``ManagedPolicy`` resources naming it, managed policies it lists that the template defines,
    and the AWS managed ``AmazonRDSDataFullAccess`` (the Data API on every cluster)."""
    found: dict[str, list[Statement]] = defaultdict(list)
    managed: dict[str, list[Statement]] = {}
    for policy in graph.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", include_internal=True):
        statements = list(_documents(policy, policy.prop("PolicyDocument")))
        managed[policy.logical_id] = statements
        for _cond, roles in at(policy, "Roles"):
            for role in roles if isinstance(roles, list) else [roles]:
                target = graph.target(role)
                if target is not None:
                    found[target].extend(statements)
    for policy in graph.of_type("AWS::IAM::RolePolicy", include_internal=True):
        target = graph.target(policy.prop("RoleName"))
        if target is not None:
            found[target].extend(_documents(policy, policy.prop("PolicyDocument")))
    for role in graph.of_type("AWS::IAM::Role", include_internal=True):
        for _cond, entry in each(role.prop("Policies")):
            found[role.logical_id].extend(_documents(role, entry.get("PolicyDocument")))
        for _cond, arns in at(role, "ManagedPolicyArns"):
            for arn in arns if isinstance(arns, list) else [arns]:
                target = graph.target(arn)
                if target in managed:
                    found[role.logical_id].extend(managed[target])
                elif text(graph, arn).endswith(":policy/AmazonRDSDataFullAccess"):
                    found[role.logical_id].append(
                        (role.logical_id, {"Effect": "Allow", "Action": "rds-data:*", "Resource": "*"}))
    return found


def _allows(graph: Graph, statement: dict[str, Any], action: str) -> bool:
    if scalar(graph, statement.get("Effect")) != "Allow":
        return False
    actions = statement.get("Action")
    for pattern in actions if isinstance(actions, list) else [actions]:
        known = scalar(graph, pattern)
        if isinstance(known, str) and glob_match(known.lower(), action):
            return True
    return False


def _resources(graph: Graph, statement: dict[str, Any]) -> tuple[list[str], bool]:
    """Resources a statement names in this template, and whether it covers any resource
    (``*`` or an ARN of the right service ending in a wildcard)."""
    value = statement.get("Resource")
    named = [n for n, _a in references(value) if n in graph.stack.resources]
    items = value if isinstance(value, list) else [value]
    wildcard = any(text(graph, item) == "*" or ANY_CLUSTER.fullmatch(text(graph, item)) for item in items)
    return list(dict.fromkeys(named)), wildcard


def _permissions(graph: Graph, fn: Resource, holder: str, statement: dict[str, Any], secrets: Secrets) -> None:
    resources = graph.stack.resources
    named, wildcard = _resources(graph, statement)
    if _allows(graph, statement, "secretsmanager:getsecretvalue"):
        for secret, db in secrets.named(graph, statement.get("Resource")):
            graph.add_edge(fn.logical_id, db, "connects", via=secret, condition=fn.condition, path="secret",
                           policy=holder, secret=secret, detail=f"its role may read {_secret_detail(secret, db)}")
    if any(_allows(graph, statement, a) for a in ("rds-data:executestatement", "rds-data:batchexecutestatement")):
        clusters = [c.logical_id for c in graph.of_type(DB_CLUSTER, include_internal=True)
                    if c.logical_id in named or wildcard]
        for cluster in clusters:
            if scalar(graph, resources[cluster].prop("EnableHttpEndpoint")) in (True, "true", "True"):
                graph.add_edge(fn.logical_id, cluster, "connects", via=holder, condition=fn.condition,
                               path="data_api", policy=holder, detail=f"the Data API (rds-data in {holder})")
    if _allows(graph, statement, "rds-db:connect"):
        for name in named:
            if resources[name].type in (*DATABASES, *PROXIES):
                graph.add_edge(fn.logical_id, name, "connects", via=holder, condition=fn.condition,
                               path="iam_auth", policy=holder,
                               detail=f"IAM database authentication (rds-db:connect in {holder})")


# -- network ------------------------------------------------------------------------------------
def _port(graph: Graph, res: Resource) -> int | None:
    """The port a database or proxy listens on: ``Port``, else its engine's default."""
    if res.type in DATABASES:
        port = scalar(graph, res.prop("Port"))
        if isinstance(port, (int, str)) and integer(port) is not None and str(port).isdigit():
            return int(port)
        engine = scalar(graph, res.prop("Engine"))
        if not isinstance(engine, str):
            cluster = graph.target(res.prop("DBClusterIdentifier"))
            engine = scalar(graph, graph.stack.resources[cluster].prop("Engine")) if cluster else None
        if isinstance(engine, str):
            return next((p for prefix, p in ENGINE_PORTS if engine.lower().startswith(prefix)), None)
        return None
    if res.type == PROXY_ENDPOINT:
        proxy = graph.target(res.prop("DBProxyName"))
        res = graph.stack.resources[proxy] if proxy else res
    family = scalar(graph, res.prop("EngineFamily"))
    return FAMILY_PORTS.get(family.upper()) if isinstance(family, str) else None


def _groups(graph: Graph, value: Any) -> list[str]:
    """Security groups a list property names in this template."""
    found = []
    for _cond, items in walk(value, ()):
        for item in items if isinstance(items, list) else [items]:
            target = graph.target(item)
            if target is not None and graph.stack.resources[target].type == SECURITY_GROUP:
                found.append(target)
    return list(dict.fromkeys(found))


def _bound(graph: Graph, value: Any, db: str, port: int) -> int | None:
    """A port bound: a number, or the database's own ``Endpoint.Port`` (CDK's
    ``allowDefaultPortFrom`` writes that)."""
    if any(name == db and (attr or "").lower().endswith("port") for name, attr in references(value)):
        return port
    return integer(scalar(graph, value))


def _covers(graph: Graph, rule: dict[str, Any], db: str, port: int) -> bool:
    """Whether an ingress rule admits TCP traffic to ``port`` (all traffic for protocol -1)."""
    protocol = str(scalar(graph, rule.get("IpProtocol"))).lower()
    if protocol in ("-1", "all"):
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = _bound(graph, rule.get("FromPort"), db, port), _bound(graph, rule.get("ToPort"), db, port)
    return low is not None and high is not None and low <= port <= high


def _ingress(graph: Graph) -> dict[str, list[tuple[str, dict[str, Any], str]]]:
    """Group → ``(source group, rule, resource expressing it)`` for group-to-group ingress."""
    rules: dict[str, list[tuple[str, dict[str, Any], str]]] = defaultdict(list)
    for sg in graph.of_type(SECURITY_GROUP, include_internal=True):
        for _cond, rule in each(sg.prop("SecurityGroupIngress")):
            for source in _groups(graph, rule.get("SourceSecurityGroupId")):
                rules[sg.logical_id].append((source, rule, sg.logical_id))
    for ing in graph.of_type("AWS::EC2::SecurityGroupIngress", include_internal=True):
        for group in _groups(graph, ing.prop("GroupId")):
            for source in _groups(graph, ing.prop("SourceSecurityGroupId")):
                rules[group].append((source, ing.properties, ing.logical_id))
    return rules


def _network(graph: Graph, ports: dict[str, int | None]) -> None:
    """Function group → database group on the database port."""
    users: dict[str, list[Resource]] = defaultdict(list)
    for fn in graph.of_type(FUNCTION, include_internal=True):
        for sg in _groups(graph, fn.prop("VpcConfig", "SecurityGroupIds")):
            users[sg].append(fn)
    if not users:
        return
    rules = _ingress(graph)
    for db in graph.of_type(*DATABASES, *PROXIES, include_internal=True):
        port = ports.get(db.logical_id)
        if port is None:
            continue
        for group in _groups(graph, db.prop(SG_PROPERTY[db.type])):
            for source, rule, via in rules.get(group, ()):
                if not _covers(graph, rule, db.logical_id, port):
                    continue
                for fn in users.get(source, ()):
                    graph.add_edge(fn.logical_id, db.logical_id, "connects", via=via, condition=fn.condition,
                                   path="network", source_group=source, group=group, port=port,
                                   detail=f"security group {source} allowed into {group} on port {port}")
