"""``invokes``, ``on_failure`` and ``on_success`` edges, per source shape.

Each source is exercised as raw CloudFormation, as the SAM translator writes it (the real
translator runs offline here) and as CDK synthesizes it (``Fn::Join`` ARNs, list ``GetAtt``,
aliases, custom resources). Assertions are exact ``(src, dst, mode, via)`` sets.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from wa_lint.graph.builders import build_graph
from wa_lint.graph.model import Graph
from wa_lint.model import Stack, resources_from_template

Edges = set[tuple[str, str, Any, Any]]

FN = {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12", "Handler": "a.h"}}
QUEUE = {"Type": "AWS::SQS::Queue"}
TOPIC = {"Type": "AWS::SNS::Topic"}
ARN = {"Fn::GetAtt": ["Fn", "Arn"]}
NO_VALUE = {"Ref": "AWS::NoValue"}


def build(resources: dict[str, Any], parameters: dict[str, Any] | None = None) -> Graph:
    template = {"Resources": copy.deepcopy(resources)}
    return build_graph(Stack(name="t", path="t.yaml", kind="cloudformation",
                             resources=resources_from_template(template), parameters=parameters or {}))


def invokes(g: Graph) -> Edges:
    return {(e.src, e.dst, e.get("mode"), e.via) for e in g.edges("invokes")}


def flows(g: Graph, kind: str) -> Edges:
    return {(e.src, e.dst, e.via, e.condition) for e in g.edges(kind)}


def attrs(g: Graph, dst: str = "Fn") -> list[dict[str, Any]]:
    return [e.attrs for e in g.invokers(dst)]


def perm(principal: Any, source_arn: Any = None, fn: Any = None, **extra: Any) -> dict[str, Any]:
    props = {"Action": "lambda:InvokeFunction", "FunctionName": fn or ARN, "Principal": principal, **extra}
    if source_arn is not None:
        props["SourceArn"] = source_arn
    return {"Type": "AWS::Lambda::Permission", "Properties": props}


def cdk_join(*parts: Any) -> dict[str, Any]:
    return {"Fn::Join": ["", list(parts)]}


def sam_fn(events: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"Type": "AWS::Serverless::Function",
            "Properties": {"Runtime": "python3.12", "Handler": "a.h", "InlineCode": "x", "Events": events, **props}}


@pytest.fixture
def sam(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Any]], Graph]:
    """Translate SAM resources with the real translator (offline) and build the graph."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    def run(resources: dict[str, Any]) -> Graph:
        template = {"Transform": "AWS::Serverless-2016-10-31", "Resources": copy.deepcopy(resources)}
        out = transform(template, {}, NoManagedPolicies())
        return build(out["Resources"])

    return run


# -- S3 -----------------------------------------------------------------------------------------
def test_s3_raw() -> None:
    g = build({
        "Fn": FN,
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"NotificationConfiguration": {
            "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": ARN}]}}},
        "BucketPermission": perm("s3.amazonaws.com", {"Fn::Sub": "arn:${AWS::Partition}:s3:::my-bucket"},
                                 SourceAccount={"Ref": "AWS::AccountId"}),
    })
    assert invokes(g) == {("Bucket", "Fn", "async", "Bucket")}
    assert attrs(g) == [{"mode": "async", "source": "s3", "qualifier": "$LATEST"}]


def test_s3_sam(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({"Bucket": {"Type": "AWS::S3::Bucket"},
             "Fn": sam_fn({"Upload": {"Type": "S3", "Properties": {"Bucket": {"Ref": "Bucket"},
                                                                   "Events": "s3:ObjectCreated:*"}}})})
    assert invokes(g) == {("Bucket", "Fn", "async", "Bucket")}


def test_s3_cdk_notifications_custom_resource() -> None:
    g = build({
        "Fn": FN,
        "Bucket83908E77": {"Type": "AWS::S3::Bucket"},
        "BucketNotifications8F2E257D": {"Type": "Custom::S3BucketNotifications", "Properties": {
            "ServiceToken": {"Fn::GetAtt": ["BucketNotificationsHandler050a0587b7544547bf325f094a3db834", "Arn"]},
            "BucketName": {"Ref": "Bucket83908E77"},
            "NotificationConfiguration": {"LambdaFunctionConfigurations": [
                {"Events": ["s3:ObjectCreated:*"], "LambdaFunctionArn": ARN}]},
            "Managed": True}},
        "BucketNotificationsHandler050a0587b7544547bf325f094a3db834": FN,
        "BucketAllowBucketNotificationsToFn": perm("s3.amazonaws.com", {"Fn::GetAtt": ["Bucket83908E77", "Arn"]},
                                                   SourceAccount={"Ref": "AWS::AccountId"}),
    })
    assert invokes(g) == {("Bucket83908E77", "Fn", "async", "BucketNotifications8F2E257D")}


# -- SNS ----------------------------------------------------------------------------------------
def test_sns_raw_subscription_inline_and_external_topic() -> None:
    g = build({
        "Fn": FN, "Topic": TOPIC, "Queue": QUEUE,
        "Sub": {"Type": "AWS::SNS::Subscription",
                "Properties": {"Protocol": "lambda", "Endpoint": ARN, "TopicArn": {"Ref": "Topic"}}},
        "ToQueue": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "sqs", "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]}, "TopicArn": {"Ref": "Topic"}}},
        "Inline": {"Type": "AWS::SNS::Topic",
                   "Properties": {"Subscription": [{"Protocol": "lambda", "Endpoint": ARN}]}},
        "Shared": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "lambda", "Endpoint": ARN, "TopicArn": {"Fn::ImportValue": "shared-topic"}}},
        "SharedPermission": perm("sns.amazonaws.com", {"Fn::ImportValue": "shared-topic"}),
    })
    assert invokes(g) == {
        ("Topic", "Fn", "async", "Sub"),
        ("Inline", "Fn", "async", "Inline"),
        ("external:sns:import:shared-topic", "Fn", "async", "Shared"),
    }


