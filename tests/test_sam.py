"""SAM expansion: the real translator, offline and fast, with every generated resource on the user's line.

Most cases use ``fixtures/sam/app/template.yaml`` (its resources start on the lines asserted below);
the corpus tests run every SAM template under ``shared/corpus`` when it is present.
"""

from __future__ import annotations

import copy
import json
import re
import socket
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, ROOT, require_corpus
from wa_lint.expand import sam_local, sam_translate
from wa_lint.expand.sam import expand_sam, is_sam
from wa_lint.expand.sam_link import plain_copy
from wa_lint.load import load_file, load_text
from wa_lint.model import InputError, MarkedDict, Resource

APP = ROOT / "fixtures" / "sam" / "app"
APP_TEMPLATE = APP / "template.yaml"
LINES = {"Uploads": 11, "Jobs": 21, "Failures": 26, "Alerts": 29, "Orders": 32, "Worker": 43, "Api": 90, "Flow": 107}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The translator must never reach the network (IAM, Serverless Application Repository…)."""

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("network access during SAM expansion")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _load(text: str) -> dict[str, Any]:
    template = load_text(textwrap.dedent(text), "t.yaml")
    assert isinstance(template, dict)
    return template


def _expand(text: str, base_dir: Path = Path("/project")) -> tuple[dict[str, Any], dict[str, Resource]]:
    return expand_sam(_load(text), "t.yaml", base_dir)


def _rejection(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        _expand(text)
    return info.value


@pytest.fixture(scope="module")
def app() -> tuple[dict[str, Any], dict[str, Any], dict[str, Resource]]:
    original, _ = load_file(APP_TEMPLATE, "fixtures/sam/app/template.yaml")
    translated, resources = expand_sam(original, "fixtures/sam/app/template.yaml", APP)
    return original, translated, resources


def _deployment_ids_normalised(resources: dict[str, Resource]) -> dict[str, str]:
    """Logical id → type, with the content hash of API deployments replaced by ``*``."""
    return {re.sub(r"Deployment[0-9a-f]{10}$", "Deployment*", k): r.type for k, r in resources.items()}


# --- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        ("AWS::Serverless-2016-10-31", True),
        (["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"], True),
        (["AWS::LanguageExtensions"], False),
        ("AWS::Include", False),
        (None, False),
    ],
)
def test_is_sam(transform: Any, expected: bool) -> None:
    template = {"Resources": {}} if transform is None else {"Transform": transform, "Resources": {}}
    assert is_sam(template) is expected


def test_importing_the_module_does_not_import_the_translator() -> None:
    code = "import sys, wa_lint.expand.sam; print('samtranslator' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- what the translator generates -------------------------------------------------------------


def test_generated_resources_and_types(app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]]) -> None:
    _, _, resources = app
    assert _deployment_ids_normalised(resources) == {
        "Uploads": "AWS::S3::Bucket",
        "Jobs": "AWS::SQS::Queue",
        "Failures": "AWS::SQS::Queue",
        "Alerts": "AWS::SNS::Topic",
        "Orders": "AWS::DynamoDB::Table",
        "Worker": "AWS::Lambda::Function",
        "WorkerWork": "AWS::Lambda::EventSourceMapping",
        "WorkerNotifyPermission": "AWS::Lambda::Permission",
        "WorkerTick": "AWS::Events::Rule",
        "WorkerUploadPermission": "AWS::Lambda::Permission",
        "WorkerTickPermission": "AWS::Lambda::Permission",
        "WorkerNotify": "AWS::SNS::Subscription",
        "WorkerRole": "AWS::IAM::Role",
        "WorkerEventInvokeConfig": "AWS::Lambda::EventInvokeConfig",
        "Api": "AWS::Lambda::Function",
        "ApiListPermission": "AWS::Lambda::Permission",
        "ServerlessHttpApi": "AWS::ApiGatewayV2::Api",
        "ServerlessRestApiProdStage": "AWS::ApiGateway::Stage",
        "ApiRole": "AWS::IAM::Role",
        "ServerlessRestApi": "AWS::ApiGateway::RestApi",
        "ServerlessRestApiDeployment*": "AWS::ApiGateway::Deployment",
        "ServerlessHttpApiApiGatewayDefaultStage": "AWS::ApiGatewayV2::Stage",
        "ApiGetPermissionProd": "AWS::Lambda::Permission",
        "Flow": "AWS::StepFunctions::StateMachine",
        "FlowRole": "AWS::IAM::Role",
    }


def test_globals_are_applied(app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]]) -> None:
    _, _, resources = app
    assert (resources["Worker"].prop("Runtime"), resources["Worker"].prop("Timeout")) == ("python3.12", 60)
    assert (resources["Api"].prop("Runtime"), resources["Api"].prop("Timeout")) == ("python3.12", 30)


def test_managed_policy_names_resolve_to_arns(app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]]) -> None:
    _, _, resources = app
    assert resources["WorkerRole"].prop("ManagedPolicyArns") == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
    ]


def _policy(resource: Resource, name: str) -> dict[str, Any]:
    policies: dict[str, dict[str, Any]] = {p["PolicyName"]: p["PolicyDocument"] for p in resource.prop("Policies")}
    return policies[name]


def test_policy_templates_are_expanded(app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]]) -> None:
    _, _, resources = app
    role = resources["WorkerRole"]
    assert _policy(role, "WorkerRolePolicy2") == {
        "Statement": [
            {
                "Action": ["sqs:SendMessage*"],
                "Effect": "Allow",
                "Resource": {
                    "Fn::Sub": [
                        "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}",
                        {"queueName": {"Fn::GetAtt": ["Jobs", "QueueName"]}},
                    ]
                },
            }
        ]
    }
    crud = _policy(role, "WorkerRolePolicy3")["Statement"][0]
    assert crud["Action"] == [
        "dynamodb:GetItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:Scan",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:BatchGetItem",
        "dynamodb:DescribeTable",
        "dynamodb:ConditionCheckItem",
    ]
    assert crud["Resource"][0] == {
        "Fn::Sub": [
            "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}",
            {"tableName": {"Ref": "Orders"}},
        ]
    }


def test_event_sources(app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]]) -> None:
    _, _, resources = app
    worker_arn = {"Fn::GetAtt": ["Worker", "Arn"]}
    assert resources["Uploads"].prop("NotificationConfiguration") == {
        "LambdaConfigurations": [{"Function": worker_arn, "Event": "s3:ObjectCreated:*"}]
    }
    assert resources["Uploads"].depends_on == ("WorkerUploadPermission",)
    assert resources["WorkerNotify"].properties == {
        "Endpoint": worker_arn,
        "Protocol": "lambda",
        "TopicArn": {"Ref": "Alerts"},
    }
    assert resources["WorkerWork"].properties == {
        "BatchSize": 5,
        "EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]},
        "FunctionName": {"Ref": "Worker"},
    }
    assert resources["WorkerTick"].properties == {
        "ScheduleExpression": "rate(5 minutes)",
        "Targets": [{"Arn": worker_arn, "Id": "WorkerTickLambdaTarget"}],
    }
    assert resources["ApiListPermission"].prop("Principal") == "apigateway.amazonaws.com"
    assert resources["ApiGetPermissionProd"].prop("Principal") == "apigateway.amazonaws.com"


def test_dead_letter_queue_and_event_invoke_config(
    app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]],
) -> None:
    _, _, resources = app
    failures = {"Fn::GetAtt": ["Failures", "Arn"]}
    assert resources["Worker"].prop("DeadLetterConfig") == {"TargetArn": failures}
    assert resources["WorkerEventInvokeConfig"].properties == {
        "DestinationConfig": {"OnFailure": {"Destination": failures}},
        "FunctionName": {"Ref": "Worker"},
        "MaximumRetryAttempts": 1,
        "Qualifier": "$LATEST",
    }
    assert _policy(resources["WorkerRole"], "DeadLetterQueuePolicy")["Statement"] == [
        {"Action": "sqs:SendMessage", "Resource": failures, "Effect": "Allow"}
    ]


# --- links back to the user's template ---------------------------------------------------------


def test_every_generated_resource_links_to_its_sam_resource(
    app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]],
) -> None:
    _, _, resources = app
    links = {k: (r.source_resource, r.line, r.column) for k, r in resources.items()}
    links = {re.sub(r"Deployment[0-9a-f]{10}$", "Deployment*", k): v for k, v in links.items()}
    worker, api, flow = ("Worker", 43, 3), ("Api", 90, 3), ("Flow", 107, 3)
    assert links == {
        "Uploads": (None, 11, 3),
        "Jobs": (None, 21, 3),
        "Failures": (None, 26, 3),
        "Alerts": (None, 29, 3),
        "Orders": (None, 32, 3),
        **dict.fromkeys(
            [
                "Worker",
                "WorkerWork",
                "WorkerNotifyPermission",
                "WorkerTick",
                "WorkerUploadPermission",
                "WorkerTickPermission",
                "WorkerNotify",
                "WorkerRole",
                "WorkerEventInvokeConfig",
            ],
            worker,
        ),
        **dict.fromkeys(
            [
                "Api",
                "ApiListPermission",
                "ServerlessHttpApi",
                "ServerlessRestApiProdStage",
                "ApiRole",
                "ServerlessRestApi",
                "ServerlessRestApiDeployment*",
                "ServerlessHttpApiApiGatewayDefaultStage",
                "ApiGetPermissionProd",
            ],
            api,
        ),
        "Flow": flow,
        "FlowRole": flow,
    }


def test_resources_come_in_source_order(app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]]) -> None:
    _, _, resources = app
    lines = [r.line for r in resources.values()]
    assert lines == sorted(lines)
    assert next(k for k in resources if k.startswith("Worker")) == "Worker"


def test_pass_through_resources_keep_their_marks(
    app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]],
) -> None:
    original, translated, resources = app
    written = original["Resources"]
    assert resources["Jobs"].properties is written["Jobs"]["Properties"]
    assert resources["Orders"].properties is written["Orders"]["Properties"]
    assert resources["Jobs"].prop_line("VisibilityTimeout") == 24
    # the translator added a notification to the bucket: the unchanged encryption keeps its marks
    uploads = resources["Uploads"]
    assert isinstance(uploads.properties, MarkedDict)
    assert uploads.properties["BucketEncryption"] is written["Uploads"]["Properties"]["BucketEncryption"]
    assert uploads.prop_line("BucketEncryption") == 16
    assert uploads.prop_line("NotificationConfiguration") == 16  # added: the Properties mapping's line
    assert uploads.metadata is written["Uploads"]["Metadata"]
    assert translated["Outputs"] is original["Outputs"]


def test_generated_resources_carry_the_sam_resource_metadata(
    app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]],
) -> None:
    original, _, resources = app
    worker_metadata = original["Resources"]["Worker"]["Metadata"]
    for resource in resources.values():
        if resource.source_resource == "Worker":
            assert resource.metadata is worker_metadata, resource.logical_id
        elif resource.source_resource in ("Api", "Flow"):
            assert resource.metadata == {}, resource.logical_id


def test_the_input_template_is_not_modified() -> None:
    original, _ = load_file(APP_TEMPLATE, "t.yaml")
    before = json.dumps(original, sort_keys=True)
    expand_sam(original, "t.yaml", APP)
    assert json.dumps(original, sort_keys=True) == before


def test_implicit_api_links_to_the_first_function_declaring_it() -> None:
    _, resources = _expand(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Quiet:
            Type: AWS::Serverless::Function
            Properties: {InlineCode: x, Handler: a.b, Runtime: python3.12}
          Own:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: x
              Handler: a.b
              Runtime: python3.12
              Events:
                Get: {Type: Api, Properties: {Path: /own, Method: get, RestApiId: !Ref MyApi}}
          First:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: x
              Handler: a.b
              Runtime: python3.12
              Events:
                Get: {Type: Api, Properties: {Path: /a, Method: get}}
          Second:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: x
              Handler: a.b
              Runtime: python3.12
              Events:
                Get: {Type: Api, Properties: {Path: /b, Method: get}}
          MyApi:
            Type: AWS::Serverless::Api
            Properties: {StageName: live}
        """
    )
    by_source = {k: (r.source_resource, r.line) for k, r in resources.items() if k.startswith("ServerlessRestApi")}
    assert set(by_source.values()) == {("First", 14)}
    assert len(by_source) == 3
    assert (resources["MyApiliveStage"].source_resource, resources["MyApiliveStage"].line) == ("MyApi", 30)


