"""``connects`` and ``fronts`` edges, path by path, and the questions WA301 asks of them.

Each path is exercised in the shapes templates write it (dotted and list ``GetAtt``, ``Sub``,
``Join``, CDK's ``Select``/``Split`` ARNs and ``Endpoint.Port`` ingress bounds). Assertions are
exact ``(src, dst, path, via)`` sets.
"""

from __future__ import annotations

import copy
from typing import Any

from wa_lint.graph import database as db_graph
from wa_lint.graph.builders import build_graph
from wa_lint.graph.model import Graph
from wa_lint.model import Stack, resources_from_template

FN_SG = {"Fn::GetAtt": ["FnSg", "GroupId"]}
VPC = {"SubnetIds": ["subnet-1"], "SecurityGroupIds": [FN_SG]}


def fn(env: dict[str, Any] | None = None, role: str | None = None, **props: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"Runtime": "python3.13", "Handler": "a.h", "VpcConfig": VPC, **props}
    if env is not None:
        body["Environment"] = {"Variables": env}
    if role is not None:
        body["Role"] = {"Fn::GetAtt": [role, "Arn"]}
    return {"Type": "AWS::Lambda::Function", "Properties": body}


def db(engine: str = "postgres", cluster: bool = False, **props: Any) -> dict[str, Any]:
    rtype = "AWS::RDS::DBCluster" if cluster else "AWS::RDS::DBInstance"
    return {"Type": rtype, "Properties": {"Engine": engine, **props}}


SG = {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x"}}
ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}


def build(resources: dict[str, Any], parameters: dict[str, Any] | None = None) -> Graph:
    template = {"Resources": copy.deepcopy(resources)}
    return build_graph(Stack(name="t", path="t.yaml", kind="cloudformation",
                             resources=resources_from_template(template), parameters=parameters or {}))


def connects(g: Graph) -> set[tuple[str, str, Any, Any]]:
    return {(e.src, e.dst, e.get("path"), e.via) for e in g.edges("connects")}


def fronts(g: Graph) -> set[tuple[str, str, Any]]:
    return {(e.src, e.dst, e.via) for e in g.edges("fronts")}


def policy(statement: dict[str, Any], role: str = "Role") -> dict[str, Any]:
    return {"Type": "AWS::IAM::Policy",
            "Properties": {"PolicyName": "p", "Roles": [{"Ref": role}], "PolicyDocument": {"Statement": [statement]}}}


# -- endpoints ------------------------------------------------------------------------------------
def test_endpoint_forms() -> None:
    g = build({
        "Db": db(),
        "Cluster": db("aurora-mysql", cluster=True),
        "A": fn({"HOST": {"Fn::GetAtt": "Db.Endpoint.Address"}}),
        "B": fn({"URL": {"Fn::Sub": "postgres://${Db.Endpoint.Address}:${Db.Endpoint.Port}/x"}}),
        "C": fn({"DSN": {"Fn::Join": ["", ["host=", {"Fn::GetAtt": ["Cluster", "ReadEndpoint.Address"]}]]}}),
        "D": fn({"ID": {"Ref": "Db"}, "ARN": {"Fn::GetAtt": ["Cluster", "DBClusterArn"]}}),
    })
    assert connects(g) == {("A", "Db", "endpoint", None), ("B", "Db", "endpoint", None),
                           ("C", "Cluster", "endpoint", None)}