def test_sns_sam(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({"Topic": TOPIC, "Fn": sam_fn({"OnTopic": {"Type": "SNS", "Properties": {"Topic": {"Ref": "Topic"}}}})})
    assert invokes(g) == {("Topic", "Fn", "async", "FnOnTopic")}


# -- EventBridge / CloudWatch Events, Scheduler ---------------------------------------------------
def test_events_rule_raw_pattern_and_schedule() -> None:
    g = build({
        "Fn": FN,
        "OnOrder": {"Type": "AWS::Events::Rule", "Properties": {
            "EventPattern": {"source": ["shop"]}, "Targets": [{"Id": "t", "Arn": ARN}]}},
        "Nightly": {"Type": "AWS::Events::Rule", "Properties": {
            "ScheduleExpression": "rate(1 day)", "Targets": [{"Id": "t", "Arn": {"Fn::GetAtt": "Fn.Arn"}}]}},
    })
    assert invokes(g) == {("OnOrder", "Fn", "async", "OnOrder"), ("Nightly", "Fn", "async", "Nightly")}


def test_events_sam_schedule_and_eventbridge_rule(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({"Fn": sam_fn({
        "Tick": {"Type": "Schedule", "Properties": {"Schedule": "rate(5 minutes)"}},
        "Orders": {"Type": "EventBridgeRule", "Properties": {"Pattern": {"source": ["shop"]}}},
        "Legacy": {"Type": "CloudWatchEvent", "Properties": {"Pattern": {"source": ["aws.ec2"]}}},
    })})
    assert invokes(g) == {("FnTick", "Fn", "async", "FnTick"), ("FnOrders", "Fn", "async", "FnOrders"),
                          ("FnLegacy", "Fn", "async", "FnLegacy")}


def test_events_cdk_rule_with_permission() -> None:
    g = build({
        "Singleton8C7B99F3": FN,
        "Rule4C995B7F": {"Type": "AWS::Events::Rule", "Properties": {
            "ScheduleExpression": "cron(0 18 ? * MON-FRI *)", "State": "ENABLED",
            "Targets": [{"Arn": {"Fn::GetAtt": ["Singleton8C7B99F3", "Arn"]}, "Id": "Target0"}]}},
        "RuleAllowEventRuleLambdaCronExampleSingleton4F1DF641E5122DD7": perm(
            "events.amazonaws.com", {"Fn::GetAtt": ["Rule4C995B7F", "Arn"]},
            fn={"Fn::GetAtt": ["Singleton8C7B99F3", "Arn"]}),
    })
    assert invokes(g) == {("Rule4C995B7F", "Singleton8C7B99F3", "async", "Rule4C995B7F")}


def test_scheduler_raw_and_sam(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = build({"Fn": FN, "Schedule": {"Type": "AWS::Scheduler::Schedule", "Properties": {
        "ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": ARN, "RoleArn": "arn:aws:iam::123456789012:role/r"}}}})
    assert invokes(g) == {("Schedule", "Fn", "async", "Schedule")}
    g = sam({"Fn": sam_fn({"Nightly": {"Type": "ScheduleV2", "Properties": {"ScheduleExpression": "rate(1 day)"}}})})
    assert invokes(g) == {("FnNightly", "Fn", "async", "FnNightly")}


# -- CloudWatch Logs, IoT, SES, CodeCommit, Config ------------------------------------------------
def test_logs_raw_with_log_group_in_template() -> None:
    g = build({
        "Fn": FN, "Logs": {"Type": "AWS::Logs::LogGroup"},
        "Filter": {"Type": "AWS::Logs::SubscriptionFilter", "Properties": {
            "LogGroupName": {"Ref": "Logs"}, "FilterPattern": "", "DestinationArn": ARN}},
        "LogsPermission": perm({"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"},
                               {"Fn::GetAtt": ["Logs", "Arn"]}),
    })
    assert invokes(g) == {("Logs", "Fn", "async", "Filter")}


def test_logs_sam_external_log_group(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({"Fn": sam_fn({"Logs": {"Type": "CloudWatchLogs",
                                    "Properties": {"LogGroupName": "app-logs", "FilterPattern": ""}}})})
    assert invokes(g) == {("external:logs:app-logs", "Fn", "async", "FnLogs")}


def test_iot_raw_with_error_action_and_sam(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = build({"Fn": FN, "Other": FN, "Rule": {"Type": "AWS::IoT::TopicRule", "Properties": {"TopicRulePayload": {
        "Sql": "SELECT * FROM 't'", "Actions": [{"Lambda": {"FunctionArn": ARN}}, {"Sqs": {"QueueUrl": "u"}}],
        "ErrorAction": {"Lambda": {"FunctionArn": {"Fn::GetAtt": ["Other", "Arn"]}}}}}}})
    assert invokes(g) == {("Rule", "Fn", "async", "Rule"), ("Rule", "Other", "async", "Rule")}
    assert attrs(g, "Other")[0]["error_action"] is True
    g = sam({"Fn": sam_fn({"Iot": {"Type": "IoTRule", "Properties": {"Sql": "SELECT * FROM 't'"}}})})
    assert invokes(g) == {("FnIot", "Fn", "async", "FnIot")}


def test_ses_codecommit_config() -> None:
    g = build({
        "Fn": FN, "Other": FN,
        "Receipt": {"Type": "AWS::SES::ReceiptRule", "Properties": {"RuleSetName": "s", "Rule": {"Actions": [
            {"LambdaAction": {"FunctionArn": ARN}},
            {"S3Action": {"BucketName": "b"}}]}}},
        "Filter": {"Type": "AWS::SES::ReceiptRule", "Properties": {"RuleSetName": "s", "Rule": {"Actions": [
            {"LambdaAction": {"FunctionArn": {"Fn::GetAtt": ["Other", "Arn"]},
                              "InvocationType": "RequestResponse"}}]}}},
        "Repo": {"Type": "AWS::CodeCommit::Repository", "Properties": {"RepositoryName": "r", "Triggers": [
            {"Name": "t", "DestinationArn": ARN, "Events": ["all"]}]}},
        "Custom": {"Type": "AWS::Config::ConfigRule", "Properties": {"Source": {
            "Owner": "CUSTOM_LAMBDA", "SourceIdentifier": ARN}}},
        "Managed": {"Type": "AWS::Config::ConfigRule", "Properties": {"Source": {
            "Owner": "AWS", "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}}},
    })
    assert invokes(g) == {
        ("Receipt", "Fn", "async", "Receipt"), ("Filter", "Other", "sync", "Filter"),
        ("Repo", "Fn", "async", "Repo"), ("Custom", "Fn", "async", "Custom"),
    }


def test_pipes_fire_and_forget_and_enrichment() -> None:
    g = build({
        "Fn": FN, "Other": FN, "Queue": QUEUE,
        "Async": {"Type": "AWS::Pipes::Pipe", "Properties": {
            "RoleArn": "r", "Source": {"Fn::GetAtt": ["Queue", "Arn"]}, "Target": ARN,
            "TargetParameters": {"LambdaFunctionParameters": {"InvocationType": "FIRE_AND_FORGET"}}}},
        "Sync": {"Type": "AWS::Pipes::Pipe", "Properties": {
            "RoleArn": "r", "Source": {"Fn::GetAtt": ["Queue", "Arn"]},
            "Target": {"Fn::GetAtt": ["Other", "Arn"]}, "Enrichment": ARN}},
    })
    assert invokes(g) == {("Async", "Fn", "async", "Async"), ("Sync", "Other", "sync", "Sync"),
                          ("Sync", "Fn", "sync", "Sync")}


# -- API Gateway ----------------------------------------------------------------------------------
def test_rest_method_raw() -> None:
    g = build({
        "Fn": FN, "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "a"}},
        "Get": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": {"Ref": "Api"}, "HttpMethod": "GET", "AuthorizationType": "NONE",
            "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": {"Fn::Sub":
                "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}}}},
        "Mock": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": {"Ref": "Api"}, "HttpMethod": "OPTIONS", "Integration": {"Type": "MOCK"}}},
        "Direct": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": {"Ref": "Api"}, "HttpMethod": "POST", "Integration": {
                "Type": "AWS", "Uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:states:action/StartExecution"}}}},
        "ApiPermission": perm("apigateway.amazonaws.com",
                              {"Fn::Sub": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/GET/"}),
    })
    assert invokes(g) == {("Api", "Fn", "sync", "Get")}
    assert attrs(g) == [{"mode": "sync", "source": "apigateway", "qualifier": "$LATEST"}]


def test_rest_cdk_join_uri_authorizer_and_permissions() -> None:
    fn_arn = {"Fn::GetAtt": ["handler5B4E0FC2", "Arn"]}
    auth_arn = {"Fn::GetAtt": ["authenticationlambdaDD3A2252", "Arn"]}
    g = build({
        "handler5B4E0FC2": FN, "authenticationlambdaDD3A2252": FN,
        "itemsApi28111E1C": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "items"}},
        "itemsApiDeploymentStageprodE77B897D": {"Type": "AWS::ApiGateway::Stage",
                                                "Properties": {"RestApiId": {"Ref": "itemsApi28111E1C"}}},
        "itemsApiitemsGET59B0F78A": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "AuthorizationType": "CUSTOM", "HttpMethod": "GET", "RestApiId": {"Ref": "itemsApi28111E1C"},
            "AuthorizerId": {"Ref": "operationalAuthorizer363A7D2B"},
            "Integration": {"IntegrationHttpMethod": "POST", "Type": "AWS_PROXY", "Uri": cdk_join(
                "arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"},
                ":lambda:path/2015-03-31/functions/", fn_arn, "/invocations")}}},
        "operationalAuthorizer363A7D2B": {"Type": "AWS::ApiGateway::Authorizer", "Properties": {
            "RestApiId": {"Ref": "itemsApi28111E1C"}, "Type": "TOKEN", "AuthorizerUri": cdk_join(
                "arn:", {"Fn::Select": [1, {"Fn::Split": [":", auth_arn]}]}, ":apigateway:",
                {"Fn::Select": [3, {"Fn::Split": [":", auth_arn]}]}, ":lambda:path/2015-03-31/functions/",
                auth_arn, "/invocations")}},
        "itemsApiitemsGETApiPermission": perm("apigateway.amazonaws.com", cdk_join(
            "arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":",
            {"Ref": "AWS::AccountId"}, ":", {"Ref": "itemsApi28111E1C"}, "/",
            {"Ref": "itemsApiDeploymentStageprodE77B897D"}, "/GET/items"), fn=fn_arn),
        "authorizerPermissions": perm("apigateway.amazonaws.com", cdk_join(
            "arn:aws:execute-api:us-east-1:", {"Ref": "AWS::AccountId"}, ":", {"Ref": "itemsApi28111E1C"},
            "/authorizers/", {"Ref": "operationalAuthorizer363A7D2B"}), fn=auth_arn),
    })
    assert invokes(g) == {
        ("itemsApi28111E1C", "handler5B4E0FC2", "sync", "itemsApiitemsGET59B0F78A"),
        ("itemsApi28111E1C", "authenticationlambdaDD3A2252", "sync", "operationalAuthorizer363A7D2B"),
    }
    assert attrs(g, "authenticationlambdaDD3A2252")[0]["authorizer"] is True


def test_rest_sam_api_event_body(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({"Fn": sam_fn({"Get": {"Type": "Api", "Properties": {"Path": "/items", "Method": "get"}}})})
    assert invokes(g) == {("ServerlessRestApi", "Fn", "sync", "ServerlessRestApi")}


def test_rest_sam_lambda_authorizer_in_body(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "prod", "Auth": {
            "DefaultAuthorizer": "Token",
            "Authorizers": {"Token": {"FunctionArn": {"Fn::GetAtt": ["AuthFn", "Arn"]}}}}}},
        "AuthFn": sam_fn({}),
        "Fn": sam_fn({"Get": {"Type": "Api",
                              "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/", "Method": "get"}}}),
    })
    assert invokes(g) == {("Api", "Fn", "sync", "Api"), ("Api", "AuthFn", "sync", "Api")}
    assert attrs(g, "AuthFn")[0]["authorizer"] is True


