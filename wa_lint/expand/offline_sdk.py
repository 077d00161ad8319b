"""Stand-ins for boto3 and botocore while the SAM translator is imported.

The translator imports boto3 at module level (≈0.2 s of a cold start) only to create sessions and
clients that an offline translation never uses: we pass the region explicitly and answer the
Serverless Application Repository ourselves. While it is imported, small stand-ins take the SDK's
place in ``sys.modules``; afterwards they are removed, so any later ``import boto3`` in the
process gets the real SDK. When the SDK is already loaded, nothing is replaced.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

REGION = "us-east-1"


class _Session:
    """What the translator asks of a session: its region, and the regions of a service."""

    def __init__(self, *args: Any, region_name: str | None = None, **kwargs: Any) -> None:
        self.region_name = region_name or REGION

    def get_available_regions(self, *args: Any, **kwargs: Any) -> list[str]:
        return [self.region_name]

    def client(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("wa-lint translates SAM offline: no AWS client is available")


def _no_client(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("wa-lint translates SAM offline: no AWS client is available")


class ClientError(Exception):
    """Stand-in for ``botocore.exceptions.ClientError`` (only ever caught, never raised)."""


class EndpointConnectionError(Exception):
    """Stand-in for ``botocore.exceptions.EndpointConnectionError``."""


class BaseClient:
    """Stand-in for ``botocore.client.BaseClient`` (used in type hints)."""


class Config:
    """Stand-in for ``botocore.config.Config``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.options = kwargs


def _module(name: str, **attrs: Any) -> ModuleType:
    module = ModuleType(name)
    module.__dict__.update(attrs)
    return module


def _stand_ins() -> dict[str, ModuleType]:
    session = _module("boto3.session", Session=_Session)
    boto3 = _module("boto3", Session=_Session, session=session, DEFAULT_SESSION=None, client=_no_client)
    client = _module("botocore.client", BaseClient=BaseClient)
    config = _module("botocore.config", Config=Config)
    exceptions = _module("botocore.exceptions", ClientError=ClientError,
                         EndpointConnectionError=EndpointConnectionError)
    botocore = _module("botocore", client=client, config=config, exceptions=exceptions)
    return {"boto3": boto3, "boto3.session": session, "botocore": botocore, "botocore.client": client,
            "botocore.config": config, "botocore.exceptions": exceptions}


@contextmanager
def aws_sdk_stand_ins() -> Iterator[None]:
    """Within the block, ``import boto3``/``botocore`` give the stand-ins (unless already loaded)."""
    if "boto3" in sys.modules or "botocore" in sys.modules:
        yield
        return
    stand_ins = _stand_ins()
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