def test_host_before_port_and_condition_per_branch() -> None:
    g = build({
        "Db": db(), "Proxy": {"Type": "AWS::RDS::DBProxy", "Properties": {"EngineFamily": "POSTGRESQL"}},
        "Fn": fn({"PORT": {"Fn::GetAtt": ["Db", "Endpoint.Port"]},
                  "HOST": {"Fn::If": ["Direct", {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
                                      {"Fn::GetAtt": ["Proxy", "Endpoint"]}]}}),
    })
    edges = {(e.dst, e.get("variable"), e.get("attribute"), e.condition) for e in g.edges("connects")}
    assert edges == {("Db", "HOST", "Endpoint.Address", "Direct"), ("Proxy", "HOST", "Endpoint", "!Direct")}


def test_literal_proxy_host_is_an_outside_proxy() -> None:
    g = build({"Db": db(), "Fn": fn({"HOST": "app.proxy-abc123.eu-west-1.rds.amazonaws.com",
                                     "OTHER": "db.abc123.eu-west-1.rds.amazonaws.com"})})
    assert connects(g) == {("Fn", "external:rds-proxy:app.proxy-abc123.eu-west-1.rds.amazonaws.com", "endpoint", None)}


# -- secrets --------------------------------------------------------------------------------------
def test_secret_paths() -> None:
    g = build({
        "Db": db(MasterUserPassword={"Fn::Sub": "{{resolve:secretsmanager:${Master}:SecretString:password}}"}),
        "Cluster": db("aurora-postgresql", cluster=True, ManageMasterUserPassword=True),
        "Secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": "app/db"}},
        "Master": {"Type": "AWS::SecretsManager::Secret"},
        "Attach": {"Type": "AWS::SecretsManager::SecretTargetAttachment",
                   "Properties": {"SecretId": {"Ref": "Secret"}, "TargetId": {"Ref": "Db"},
                                  "TargetType": "AWS::RDS::DBInstance"}},
        "ByAttachment": fn({"S": {"Ref": "Attach"}}),
        "ByMaster": fn({"S": {"Ref": "Master"}}),
        "ByName": fn({"S": "app/db"}),
        "ByResolve": fn({"P": "{{resolve:secretsmanager:app/db:SecretString:password}}"}),
        "ByManaged": fn({"S": {"Fn::GetAtt": ["Cluster", "MasterUserSecret.SecretArn"]}}),
    })
    assert connects(g) == {
        ("ByAttachment", "Db", "secret", "Attach"), ("ByMaster", "Db", "secret", "Master"),
        ("ByName", "Db", "secret", "Secret"), ("ByResolve", "Db", "secret", "Secret"),
        ("ByManaged", "Cluster", "secret", "Cluster"),
    }


def test_secret_read_permissions() -> None:
    secret_attach = {"Type": "AWS::SecretsManager::SecretTargetAttachment",
                     "Properties": {"SecretId": {"Ref": "Secret"}, "TargetId": {"Ref": "Db"}}}
    read = {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": {"Ref": "Secret"}}
    g = build({
        "Db": db(), "Secret": {"Type": "AWS::SecretsManager::Secret"}, "Attach": secret_attach,
        "Role": ROLE, "Policy": policy(read),
        "InlineRole": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [
            {"PolicyName": "i", "PolicyDocument": {"Statement": {**read, "Action": "secretsmanager:*"}}}]}},
        "RpRole": ROLE,
        "RolePolicy": {"Type": "AWS::IAM::RolePolicy", "Properties": {
            "RoleName": {"Ref": "RpRole"}, "PolicyName": "r", "PolicyDocument": {"Statement": [read]}}},
        "StarRole": ROLE, "Star": policy({**read, "Resource": "*"}, role="StarRole"),
        "DenyRole": ROLE, "Deny": policy({**read, "Effect": "Deny"}, role="DenyRole"),
        "IfRole": ROLE, "If": policy({"Fn::If": ["Prod", read, {"Ref": "AWS::NoValue"}]}, role="IfRole"),
        "A": fn(role="Role"), "B": fn(role="InlineRole"), "C": fn(role="RpRole"),
        "D": fn(role="StarRole"), "E": fn(role="DenyRole"), "F": fn(role="IfRole"),
    })
    assert connects(g) == {("A", "Db", "secret", "Secret"), ("B", "Db", "secret", "Secret"),
                           ("C", "Db", "secret", "Secret"), ("F", "Db", "secret", "Secret")}