def test_rest_sam_conditional_function_body(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    fn = sam_fn({"Get": {"Type": "Api", "Properties": {"Path": "/x", "Method": "get"}}})
    fn["Condition"] = "IsProd"
    template = {"Transform": "AWS::Serverless-2016-10-31",
                "Conditions": {"IsProd": {"Fn::Equals": ["a", "a"]}}, "Resources": {"Fn": fn}}
    g = build(transform(template, {}, NoManagedPolicies())["Resources"])
    assert flows(g, "invokes") == {("ServerlessRestApi", "Fn", "ServerlessRestApi", "IsProd")}


def test_http_api_raw_cdk_websocket_and_service_integration() -> None:
    g = build({
        "Fn": FN, "Other": FN, "Queue": QUEUE,
        "Http": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "h", "ProtocolType": "HTTP"}},
        "Ws": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "w", "ProtocolType": "WEBSOCKET"}},
        "DefaultRouteIntegration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Http"}, "IntegrationType": "AWS_PROXY", "IntegrationUri": ARN,
            "PayloadFormatVersion": "2.0"}},
        "connectlambdaintegration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Ws"}, "IntegrationType": "AWS_PROXY", "IntegrationUri": cdk_join(
                "arn:aws:apigateway:ap-southeast-2:lambda:path/2015-03-31/functions/",
                {"Fn::GetAtt": ["Other", "Arn"]}, "/invocations")}},
        "SendToQueue": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Http"}, "IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-SendMessage",
            "RequestParameters": {"QueueUrl": {"Ref": "Queue"}}}},
    })
    assert invokes(g) == {("Http", "Fn", "sync", "DefaultRouteIntegration"),
                          ("Ws", "Other", "sync", "connectlambdaintegration")}