def test_connectors_link_to_their_resource_and_keep_the_translator_metadata() -> None:
    _, resources = _expand(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {InlineCode: x, Handler: a.b, Runtime: python3.12}
            Connectors:
              ToQueue:
                Properties: {Destination: {Id: FnQueue}, Permissions: [Write]}
          FnQueue:
            Type: AWS::SQS::Queue
          Reader:
            Type: AWS::Serverless::Connector
            Metadata: {team: data}
            Properties: {Source: {Id: Fn}, Destination: {Id: FnQueue}, Permissions: [Read]}
        """
    )
    links = {k: (r.source_resource, r.line) for k, r in resources.items()}
    assert links == {
        "Fn": ("Fn", 3),
        "FnRole": ("Fn", 3),
        "FnToQueuePolicy": ("Fn", 3),
        "FnQueue": (None, 9),
        "ReaderPolicy": ("Reader", 11),
    }
    assert resources["ReaderPolicy"].metadata == {
        "team": "data",
        "aws:sam:connectors": {
            "Reader": {"Source": {"Type": "AWS::Serverless::Function"}, "Destination": {"Type": "AWS::SQS::Queue"}}
        },
    }


# --- local paths -------------------------------------------------------------------------------


def test_local_code_uri_is_restored_as_an_absolute_path(
    app: tuple[dict[str, Any], dict[str, Any], dict[str, Resource]],
) -> None:
    _, _, resources = app
    assert resources["Worker"].local_paths == {"CodeUri": (APP / "src").resolve()}
    assert resources["Api"].local_paths == {"CodeUri": (APP / "src").resolve()}
    assert resources["Flow"].local_paths == {"DefinitionUri": (APP / "statemachine/flow.asl.json").resolve()}
    assert resources["Worker"].prop("Code") == {"S3Bucket": "wa-lint-local", "S3Key": "0"}
    assert all(not r.local_paths for k, r in resources.items() if k not in ("Worker", "Api", "Flow"))


def test_every_kind_of_local_path(tmp_path: Path) -> None:
    _, resources = _expand(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            CodeUri: ../shared/code
        Resources:
          Inherits:
            Type: AWS::Serverless::Function
            Properties: {Handler: a.b, Runtime: python3.12}
          Remote:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: s3://bucket/key.zip, Handler: a.b, Runtime: python3.12}
          Image:
            Type: AWS::Serverless::Function
            Metadata: {DockerContext: ./image, Dockerfile: Dockerfile}
            Properties: {PackageType: Image}
          Rest:
            Type: AWS::Serverless::Api
            Properties: {StageName: live, DefinitionUri: api/openapi.yaml}
          Http:
            Type: AWS::Serverless::HttpApi
            Properties: {DefinitionUri: http.yaml}
          Layer:
            Type: AWS::Serverless::LayerVersion
            Properties: {ContentUri: layer/}
          Child:
            Type: AWS::Serverless::Application
            Properties: {Location: nested/child.yaml}
        """,
        base_dir=tmp_path,
    )
    local = {k: r.local_paths for k, r in resources.items() if r.local_paths}
    layer_id = next(k for k, r in resources.items() if r.type == "AWS::Lambda::LayerVersion")
    assert local == {
        "Inherits": {"CodeUri": (tmp_path / "../shared/code").resolve()},
        "Image": {"DockerContext": (tmp_path / "image").resolve()},
        "Rest": {"DefinitionUri": (tmp_path / "api/openapi.yaml").resolve()},
        "Http": {"DefinitionUri": (tmp_path / "http.yaml").resolve()},
        layer_id: {"ContentUri": (tmp_path / "layer").resolve()},
        "Child": {"Location": (tmp_path / "nested/child.yaml").resolve()},
    }
    assert resources["Remote"].prop("Code") == {"S3Bucket": "bucket", "S3Key": "key.zip"}
    assert resources["Image"].prop("Code", "ImageUri").endswith("/wa-lint-local:1")
    assert resources["Child"].prop("TemplateURL") == "s3://wa-lint-local/5"
    assert resources["Rest"].prop("BodyS3Location") == {"Bucket": "wa-lint-local", "Key": "2"}