# -- network --------------------------------------------------------------------------------------
def test_network_paths() -> None:
    g = build({
        "FnSg": SG,
        "PgSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": 5400, "ToPort": 5499, "SourceSecurityGroupId": {"Ref": "FnSg"}}]}},
        "MySg": SG,
        "MyIngress": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["MySg", "GroupId"]}, "SourceSecurityGroupId": FN_SG, "IpProtocol": "-1"}},
        "WrongSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "SourceSecurityGroupId": {"Ref": "FnSg"}}]}},
        "CdkSg": SG,
        "CdkIngress": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["CdkSg", "GroupId"]}, "SourceSecurityGroupId": FN_SG,
            "IpProtocol": "tcp", "FromPort": {"Fn::GetAtt": ["Cdk", "Endpoint.Port"]},
            "ToPort": {"Fn::GetAtt": ["Cdk", "Endpoint.Port"]}}},
        "Pg": db(VPCSecurityGroups=[{"Ref": "PgSg"}]),
        "My": db("mysql", VPCSecurityGroups=[{"Fn::GetAtt": ["MySg", "GroupId"]}]),
        "Wrong": db(VPCSecurityGroups=[{"Ref": "WrongSg"}]),
        "Cdk": db("aurora-postgresql", cluster=True, VpcSecurityGroupIds=[{"Fn::GetAtt": ["CdkSg", "GroupId"]}]),
        "Fn": fn(),
    })
    assert connects(g) == {("Fn", "Pg", "network", "PgSg"), ("Fn", "My", "network", "MyIngress"),
                           ("Fn", "Cdk", "network", "CdkIngress")}
    pg = next(e for e in g.edges("connects") if e.dst == "Pg")
    assert (pg.get("source_group"), pg.get("group"), pg.get("port")) == ("FnSg", "PgSg", 5432)


# -- IAM database authentication and the Data API -------------------------------------------------
def test_iam_auth_and_data_api() -> None:
    proxy_user = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":rds-db:", {"Ref": "AWS::Region"}, ":",
                                    {"Ref": "AWS::AccountId"}, ":dbuser:",
                                    {"Fn::Select": [6, {"Fn::Split": [":", {"Fn::GetAtt": ["Proxy", "DBProxyArn"]}]}]},
                                    "/app"]]}
    g = build({
        "Proxy": {"Type": "AWS::RDS::DBProxy", "Properties": {"EngineFamily": "MYSQL"}},
        "Db": db("mysql"),
        "Api": db("aurora-postgresql", cluster=True, EnableHttpEndpoint=True),
        "Off": db("aurora-postgresql", cluster=True, EnableHttpEndpoint=False),
        "Role": ROLE,
        "Connect": policy({"Effect": "Allow", "Action": "rds-db:connect", "Resource": proxy_user}),
        "DirectRole": ROLE,
        "Direct": policy({"Effect": "Allow", "Action": "rds-db:connect", "Resource": {
            "Fn::Sub": "arn:aws:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${Db.DbiResourceId}/app"}},
            role="DirectRole"),
        "DataRole": ROLE,
        "Data": policy({"Effect": "Allow", "Action": ["rds-data:ExecuteStatement"], "Resource": {
            "Fn::Sub": "arn:aws:rds:${AWS::Region}:${AWS::AccountId}:cluster:${Api}"}}, role="DataRole"),
        "AnyRole": {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": [
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonRDSDataFullAccess"}]}},
        "A": fn(role="Role"), "B": fn(role="DirectRole"), "C": fn(role="DataRole"), "D": fn(role="AnyRole"),
    })
    assert connects(g) == {("A", "Proxy", "iam_auth", "Connect"), ("B", "Db", "iam_auth", "Direct"),
                           ("C", "Api", "data_api", "Data"), ("D", "Api", "data_api", "AnyRole")}


# -- fronts ---------------------------------------------------------------------------------------
def test_fronts_and_unknown_targets() -> None:
    g = build({
        "Db": db(DBInstanceIdentifier="orders-db"),
        "Cluster": db("aurora-mysql", cluster=True),
        "Proxy": {"Type": "AWS::RDS::DBProxy", "Properties": {"EngineFamily": "POSTGRESQL"}},
        "Targets": {"Type": "AWS::RDS::DBProxyTargetGroup", "Properties": {
            "DBProxyName": {"Ref": "Proxy"}, "TargetGroupName": "default", "DBInstanceIdentifiers": ["ORDERS-DB"]}},
        "Reader": {"Type": "AWS::RDS::DBProxyEndpoint", "Properties": {"DBProxyName": {"Ref": "Proxy"}}},
        "Proxy2": {"Type": "AWS::RDS::DBProxy", "Properties": {"EngineFamily": "MYSQL"}},
        "Targets2": {"Type": "AWS::RDS::DBProxyTargetGroup", "Properties": {
            "DBProxyName": {"Ref": "Proxy2"}, "DBClusterIdentifiers": [{"Ref": "Identifier"}]}},
        "Lonely": {"Type": "AWS::RDS::DBProxy", "Properties": {"EngineFamily": "MYSQL"}},
    }, parameters={"Identifier": {"Type": "String"}})
    assert fronts(g) == {("Proxy", "Db", "Targets"), ("Reader", "Db", "Targets")}
    flagged = {n for n, data in g.nx.nodes(data=True) if data.get("unknown_targets")}
    assert flagged == {"Proxy2", "Lonely"}


def test_no_database_no_edges_and_malformed_input() -> None:
    assert connects(build({"Fn": fn({"A": {"Ref": "X"}})})) == set()
    g = build({
        "Db": db(VPCSecurityGroups="sg-1", Port="not a port"),
        "Targets": {"Type": "AWS::RDS::DBProxyTargetGroup", "Properties": {"DBProxyName": [1, 2]}},
        "Attach": {"Type": "AWS::SecretsManager::SecretTargetAttachment", "Properties": {"TargetId": None}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": "nope", "ManagedPolicyArns": {"a": 1}}},
        "P": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": "Role", "PolicyDocument": {"Statement": "x"}}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": ["x"]},
                                                                "VpcConfig": {"SecurityGroupIds": "sg"},
                                                                "Role": {"Fn::GetAtt": ["Role", "Arn"]}}},
    })
    assert connects(g) == set()