def test_http_api_sam_body(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({"Fn": sam_fn({"Get": {"Type": "HttpApi", "Properties": {"Path": "/x", "Method": "get"}}})})
    assert invokes(g) == {("ServerlessHttpApi", "Fn", "sync", "ServerlessHttpApi")}


# -- ALB, function URL, Cognito, CloudFront, AppSync ----------------------------------------------
def test_alb_target_group() -> None:
    g = build({
        "Fn": FN,
        "Group": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                  "Properties": {"TargetType": "lambda", "Targets": [{"Id": ARN}]}},
        "Instances": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                      "Properties": {"TargetType": "instance", "Targets": [{"Id": "i-123"}]}},
        "AlbPermission": perm("elasticloadbalancing.amazonaws.com"),
    })
    assert invokes(g) == {("Group", "Fn", "sync", "Group")}


def test_function_url_raw_and_sam(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = build({"Fn": FN, "Url": {"Type": "AWS::Lambda::Url", "Properties": {
        "AuthType": "AWS_IAM", "TargetFunctionArn": ARN}}})
    assert invokes(g) == {("Url", "Fn", "sync", "Url")}
    g = sam({"Fn": sam_fn({}, FunctionUrlConfig={"AuthType": "NONE"})})
    assert invokes(g) == {("FnUrl", "Fn", "sync", "FnUrl")}
    assert "unknown_invokers" not in g.nx.nodes["Fn"]  # the public "*" permissions are the URL's


def test_cognito_raw_and_sam(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = build({"Fn": FN, "Other": FN, "Key": {"Type": "AWS::KMS::Key"},
               "Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {"LambdaConfig": {
                   "PreSignUp": ARN, "KMSKeyID": {"Fn::GetAtt": ["Key", "Arn"]},
                   "CustomSMSSender": {"LambdaArn": {"Fn::GetAtt": ["Other", "Arn"]}, "LambdaVersion": "V1_0"}}}}})
    assert invokes(g) == {("Pool", "Fn", "sync", "Pool"), ("Pool", "Other", "sync", "Pool")}
    g = sam({"Pool": {"Type": "AWS::Cognito::UserPool"},
             "Fn": sam_fn({"SignUp": {"Type": "Cognito", "Properties": {"UserPool": {"Ref": "Pool"},
                                                                        "Trigger": "PreSignUp"}}})})
    assert invokes(g) == {("Pool", "Fn", "sync", "Pool")}
    assert attrs(g)[0]["trigger"] == "PreSignUp"


