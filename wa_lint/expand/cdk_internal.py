"""Which CDK-synthesized resources are framework singletons the user cannot change.

CDK adds provider functions (with their roles and default policies) for log retention, bucket
notifications, auto-delete, ``AwsCustomResource``… Their code, runtime and permissions are fixed by
the CDK version, so a finding on them is not actionable: the expander marks them ``internal``.
They are recognised by the construct id CDK gives them (a fixed name, often with a GUID), which
appears as one component of the construct path and as the start of the logical id.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Singleton(NamedTuple):
    """One CDK-managed construct: its construct-path component and logical-id pattern."""

    what: str
    component: re.Pattern[str]  # fullmatch against one component of the construct path
    logical_id: re.Pattern[str]  # search in the logical id when no construct path is known


def _entry(what: str, component: str, logical_id: str) -> Singleton:
    return Singleton(what, re.compile(component), re.compile(logical_id))


_CORE_PROVIDERS = (
    "S3AutoDeleteObjects|ECRAutoDeleteImages|VpcRestrictDefaultSG"
    "|CrossRegionExportReader|CrossRegionExportWriter|DeleteExistingRecordSet"
)

SINGLETONS: tuple[Singleton, ...] = (
    _entry("s3-deployment.BucketDeployment handler",
           # the uuid gets a suffix such as ``512MiB`` when memoryLimit/ephemeralStorageSize/vpc are set
           r"Custom::CDKBucketDeployment[0-9A-Fa-f]{32}\w*", r"^CustomCDKBucketDeployment[0-9A-Fa-f]{32}"),
    _entry("s3-deployment.BucketDeployment awscli layer", r"AwsCliLayer", r"AwsCliLayer[0-9A-F]{8}$"),
    _entry("lambda logRetention provider",
           r"LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a", r"^LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"),
    _entry("s3 bucket notifications handler",
           r"BucketNotificationsHandler050a0587b7544547bf325f094a3db834",
           r"^BucketNotificationsHandler050a0587b7544547bf325f094a3db834"),
    _entry("custom_resources.AwsCustomResource singleton",
           r"AWS679f53fac002430cb0da5b7982bd2287", r"^AWS679f53fac002430cb0da5b7982bd2287"),
    _entry("core CustomResourceProvider (autoDelete, restrictDefaultSG, cross-region exports…)",
           rf"Custom::({_CORE_PROVIDERS})CustomResourceProvider",
           rf"^Custom({_CORE_PROVIDERS})CustomResourceProvider"),
    _entry("CfnUtils provider", r"AWSCDKCfnUtilsProviderCustomResourceProvider",
           r"^AWSCDKCfnUtilsProviderCustomResourceProvider"),
    _entry("custom_resources.Provider framework functions",
           r"framework-(onEvent|isComplete|onTimeout)", r"framework(onEvent|isComplete|onTimeout)"),
)


def internal_singleton(construct_path: str | None, logical_id: str) -> Singleton | None:
    """The singleton a resource belongs to (the construct itself or a child such as its role)."""
    if construct_path:
        components = construct_path.split("/")
        return next((s for s in SINGLETONS if any(s.component.fullmatch(c) for c in components)), None)
    return next((s for s in SINGLETONS if s.logical_id.search(logical_id)), None)