# -- queries --------------------------------------------------------------------------------------
def test_queries() -> None:
    g = build({
        "Cluster": db("aurora-postgresql", cluster=True),
        "Member": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": {"Ref": "Cluster"}}},
        "V1": db("aurora-mysql", cluster=True, EngineMode="serverless"),
        "Sql": db("sqlserver-ex"),
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]}, "FunctionName": {"Ref": "Capped"},
            "ScalingConfig": {"MaximumConcurrency": 4}}},
        "Capped": fn({"HOST": {"Fn::GetAtt": ["Member", "Endpoint.Address"]}}),
        "Reserved": fn(ReservedConcurrentExecutions=3),
        "Outside": {"Type": "AWS::Lambda::Function", "Properties": {"VpcConfig": {"SubnetIds": []}}},
        "Migrate": fn(),
        "Custom": {"Type": "Custom::Schema", "Properties": {"ServiceToken": {"Fn::GetAtt": ["Migrate", "Arn"]}}},
    })
    res = g.stack.resources
    assert db_graph.engine(g, res["Member"]) == "aurora-postgresql"
    assert [db_graph.proxy_applies(g, res[n]) for n in ("Cluster", "Member", "V1", "Sql")] == [True, True, False, False]
    assert db_graph.in_vpc(res["Capped"]) == (True, None)
    assert db_graph.in_vpc(res["Outside"]) == (False, None)
    assert db_graph.concurrency(g, res["Capped"]).startswith("its event source mappings cap its concurrency at 4")
    assert db_graph.concurrency(g, res["Reserved"]).startswith("its concurrency is capped at 3")
    assert db_graph.concurrency(g, res["Migrate"]) == "its concurrency is not limited"
    assert db_graph.deployment_only(g, res["Migrate"])
    assert not db_graph.deployment_only(g, res["Capped"])
    assert list(db_graph.connections(g, res["Capped"])) == ["Cluster"]  # an instance counts as its cluster
