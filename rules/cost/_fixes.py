"""Replacement snippets for the glue rules: short CloudFormation/SAM that does the function's job.

Each names the template's own resources where it can (``!GetAtt OrdersQueue.Arn``) and a
placeholder otherwise; they are starting points to adapt, not complete templates.
"""

from __future__ import annotations

from wa_lint.api import Glue, Graph

#: HTTP API first-class integrations: (service, action) → (subtype, request parameters).
HTTP_SUBTYPES = {
    ("sqs", "SendMessage"): ("SQS-SendMessage", {"QueueUrl": "{ref}", "MessageBody": "$request.body"}),
    ("kinesis", "PutRecord"): ("Kinesis-PutRecord", {"StreamName": "{ref}", "Data": "$request.body",
                                                     "PartitionKey": "$context.requestId"}),
    ("states", "StartExecution"): ("StepFunctions-StartExecution", {"StateMachineArn": "{ref}",
                                                                   "Input": "$request.body"}),
    ("states", "StartSyncExecution"): ("StepFunctions-StartSyncExecution", {"StateMachineArn": "{ref}",
                                                                           "Input": "$request.body"}),
    ("events", "PutEvents"): ("EventBridge-PutEvents", {"EventBusName": "{ref}", "Source": "my.app",
                                                        "DetailType": "request", "Detail": "$request.body"}),
}
#: REST API request templates (VTL) per (service, action); ``{name}`` is the target's name or ARN.
REST_TEMPLATES = {
    "sns": "Action=Publish&TopicArn=$util.urlEncode('{arn}')&Message=$util.urlEncode($input.body)",
    "kinesis": '{{"StreamName": "{name}", "Data": "$util.base64Encode($input.body)", '
               '"PartitionKey": "$context.requestId"}}',
    "firehose": '{{"DeliveryStreamName": "{name}", "Record": {{"Data": "$util.base64Encode($input.body)"}}}}',
    "states": '{{"stateMachineArn": "{arn}", "input": "$util.escapeJavaScript($input.json(\'$\'))"}}',
    "events": '{{"Entries": [{{"EventBusName": "{name}", "Source": "my.app", "DetailType": "request", '
              '"Detail": "$util.escapeJavaScript($input.body)"}}]}}',
    "dynamodb": '{{"TableName": "{name}", "Key": {{"id": {{"S": "$input.params(\'id\')"}}}}}}',
    "dynamodb:PutItem": '{{"TableName": "{name}", "Item": {{"id": {{"S": "$context.requestId"}}, '
                        '"body": {{"S": "$util.escapeJavaScript($input.body)"}}}}}}',
}
EVENTS_HEADERS = ("      RequestParameters:\n"
                  "        integration.request.header.X-Amz-Target: \"'AWSEvents.PutEvents'\"\n"
                  "        integration.request.header.Content-Type: \"'application/x-amz-json-1.1'\"\n")
FORM_HEADER = ("      RequestParameters:\n"
               "        integration.request.header.Content-Type: \"'application/x-www-form-urlencoded'\"\n")
#: Step Functions optimized integrations: (service, action) → (resource suffix, parameters).
SFN_OPTIMIZED = {
    ("sqs", "SendMessage"): ("sqs:sendMessage", {"QueueUrl": "{target}", "MessageBody.$": "$"}),
    ("sns", "Publish"): ("sns:publish", {"TopicArn": "{target}", "Message.$": "$"}),
    ("dynamodb", "PutItem"): ("dynamodb:putItem", {"TableName": "{target}", "Item": "{ ... }"}),
    ("dynamodb", "GetItem"): ("dynamodb:getItem", {"TableName": "{target}", "Key": "{ ... }"}),
    ("dynamodb", "UpdateItem"): ("dynamodb:updateItem", {"TableName": "{target}", "Key": "{ ... }"}),
    ("dynamodb", "DeleteItem"): ("dynamodb:deleteItem", {"TableName": "{target}", "Key": "{ ... }"}),
    ("events", "PutEvents"): ("events:putEvents", {"Entries": "[{Source: my.app, DetailType: step, Detail.$: $}]"}),
    ("states", "StartExecution"): ("states:startExecution", {"StateMachineArn": "{target}", "Input.$": "$"}),
    ("lambda", "Invoke"): ("lambda:invoke", {"FunctionName": "{target}", "Payload.$": "$"}),
}
SDK_TARGET_PARAMETER = {"sqs": "QueueUrl", "sns": "TopicArn", "dynamodb": "TableName", "kinesis": "StreamName",
                        "firehose": "DeliveryStreamName", "s3": "Bucket", "states": "StateMachineArn",
                        "lambda": "FunctionName"}
