"""The SAM translator, called directly, offline, with its template-independent work done once.

This is the only module that imports :mod:`samtranslator`; :mod:`wa_lint.expand.sam` imports it
lazily so that plain CloudFormation runs never pay the translator's import (~0.6 s).

A plain ``samtranslator.translator.transform.transform()`` call spends most of its time on work
that does not depend on the template: it re-validates the bundled policy-templates file against
its JSON schema on every call and looks the region up through a boto session. Here the
policy-templates plugin and the resource-type map are built once per process, the region comes
from a stand-in session, the pseudo-parameters are passed explicitly, and nothing ever reaches the
network: managed-policy names resolve from the map the translator ships, and Serverless
Application Repository look-ups get a placeholder template URL. The output equals
``transform()``'s for the same parameter values (``tests/test_sam.py`` checks it on corpus
templates). ``pyproject.toml`` pins the translator to the range this was tested on.

Not thread-safe (the translator keeps process-wide state of its own); run translations in
processes, as ``--jobs`` does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from wa_lint.expand.offline_sdk import aws_sdk_stand_ins, deferred_imports

#: Imported by the translator's modules but needed only by some templates (or, for jsonschema, only to
#: check the translator's own bundled policy templates, which :func:`_policy_templates_plugin` trusts):
#: pydantic and the schema models (GraphQL APIs, capacity providers, network connectors, microVM
#: images) are ≈0.2 s and jsonschema ≈0.1 s of a cold start; they load when a template uses them.
DEFERRED = (
    "jsonschema", "jsonschema.exceptions", "samtranslator.compat",
    "samtranslator.internal.schema_source", "samtranslator.internal.schema_source.common",
    "samtranslator.internal.schema_source.aws_serverless_function",
    "samtranslator.internal.schema_source.aws_serverless_graphqlapi",
    "samtranslator.internal.schema_source.aws_serverless_capacity_provider",
    "samtranslator.internal.schema_source.aws_serverless_microvmimage",
    "samtranslator.internal.schema_source.aws_serverless_networkconnector",
)

# the translator imports boto3 but never needs it offline
with aws_sdk_stand_ins(), deferred_imports(DEFERRED):
    import samtranslator.translator.translator as _translator_module
    from samtranslator.feature_toggle.feature_toggle import FeatureToggle, FeatureToggleDefaultConfigProvider
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.model import ResourceTypeResolver
    from samtranslator.parser.parser import Parser
    from samtranslator.plugins.application.serverless_app_plugin import ServerlessAppPlugin
    from samtranslator.plugins.policies.policy_templates_plugin import PolicyTemplatesForResourcePlugin
    from samtranslator.policy_template_processor.processor import PolicyTemplatesProcessor
    from samtranslator.policy_template_processor.template import Template
    from samtranslator.translator.translator import Translator
    from samtranslator.utils.py27hash_fix import to_py27_compatible_template

__all__ = ["PSEUDO_PARAMETERS", "REGION", "translate"]

REGION = "us-east-1"
PSEUDO_PARAMETERS: dict[str, str] = {
    "AWS::Region": REGION,
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
"""What a template's pseudo-parameters resolve to where the translator resolves them (it does so only
in a few properties: ``CodeUri``, ``AutoPublishAlias``, ``EventInvokeConfig``, API ``Auth``/``Domain``…)."""

_SAR_TEMPLATE_URL = "https://wa-lint-local.s3.amazonaws.com/serverlessrepo/{app}/{version}"


class _RegionOnlySession:
    """Stands in for ``boto3.Session``: the translator reads only ``region_name`` from it, and creating a
    real session (≈25 % of a plain ``transform()`` call) would also consult the user's AWS config."""

    region_name = REGION


class _FeaturesOff(FeatureToggle):  # type: ignore[misc]  # samtranslator ships no type information
    """The default feature toggle answers False to everything but logs a warning for each question."""

    def __init__(self) -> None:
        super().__init__(FeatureToggleDefaultConfigProvider(), stage=None, account_id=None, region=None)

    def is_enabled(self, feature_name: str) -> bool:  # noqa: ARG002  # FeatureToggle's signature
        return False


class _OfflineServerlessRepo:
    """Answers the Serverless Application Repository calls the translator makes for
    ``AWS::Serverless::Application`` with an ``ApplicationId``, without a network call: the nested
    stack gets a placeholder template URL naming the application and version."""

    def create_cloud_formation_template(self, ApplicationId: str, SemanticVersion: str) -> dict[str, str]:
        name = str(ApplicationId).rsplit("/", 1)[-1]
        return {
            "ApplicationId": ApplicationId,
            "TemplateId": "wa-lint",
            "Status": "ACTIVE",
            "TemplateUrl": _SAR_TEMPLATE_URL.format(app=name, version=SemanticVersion),
        }

    # the translator calls the boto3 method's signature, by keyword
    def get_application(self, ApplicationId: str, SemanticVersion: str) -> dict[str, str]:  # noqa: ARG002
        return {"ApplicationId": ApplicationId}