def test_cloudfront_edge_functions_and_appsync() -> None:
    g = build({
        "Fn": FN, "Other": FN,
        "Version": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        "Dist": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
            "DefaultCacheBehavior": {"LambdaFunctionAssociations": [
                {"EventType": "viewer-request", "LambdaFunctionARN": {"Ref": "Version"}}]},
            "CacheBehaviors": [{"PathPattern": "/api/*", "LambdaFunctionAssociations": [
                {"EventType": "origin-request", "LambdaFunctionARN": {"Fn::GetAtt": ["Other", "Arn"]}}]}]}}},
        "Graph": {"Type": "AWS::AppSync::GraphQLApi", "Properties": {"Name": "g", "AuthenticationType": "API_KEY"}},
        "Source": {"Type": "AWS::AppSync::DataSource", "Properties": {
            "ApiId": {"Fn::GetAtt": ["Graph", "ApiId"]}, "Type": "AWS_LAMBDA",
            "LambdaConfig": {"LambdaFunctionArn": ARN}}},
    })
    assert invokes(g) == {("Dist", "Fn", "sync", "Dist"), ("Dist", "Other", "sync", "Dist"),
                          ("Graph", "Fn", "sync", "Source")}
    assert {e.get("qualifier") for e in g.invokers("Fn") if e.via == "Dist"} == {None}


# -- Event source mappings ------------------------------------------------------------------------
def test_mapping_sam_sqs_kinesis_dynamodb(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({
        "Queue": QUEUE, "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"}}},
        "Fn": sam_fn({
            "Jobs": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["Queue", "Arn"]}}},
            "Clicks": {"Type": "Kinesis", "Properties": {"Stream": {"Fn::GetAtt": ["Stream", "Arn"]},
                                                          "StartingPosition": "LATEST"}},
            "Changes": {"Type": "DynamoDB", "Properties": {"Stream": {"Fn::GetAtt": ["Table", "StreamArn"]},
                                                            "StartingPosition": "LATEST"}},
        }),
    })
    assert invokes(g) == {("Queue", "Fn", "poll", "FnJobs"), ("Stream", "Fn", "poll", "FnClicks"),
                          ("Table", "Fn", "poll", "FnChanges")}
    assert {e.via: e.get("source_type") for e in g.invokers("Fn")} == {
        "FnJobs": "sqs", "FnClicks": "kinesis", "FnChanges": "dynamodb"}


def test_mapping_cdk_and_outside_sources() -> None:
    g = build({
        "readStreamCCC3E9AE": FN,
        "DynamoTableB2B22E15": {"Type": "AWS::DynamoDB::Table"},
        "Cluster": {"Type": "AWS::MSK::Cluster"},
        "Stream": {"Type": "AWS::Kinesis::Stream"},
        "Consumer": {"Type": "AWS::Kinesis::StreamConsumer", "Properties": {
            "StreamARN": {"Fn::GetAtt": ["Stream", "Arn"]}, "ConsumerName": "c"}},
        "readStreamDynamoDBEventSource": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["DynamoTableB2B22E15", "StreamArn"]},
            "FunctionName": {"Ref": "readStreamCCC3E9AE"}, "StartingPosition": "TRIM_HORIZON"}},
        "Msk": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Ref": "Cluster"}, "FunctionName": {"Ref": "readStreamCCC3E9AE"}, "Topics": ["t"]}},
        "Fanout": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Consumer", "ConsumerARN"]},
            "FunctionName": {"Ref": "readStreamCCC3E9AE"}}},
        "Outside": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs"},
            "FunctionName": {"Ref": "readStreamCCC3E9AE"}}},
        "Literal": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
            "FunctionName": {"Ref": "readStreamCCC3E9AE"}}},
        "Kafka": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": {"Ref": "readStreamCCC3E9AE"}, "Topics": ["t"],
            "SelfManagedEventSource": {"Endpoints": {"KafkaBootstrapServers": ["b1:9092", "b2:9092"]}}}},
        "Broker": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Ref": "BrokerArn"}, "FunctionName": {"Ref": "readStreamCCC3E9AE"},
            "Queues": ["q"]}},
    }, parameters={"BrokerArn": {"Type": "String"}})
    fn = "readStreamCCC3E9AE"
    assert invokes(g) == {
        ("DynamoTableB2B22E15", fn, "poll", "readStreamDynamoDBEventSource"),
        ("Cluster", fn, "poll", "Msk"),
        ("Stream", fn, "poll", "Fanout"),
        ("external:sqs:arn:aws:sqs:<region>:<account>:jobs", fn, "poll", "Outside"),
        ("external:kinesis:arn:aws:kinesis:us-east-1:123456789012:stream/s", fn, "poll", "Literal"),
        ("external:kafka:b1:9092,b2:9092", fn, "poll", "Kafka"),
        ("external:mq:param:BrokerArn", fn, "poll", "Broker"),
    }
    assert {e.via: e.get("source_type") for e in g.invokers(fn)} == {
        "readStreamDynamoDBEventSource": "dynamodb", "Msk": "msk", "Fanout": "kinesis", "Outside": "sqs",
        "Literal": "kinesis", "Kafka": "kafka", "Broker": "mq"}


# -- Permissions --------------------------------------------------------------------------------
def test_permission_only_sources() -> None:
    g = build({
        "Fn": FN, "Other": FN, "Third": FN,
        "FromImport": perm("sns.amazonaws.com", {"Fn::ImportValue": "topic-arn"}),
        "NoSourceArn": perm("s3.amazonaws.com", fn={"Ref": "Other"}),
        "Rule": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["x"]}}},
        "RulePermission": perm("events.amazonaws.com", {"Fn::GetAtt": ["Rule", "Arn"]},
                               fn={"Fn::GetAtt": ["Third", "Arn"]}),
        "AlbPermission": perm("elasticloadbalancing.amazonaws.com", fn={"Ref": "Third"}),
    })
    assert invokes(g) == {
        ("external:sns:import:topic-arn", "Fn", "async", "FromImport"),
        ("external:s3:unknown", "Other", "async", "NoSourceArn"),
        ("Rule", "Third", "async", "RulePermission"),
        ("external:elasticloadbalancing:unknown", "Third", "sync", "AlbPermission"),
    }