SDK_IDS = {"states": "sfn", "events": "eventbridge", "logs": "cloudwatchlogs"}
PIPE_TARGET_PARAMETERS = {
    "events": "    TargetParameters:\n      EventBridgeEventBusParameters: {Source: my.app, DetailType: record}\n",
    "states": "    TargetParameters:\n      StepFunctionStateMachineParameters: {InvocationType: FIRE_AND_FORGET}\n",
    "kinesis": "    TargetParameters:\n      KinesisStreamParameters: {PartitionKey: $.partitionKey}\n",
}
PIPE_SOURCE_PARAMETERS = {
    "sqs": "    SourceParameters:\n      SqsQueueParameters: {BatchSize: 10}\n",
    "kinesis": "    SourceParameters:\n      KinesisStreamParameters: {StartingPosition: LATEST}\n",
    "dynamodb": "    SourceParameters:\n      DynamoDBStreamParameters: {StartingPosition: LATEST}\n",
}


def _in_template(graph: Graph, node: str) -> str | None:
    return node if graph.resource(node) is not None else None


def refs(graph: Graph, node: str) -> dict[str, str]:
    """How a snippet names the target: ``ref`` (Ref), ``arn``, ``name``, ``Ref``/``GetAtt`` forms."""
    res = _in_template(graph, node)
    if res is None:
        return {"ref": "<target>", "arn": "<target ARN>", "name": "<target name>", "yref": "<target>",
                "yarn": "<target ARN>", "id": "<Target>"}
    rtype = graph.stack.resources[res].type
    name_attr = {"AWS::SQS::Queue": "QueueName", "AWS::SNS::Topic": "TopicName", "AWS::Events::EventBus": "Name"}
    return {
        "ref": f"${{{res}}}", "arn": f"${{{res}.Arn}}" if rtype != "AWS::SNS::Topic" else f"${{{res}}}",
        "name": f"${{{res}.{name_attr[rtype]}}}" if rtype in name_attr else f"${{{res}}}",
        "yref": f"!Ref {res}", "yarn": f"!GetAtt {res}.Arn" if rtype != "AWS::SNS::Topic" else f"!Ref {res}",
        "id": res,
    }


def rest_integration(graph: Graph, glue: Glue) -> str:
    """A REST API method with an ``AWS`` integration doing the function's call."""
    r = refs(graph, glue.target)
    if glue.service == "sqs":
        uri = f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:sqs:path/${{AWS::AccountId}}/{r['name']}"
        body = "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"
        headers = FORM_HEADER
    else:
        uri = f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:{glue.service}:action/{glue.action}"
        key = f"{glue.service}:{glue.action}"
        body = (REST_TEMPLATES.get(key) or REST_TEMPLATES.get(glue.service, "")).format(**r)
        headers = EVENTS_HEADERS if glue.service == "events" else FORM_HEADER if glue.service == "sns" else ""
    sub = "!Sub " if "${" in body else ""
    return (
        "  Type: AWS::ApiGateway::Method\n  Properties:\n    Integration:\n"
        "      Type: AWS\n      IntegrationHttpMethod: POST\n"
        f"      Uri: !Sub {uri}\n"
        "      Credentials: !GetAtt ApiGatewayRole.Arn"
        f"  # a role that may call {glue.service}:{glue.action} on {r['id']}\n"
        + headers + "      RequestTemplates:\n"
        f"        application/json: {sub}\"{_yaml_escape(body)}\"\n"
        '      IntegrationResponses: [{StatusCode: "200"}]\n'
    )