@functools.cache
def _policy_templates_plugin() -> PolicyTemplatesForResourcePlugin:
    """The policy-templates plugin over the translator's bundled templates, read once per process.

    The plugin and its processor hold no per-template state, so one instance serves every call.
    The processor is filled as its constructor fills it, without the JSON-schema check of the bundled
    file (the translator's own data, checked by its own tests): that check alone imports jsonschema.
    """
    templates = PolicyTemplatesProcessor.get_default_policy_templates_json()
    processor = PolicyTemplatesProcessor.__new__(PolicyTemplatesProcessor)
    processor.policy_templates = {name: Template.from_dict(name, value)
                                  for name, value in templates["Templates"].items()}
    return PolicyTemplatesForResourcePlugin(processor)


@functools.cache
def _bundled_managed_policies() -> dict[str, str]:
    """Managed-policy name → ARN for the ``aws`` partition, from the map the translator ships.

    The translator consults this map itself first; returning it from the fallback callback as well
    guarantees no IAM ``ListPolicies`` call is ever attempted.
    """
    try:
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
    except ImportError:  # moved in a later translator: the translator's own look-up still applies
        return {}
    return get_bundled_managed_policy_map(PSEUDO_PARAMETERS["AWS::Partition"]) or {}


@functools.cache
def _resource_type_resolver(*modules: Any) -> ResourceTypeResolver:
    """The SAM type → macro class map, built once: building it scans the ``sam_resources`` module."""
    return ResourceTypeResolver(*modules)


_ONCE_PER_PROCESS: dict[str, Callable[..., Any]] = {
    "make_policy_template_for_function_plugin": _policy_templates_plugin,
    "ResourceTypeResolver": _resource_type_resolver,
}


@contextmanager
def _template_independent_work_cached() -> Iterator[None]:
    """Let ``Translator.translate`` reuse what does not depend on the template.

    ``translate()`` builds its policy-templates plugin through the module-level factory
    ``make_policy_template_for_function_plugin`` (which re-reads and re-validates the bundled
    templates file) and its resource-type map through ``ResourceTypeResolver`` (which scans a module
    with ``inspect``) on every call; no public parameter avoids either, so those two names are
    swapped for cached equivalents for the duration of the call only: other users of the translator
    in this process see it unchanged. A name a future translator no longer has is left alone, and
    translation is merely slower.
    """
    originals = {
        name: getattr(_translator_module, name) for name in _ONCE_PER_PROCESS if hasattr(_translator_module, name)
    }
    for name in originals:
        setattr(_translator_module, name, _ONCE_PER_PROCESS[name])
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(_translator_module, name, original)


def _parameter_values(template: dict[str, Any]) -> dict[str, Any]:
    """Pseudo-parameters plus the template's parameter defaults, as the translator would compute them.

    The translator merges the defaults itself; the Serverless-application plugin is built here,
    before that, and needs them to resolve ``!Ref`` in an ``ApplicationId``.
    """
    values: dict[str, Any] = dict(PSEUDO_PARAMETERS)
    parameters = template.get("Parameters")
    if isinstance(parameters, dict):
        for name, definition in parameters.items():
            if name not in values and isinstance(definition, dict) and "Default" in definition:
                values[name] = definition["Default"]
    return values


def translate(template: dict[str, Any], *, passthrough_metadata: bool = True) -> dict[str, Any]:
    """Translate a SAM template (plain dicts; it is modified in place) to CloudFormation.

    Raises the translator's own exceptions (``InvalidDocumentException`` for a rejected template).
    The result may contain the translator's ``str``/``dict`` subclasses; callers normalise it.
    ``passthrough_metadata`` copies each SAM resource's ``Metadata`` onto the resources it generates.
    """
    parameter_values = dict(PSEUDO_PARAMETERS)
    to_py27_compatible_template(template, parameter_values)
    sar_plugin = ServerlessAppPlugin(sar_client=_OfflineServerlessRepo(), parameters=_parameter_values(template))
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    session: Any = _RegionOnlySession()
    translator = Translator(None, Parser(), plugins=[sar_plugin], boto_session=session, metrics=metrics)
    try:
        with _template_independent_work_cached():
            translated: dict[str, Any] = translator.translate(
                template,
                parameter_values=parameter_values,
                feature_toggle=_FeaturesOff(),
                passthrough_metadata=passthrough_metadata,
                get_managed_policy_map=_bundled_managed_policies,
            )
            return translated
    finally:
        metrics.publish()  # to the dummy publisher: empties the cache, which otherwise warns on deletion