def test_permission_dedupes_against_sources_seen() -> None:
    g = build({
        "Fn": FN, "Topic": TOPIC,
        "Sub": {"Type": "AWS::SNS::Subscription",
                "Properties": {"Protocol": "lambda", "Endpoint": ARN, "TopicArn": {"Ref": "Topic"}}},
        "TopicPermission": perm("sns.amazonaws.com", {"Ref": "Topic"}),
        "SecondPermission": perm("sns.amazonaws.com", {"Ref": "Topic"}, fn={"Ref": "Fn"}),
    })
    assert invokes(g) == {("Topic", "Fn", "async", "Sub")}


def test_unknown_principals_flag_the_function() -> None:
    g = build({
        "Fn": FN, "Other": FN, "Third": FN, "Quiet": FN,
        "Account": perm("123456789012"),
        "Role": perm("arn:aws:iam::123456789012:role/caller", fn={"Ref": "Other"}),
        "Anyone": perm("*", fn={"Ref": "Third"}),
        "Unresolved": perm({"Ref": "Caller"}, fn={"Ref": "Third"}),
        "NotInvoke": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:GetFunction", "FunctionName": {"Ref": "Quiet"}, "Principal": "123456789012"}},
    }, parameters={"Caller": {"Type": "String"}})
    assert invokes(g) == set()
    flagged = {n for n, data in g.nx.nodes(data=True) if data.get("unknown_invokers")}
    assert flagged == {"Fn", "Other", "Third"}


# -- Aliases, literal ARNs and conditions --------------------------------------------------------
def test_alias_and_version_targets_resolve_to_the_function() -> None:
    g = build({
        "Fn": FN,
        "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
            "FunctionName": {"Ref": "Fn"}, "FunctionVersion": "1", "Name": "live"}},
        "V1": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        "ToAlias": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "a", "Arn": {"Ref": "Live"}}]}},
        "ToVersion": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "v", "Arn": {"Ref": "V1"}}]}},
    })
    assert invokes(g) == {("ToAlias", "Fn", "async", "ToAlias"), ("ToVersion", "Fn", "async", "ToVersion")}
    assert {e.via: e.get("qualifier") for e in g.invokers("Fn")} == {"ToAlias": "live", "ToVersion": None}


def test_sam_auto_publish_alias(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({"Topic": TOPIC, "Fn": sam_fn({"OnTopic": {"Type": "SNS", "Properties": {"Topic": {"Ref": "Topic"}}}},
                                          AutoPublishAlias="live")})
    assert invokes(g) == {("Topic", "Fn", "async", "FnOnTopic")}
    assert attrs(g)[0]["qualifier"] == "live"


def test_literal_function_arn_by_name() -> None:
    g = build({
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "orders-handler"}},
        "Rule": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "t", "Arn": {"Fn::Sub":
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:orders-handler:prod"}}]}},
    })
    assert invokes(g) == {("Rule", "Fn", "async", "Rule")}
    assert attrs(g)[0]["qualifier"] == "prod"


def test_targets_under_fn_if() -> None:
    g = build({
        "Fn": FN, "Other": FN,
        "Optional": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [
            {"Fn::If": ["IsProd", {"Id": "t", "Arn": ARN}, NO_VALUE]}]}},
        "Either": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [
            {"Id": "t", "Arn": {"Fn::If": ["UseOther", {"Fn::GetAtt": ["Other", "Arn"]}, ARN]}}]}},
        "Same": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [
            {"Id": "t", "Arn": {"Fn::If": ["UseOther", ARN, {"Ref": "Fn"}]}}]}},
        "Nested": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Fn::If": [
            "IsProd", {"Id": "t", "Arn": {"Fn::If": ["IsProd", ARN, {"Ref": "Other"}]}}, NO_VALUE]}]}},
        "Bucket": {"Type": "AWS::S3::Bucket", "Condition": "HasBucket", "Properties": {"NotificationConfiguration": {
            "LambdaConfigurations": {"Fn::If": ["Notify", [{"Event": "e", "Function": ARN}], NO_VALUE]}}}},
    })
    assert flows(g, "invokes") == {
        ("Optional", "Fn", "Optional", "IsProd"),
        ("Either", "Other", "Either", "UseOther"),
        ("Either", "Fn", "Either", "!UseOther"),
        ("Same", "Fn", "Same", None),
        ("Nested", "Fn", "Nested", "IsProd"),  # Other would need IsProd and !IsProd at once
        ("Bucket", "Fn", "Bucket", "HasBucket&Notify"),
    }


# -- Step Functions -----------------------------------------------------------------------------
def test_state_machine_tasks_and_rule_to_state_machine() -> None:
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke"}
    g = build({
        "Fn": FN, "Other": FN,
        "SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": {
            "StartAt": "First", "States": {
                "First": {**task, "Parameters": {"FunctionName": ARN}, "Next": "Fire"},
                "Fire": {**task, "Parameters": {"FunctionName": {"Ref": "Fn"}, "InvocationType": "Event"},
                         "Next": "Legacy"},
                "Legacy": {"Type": "Task", "Resource": {"Fn::GetAtt": ["Other", "Arn"]}, "End": True}}}}},
        "Start": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "t", "Arn": {"Ref": "SM"}}]}},
    })
    assert invokes(g) == {("SM", "Fn", "async", "SM"), ("SM", "Other", "sync", "SM"), ("Start", "SM", "async", "Start")}
    first = next(e for e in g.invokers("Fn"))
    assert (first["state"], first["states"], first["modes"]) == ("First", ["First", "Fire"], ["async", "sync"])