# --- what a template may lack, and what the translator cannot resolve --------------------------


def test_minimal_template_and_unresolvable_intrinsics_stay() -> None:
    _, resources = _expand(
        """\
        Transform: [AWS::Serverless-2016-10-31]
        Parameters:
          Seconds: {Type: Number}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: x
              Handler: !Weird a.b
              Runtime: python3.12
              Timeout: !Ref Seconds
              Environment: {Variables: {QUEUE: !ImportValue shared-queue}}
        """
    )
    fn = resources["Fn"]
    assert fn.prop("Timeout") == {"Ref": "Seconds"}
    assert fn.prop("Environment") == {"Variables": {"QUEUE": {"Fn::ImportValue": "shared-queue"}}}
    assert repr(fn.prop("Handler")) == "<unknown: unknown tag !Weird>"
    assert fn.prop_line("Timeout") == 5


def test_serverless_application_from_the_repository_stays_offline() -> None:
    _, resources = _expand(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          App:
            Type: AWS::Serverless::Application
            Properties:
              Location:
                ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/my-app
                SemanticVersion: 1.2.3
        """
    )
    assert resources["App"].type == "AWS::CloudFormation::Stack"
    assert resources["App"].prop("TemplateURL") == (
        "https://wa-lint-local.s3.amazonaws.com/serverlessrepo/my-app/1.2.3"
    )


# --- rejections --------------------------------------------------------------------------------


def test_rejection_names_the_sam_resource_line_in_one_line() -> None:
    error = _rejection(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Queue:
            Type: AWS::SQS::Queue
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              InlineCode: x
              Handler: a.b
              Runtime: python3.12
              Events:
                Work:
                  Type: SQS
                  Properties: {}
          NoCode:
            Type: AWS::Serverless::Function
            Properties: {Handler: a.b, Runtime: python3.12, Events: {E: {Type: SQS, Properties: {}}}}
        """
    )
    assert (error.path, error.line) == ("t.yaml", 5)
    assert error.message == (
        "Resource with id [FnWork] is invalid. Missing required property 'Queue'.; "
        "Resource with id [NoCodeE] is invalid. Missing required property 'Queue'."
    )
    assert "\n" not in str(error)