def _yaml_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def http_integration(graph: Graph, glue: Glue) -> str | None:
    """An HTTP API first-class integration, when one exists for the call."""
    found = HTTP_SUBTYPES.get((glue.service, glue.action))
    if found is None:
        return None
    subtype, params = found
    r = refs(graph, glue.target)
    api = refs(graph, glue.invoker.src)["yref"]
    lines = [
        "  Type: AWS::ApiGatewayV2::Integration", "  Properties:", f"    ApiId: {api}",
        "    IntegrationType: AWS_PROXY", f"    IntegrationSubtype: {subtype}",
        '    PayloadFormatVersion: "1.0"', "    CredentialsArn: !GetAtt ApiGatewayRole.Arn",
        "    RequestParameters:",
    ]
    for key, value in params.items():
        shown = r["yref"] if value == "{ref}" else value
        lines.append(f"      {key}: {shown}")
    return "\n".join(lines) + "\n"


def state_task(graph: Graph, glue: Glue, state: str | None) -> str:
    """A Task state calling the service itself (optimized integration, else AWS SDK)."""
    r = refs(graph, glue.target)
    found = SFN_OPTIMIZED.get((glue.service, glue.action))
    if found is not None:
        resource, params = found
    else:
        action = glue.action[:1].lower() + glue.action[1:]
        resource = f"aws-sdk:{SDK_IDS.get(glue.service, glue.service)}:{action}"
        key = SDK_TARGET_PARAMETER.get(glue.service)
        params = {key: "{target}"} if key else {}
        params["..."] = f"the rest of the {glue.action} request"
    lines = [f"{state or 'CallService'}:", "  Type: Task", f"  Resource: arn:aws:states:::{resource}", "  Parameters:"]
    for key, value in params.items():
        lines.append(f"    {key}: {'${' + r['id'] + '}' if value == '{target}' else value}")
    if "{target}" in params.values():
        lines.append(f"# DefinitionSubstitutions: {{{r['id']}: {r['yref']}}}")
    return "\n".join(lines) + "\n"


def pipe(graph: Graph, glue: Glue, source_type: str) -> str:
    """An EventBridge Pipe from the function's event source to its target."""
    source = refs(graph, glue.invoker.src)
    target = refs(graph, glue.target)
    stream = "StreamArn" if source_type == "dynamodb" else "Arn"
    source_value = f"!GetAtt {source['id']}.{stream}" if _in_template(graph, glue.invoker.src) else "<source ARN>"
    return (
        "  Type: AWS::Pipes::Pipe\n  Properties:\n    RoleArn: !GetAtt PipeRole.Arn\n"
        f"    Source: {source_value}\n" + PIPE_SOURCE_PARAMETERS.get(source_type, "")
        + f"    Target: {target['yarn']}\n" + PIPE_TARGET_PARAMETERS.get(glue.service, "")
    )


def notification(graph: Graph, glue: Glue, source: str) -> str:
    """An S3 notification or an SNS subscription delivering straight to the target."""
    target = refs(graph, glue.target)
    if source == "sns":
        topic = refs(graph, glue.invoker.src)
        return ("  Type: AWS::SNS::Subscription\n  Properties:\n"
                f"    TopicArn: {topic['yref']}\n    Protocol: sqs\n    Endpoint: {target['yarn']}\n"
                "    RawMessageDelivery: true\n"
                "# plus an AWS::SQS::QueuePolicy allowing sns.amazonaws.com with aws:SourceArn = the topic\n")
    if glue.service == "events":
        return ("  Type: AWS::S3::Bucket\n  Properties:\n    NotificationConfiguration:\n"
                "      EventBridgeConfiguration: {EventBridgeEnabled: true}\n"
                "# plus an AWS::Events::Rule on the default bus matching the bucket's events\n")
    key, prop = ("QueueConfigurations", "Queue") if glue.service == "sqs" else ("TopicConfigurations", "Topic")
    principal = "an AWS::SQS::QueuePolicy" if glue.service == "sqs" else "an AWS::SNS::TopicPolicy"
    return ("  Type: AWS::S3::Bucket\n  Properties:\n    NotificationConfiguration:\n"
            f"      {key}:\n        - Event: s3:ObjectCreated:*\n          {prop}: {target['yarn']}\n"
            f"# plus {principal} allowing s3.amazonaws.com with aws:SourceArn = the bucket\n")