def test_state_machine_sam_definition_with_substitutions(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({
        "Fn": sam_fn({}),
        "SM": {"Type": "AWS::Serverless::StateMachine", "Properties": {"Policies": [], "Definition": {
            "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                             "Parameters": {"FunctionName": "${F}"}, "End": True}}},
            "DefinitionSubstitutions": {"F": {"Fn::GetAtt": ["Fn", "Arn"]}}}},
    })
    assert invokes(g) == {("SM", "Fn", "sync", "SM")}
    assert attrs(g)[0]["state"] == "A"


def test_state_machine_cdk_join_definition() -> None:
    parts = ['{"StartAt":"Submit Job","States":{"Submit Job":{"End":true,"Type":"Task","Resource":"arn:',
             {"Ref": "AWS::Partition"}, ':states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"',
             {"Fn::GetAtt": ["SubmitLambda8054545E", "Arn"]}, '","Payload.$":"$"}}}}']
    g = build({"SubmitLambda8054545E": FN, "CronStateMachine7E50955B": {
        "Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": cdk_join(*parts)}}})
    assert invokes(g) == {("CronStateMachine7E50955B", "SubmitLambda8054545E", "sync", "CronStateMachine7E50955B")}


# -- Failure and success destinations -------------------------------------------------------------
def test_dead_letter_and_event_invoke_config() -> None:
    g = build({
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "DeadLetterConfig": {"TargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}}}},
        "Ext": {"Type": "AWS::Lambda::Function", "Properties": {
            "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:123456789012:shared-dlq"}}},
        "Dlq": QUEUE, "Failed": QUEUE, "Done": TOPIC,
        "Config": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
            "FunctionName": {"Ref": "Fn"}, "Qualifier": "$LATEST", "MaximumRetryAttempts": 1,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["Failed", "Arn"]}},
                                  "OnSuccess": {"Destination": {"Ref": "Done"}}}}},
    })
    assert flows(g, "on_failure") == {
        ("Fn", "Dlq", "Fn", None),
        ("Ext", "external:sqs:arn:aws:sqs:us-east-1:123456789012:shared-dlq", "Ext", None),
        ("Fn", "Failed", "Config", None),
    }
    assert flows(g, "on_success") == {("Fn", "Done", "Config", None)}
    assert [(e.dst, e.get("mechanism"), e.get("qualifier")) for e in g.failure_destinations("Fn")] == [
        ("Dlq", "dead_letter", None), ("Failed", "destination", "$LATEST")]


def test_destinations_under_fn_if() -> None:
    g = build({
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "DeadLetterConfig": {"Fn::If": ["HasDlq", {"TargetArn": {"Ref": "Topic"}}, NO_VALUE]}}},
        "Topic": TOPIC, "A": QUEUE, "B": QUEUE,
        "Target": {"Type": "AWS::Lambda::Function"},
        "Live": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Target"}, "Name": "live"}},
        "Config": {"Type": "AWS::Lambda::EventInvokeConfig", "Condition": "Enabled", "Properties": {
            "FunctionName": {"Ref": "Fn"}, "Qualifier": "live", "DestinationConfig": {
                "OnFailure": {"Destination": {"Fn::If": ["UseA", {"Fn::GetAtt": ["A", "Arn"]},
                                                          {"Fn::GetAtt": ["B", "Arn"]}]}},
                "OnSuccess": {"Fn::If": ["Chain", {"Destination": {"Ref": "Live"}}, NO_VALUE]}}}},
        "Always": {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
            "FunctionName": {"Ref": "Target"}, "Qualifier": "$LATEST", "DestinationConfig": {
                "OnFailure": {"Destination": {"Fn::If": ["UseA", {"Fn::GetAtt": ["A", "Arn"]}, {"Ref": "A"}]}}}}},
    })
    assert flows(g, "on_failure") == {
        ("Fn", "Topic", "Fn", "HasDlq"),
        ("Fn", "A", "Config", "Enabled&UseA"),
        ("Fn", "B", "Config", "Enabled&!UseA"),
        ("Target", "A", "Always", None),
    }
    assert flows(g, "on_success") == {("Fn", "Target", "Config", "Enabled&Chain")}
    assert {e.get("qualifier") for e in g.out_edges("Fn", "on_success")} == {"live"}