def test_rejection_of_the_whole_template_has_no_line() -> None:
    error = _rejection("Transform: AWS::Serverless-2016-10-31\nResources: {}\n")
    assert (error.line, error.message) == (
        None,
        "Structure of the SAM template is invalid. 'Resources' section is required",
    )


def test_rejected_globals_point_at_globals() -> None:
    error = _rejection(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Color: blue
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {InlineCode: x, Handler: a.b, Runtime: python3.12}
        """
    )
    assert error.line == 2
    assert error.message.startswith("'Globals' section is invalid. 'Color' is not a supported property of 'Function'.")


def test_unexpected_translator_failure_becomes_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_template: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        raise KeyError("Properties")

    monkeypatch.setattr(sam_translate, "translate", broken)
    error = _rejection("Transform: AWS::Serverless-2016-10-31\nResources: {Q: {Type: AWS::SQS::Queue}}\n")
    assert (error.line, error.message) == (None, "SAM translation failed: KeyError: 'Properties'")


# --- the fast path equals the translator's own transform() -------------------------------------

EQUIVALENCE_SAMPLES = [
    "sessions-with-aws-sam/http-api/template.yaml",
    "sessions-with-aws-sam/eventbridge-dlq-retry/template.yaml",
    "sessions-with-aws-sam/step-functions/template.yaml",
    "sessions-with-aws-sam/lambda-layers/layers-repo/template.yaml",
    "sessions-with-aws-sam/custom-domains/rest/template.yaml",
    "sessions-with-aws-sam/cognito/template.yaml",
]


def _plain_transform(template: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform

    class NoIam(ManagedPolicyLoader):  # type: ignore[misc]  # samtranslator ships no type information
        def __init__(self) -> None:
            pass

        def load(self) -> dict[str, str]:
            raise AssertionError("IAM call")

    output: dict[str, Any] = transform(template, dict(sam_translate.PSEUDO_PARAMETERS), NoIam())
    return output


@pytest.mark.parametrize("relative", [*EQUIVALENCE_SAMPLES, "fixture"])
def test_fast_path_output_equals_plain_transform(relative: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = APP_TEMPLATE if relative == "fixture" else require_corpus(relative)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # what plain transform() reads through boto
    original, _ = load_file(path, str(path))
    work = plain_copy(original)
    sam_local.swap_local_paths(work, path.parent)
    fast = plain_copy(sam_translate.translate(copy.deepcopy(work), passthrough_metadata=False))
    assert json.dumps(fast) == json.dumps(_plain_transform(copy.deepcopy(work)))


# --- the corpus --------------------------------------------------------------------------------


def _corpus_sam_templates() -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json", ".template") or not path.is_file():
            continue
        try:
            data, _ = load_file(path, str(path))
        except InputError:
            continue
        if isinstance(data, dict) and is_sam(data):
            found.append((path, data))
    return found


def _check_links(original: dict[str, Any], resources: dict[str, Resource]) -> None:
    written = original["Resources"]
    for logical_id, resource in resources.items():
        if resource.source_resource is None:
            assert logical_id in written
            assert not str(written[logical_id]["Type"]).startswith("AWS::Serverless::")
        else:
            assert str(written[resource.source_resource]["Type"]).startswith("AWS::Serverless::"), logical_id
        assert resource.line > 0, logical_id


@pytest.mark.corpus
def test_every_corpus_sam_template_translates_or_is_rejected_cleanly() -> None:
    require_corpus()
    templates = _corpus_sam_templates()
    assert templates, "the corpus holds no SAM template"
    rejected: Counter[str] = Counter()
    for path, data in templates:
        try:
            _, resources = expand_sam(data, str(path), path.parent)
        except InputError as error:  # one accepted outcome per corpus file, so no pytest.raises
            assert error.message  # noqa: PT017
            assert "\n" not in error.message  # noqa: PT017
            rejected[re.sub(r"\[\w+\]", "[…]", error.message.split("; ")[0])] += 1
            continue
        _check_links(data, resources)
    print(f"\n{len(templates)} SAM templates, {sum(rejected.values())} rejected: {dict(rejected)}")
    assert len(templates) > 300
    assert sum(rejected.values()) <= 10, rejected


def test_fast_path_skips_the_template_independent_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """What made plain transform() slow is done once per process: no policy-templates validation and
    no boto session per template (timings vary too much on shared machines to assert on them)."""
    import boto3
    from samtranslator.policy_template_processor.processor import PolicyTemplatesProcessor

    sam_translate.translate({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})  # warm the caches
    validations: list[object] = []
    real_validate = PolicyTemplatesProcessor._is_valid_templates_dict

    def counting_validate(*args: Any) -> bool:
        validations.append(args)
        return bool(real_validate(*args))

    def no_session(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("boto session created")

    monkeypatch.setattr(PolicyTemplatesProcessor, "_is_valid_templates_dict", staticmethod(counting_validate))
    monkeypatch.setattr(boto3.session.Session, "__init__", no_session)
    original, _ = load_file(APP_TEMPLATE, "t.yaml")
    for _ in range(3):
        expand_sam(original, "t.yaml", APP)
    assert validations == []