def test_sam_dead_letter_queue_and_event_invoke_config(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = sam({"Dlq": QUEUE, "Fn": sam_fn(
        {}, AutoPublishAlias="live",
        DeadLetterQueue={"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
        EventInvokeConfig={"DestinationConfig": {"OnFailure": {"Type": "SNS"}}})})
    assert flows(g, "on_failure") == {("Fn", "Dlq", "Fn", None),
                                      ("Fn", "FnEventInvokeConfigOnFailureTopic", "FnEventInvokeConfig", None)}
    assert [e.get("qualifier") for e in g.in_edges("FnEventInvokeConfigOnFailureTopic", "on_failure")] == ["live"]


def test_mapping_and_source_side_failure_destinations(sam: Callable[[dict[str, Any]], Graph]) -> None:
    g = build({
        "Fn": FN, "Stream": {"Type": "AWS::Kinesis::Stream"}, "Dlq": QUEUE, "Topic": TOPIC,
        "Esm": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Stream", "Arn"]}, "FunctionName": {"Ref": "Fn"},
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": ["Dlq", "Arn"]}}}}},
        "Sub": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "lambda", "Endpoint": ARN, "TopicArn": {"Ref": "Topic"},
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}}}},
        "StringRedrive": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "lambda", "Endpoint": ARN, "TopicArn": {"Ref": "Topic"},
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:d"})}},
        "Rule": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [
            {"Id": "t", "Arn": ARN, "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Dlq", "Arn"]}}}]}},
        "Schedule": {"Type": "AWS::Scheduler::Schedule", "Properties": {"Target": {
            "Arn": ARN, "DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Dlq", "Arn"]}}}}},
    })
    assert flows(g, "on_failure") == {
        ("Esm", "Dlq", "Esm", None), ("Sub", "Dlq", "Sub", None),
        ("StringRedrive", "external:sqs:arn:aws:sqs:us-east-1:123456789012:d", "StringRedrive", None),
        ("Rule", "Dlq", "Rule", None), ("Schedule", "Dlq", "Schedule", None),
    }
    assert g.failure_destinations("Fn") == []
    g = sam({"Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}}, "Dlq": QUEUE,
             "Fn": sam_fn({"Clicks": {"Type": "Kinesis", "Properties": {
                 "Stream": {"Fn::GetAtt": ["Stream", "Arn"]}, "StartingPosition": "LATEST",
                 "DestinationConfig": {"OnFailure": {"Type": "SQS",
                                                     "Destination": {"Fn::GetAtt": ["Dlq", "Arn"]}}}}}})})
    assert flows(g, "on_failure") == {("FnClicks", "Dlq", "FnClicks", None)}


# -- Robustness ---------------------------------------------------------------------------------
WEIRD: list[Any] = [None, 3, "text", [], [None, 1, "x"], {}, {"Fn::If": "bad"}, {"Fn::Join": 5},
                    {"Fn::Sub": [1]}, {"Ref": 7}, {"Fn::GetAtt": "nodot"}, {"Fn::If": ["C", [1], {"x": 2}]},
                    {"Fn::ImportValue": {"Fn::Sub": 1}}, [{"Fn::If": ["C", {"Id": {"Ref": "X"}}, 2]}]]
TYPES = [
    "AWS::S3::Bucket", "Custom::S3BucketNotifications", "AWS::SNS::Subscription", "AWS::SNS::Topic",
    "AWS::Events::Rule", "AWS::Scheduler::Schedule", "AWS::Logs::SubscriptionFilter", "AWS::IoT::TopicRule",
    "AWS::SES::ReceiptRule", "AWS::CodeCommit::Repository", "AWS::Config::ConfigRule", "AWS::Cognito::UserPool",
    "AWS::Pipes::Pipe", "AWS::ApiGateway::Method", "AWS::ApiGateway::Authorizer", "AWS::ApiGateway::RestApi",
    "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Authorizer", "AWS::ApiGatewayV2::Api",
    "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::Lambda::Url", "AWS::CloudFront::Distribution",
    "AWS::AppSync::DataSource", "AWS::AppSync::GraphQLApi", "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::Permission", "AWS::StepFunctions::StateMachine", "AWS::Lambda::Function",
    "AWS::Lambda::EventInvokeConfig",
]
KEYS = ["NotificationConfiguration", "LambdaConfigurations", "BucketName", "Protocol", "Endpoint", "TopicArn",
        "Subscription", "Targets", "Target", "LogGroupName", "DestinationArn", "TopicRulePayload", "Rule",
        "Triggers", "Source", "LambdaConfig", "TargetParameters", "Enrichment", "Integration", "RestApiId",
        "AuthorizerUri", "Body", "IntegrationType", "IntegrationUri", "ApiId", "TargetType",
        "TargetFunctionArn", "DistributionConfig", "LambdaAuthorizerConfig", "AdditionalAuthenticationProviders",
        "EventSourceArn", "FunctionName", "SelfManagedEventSource", "DestinationConfig", "Action", "Principal",
        "SourceArn", "FunctionUrlAuthType", "Definition", "DefinitionString", "DefinitionSubstitutions",
        "DeadLetterConfig", "Qualifier", "RedrivePolicy"]


@pytest.mark.parametrize("weird", WEIRD, ids=[json.dumps(w) for w in WEIRD])
def test_builders_never_raise_on_malformed_properties(weird: Any) -> None:
    resources: dict[str, Any] = {"Fn": FN, "X": QUEUE}
    for i, rtype in enumerate(TYPES):
        resources[f"R{i}"] = {"Type": rtype, "Properties": {key: weird for key in KEYS}}
        resources[f"N{i}"] = {"Type": rtype, "Properties": {
            key: {sub: weird for sub in KEYS} for key in KEYS}}
        resources[f"L{i}"] = {"Type": rtype, "Properties": {key: [{sub: weird for sub in KEYS}] for key in KEYS}}
    build(resources)  # must not raise


def test_unknown_parts_of_a_name_are_named_not_question_marks() -> None:
    """Issue 12 point 8: ``arn:aws:events:<region>:<account>:event-bus/orders``, not ``?:?``."""
    from wa_lint.graph.builders.invoke_common import describe, text

    g = build({"Q": {"Type": "AWS::SQS::Queue"}}, parameters={"Bus": {"Type": "String"}, "Env": {"Type": "String"}})
    bus = {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/orders"}
    assert text(g, bus) == "arn:aws:events:<region>:<account>:event-bus/orders"
    assert text(g, {"Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Env}-jobs"}) == \
        "arn:aws:sqs:<region>:<account>:<Ref Env>-jobs"
    assert text(g, {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "sqs", {"Fn::GetAtt": ["Q", "Arn"]}]]}) == \
        "arn:aws:sqs:<Q.Arn>"
    assert text(g, {"Fn::ImportValue": "x"}) == "<unknown>"
    assert describe(g, {"Ref": "Bus"}) == "param:Bus"
    assert "?" not in describe(g, bus)
