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

    def __init__(self, *_args: Any, region_name: str | None = None, **_kwargs: Any) -> None:
        self.region_name = region_name or REGION

    def get_available_regions(self, *_args: Any, **_kwargs: Any) -> list[str]:
        return [self.region_name]

    def client(self, *_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("wa-lint translates SAM offline: no AWS client is available")


def _no_client(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("wa-lint translates SAM offline: no AWS client is available")


class ClientError(Exception):
    """Stand-in for ``botocore.exceptions.ClientError`` (only ever caught, never raised)."""


class EndpointConnectionError(Exception):
    """Stand-in for ``botocore.exceptions.EndpointConnectionError``."""


class BaseClient:
    """Stand-in for ``botocore.client.BaseClient`` (used in type hints)."""


class Config:
    """Stand-in for ``botocore.config.Config``."""

    def __init__(self, *_args: Any, **kwargs: Any) -> None:
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


class _Deferred:
    """A name the translator imports from a module it rarely needs, resolved on first real use.

    While the translator is imported (:func:`deferred_imports`), the deferred modules and every
    attribute taken from them are placeholders: the translator only puts them in annotations, a
    ``TypeVar`` bound and ``except`` clauses at import time. Afterwards, any real use (an attribute,
    a call, ``isinstance``) imports the real module and acts on the real object, so a template that
    needs it (a GraphQL API's pydantic models, say) gets the translator's unchanged behaviour."""

    __slots__ = ("_path",)

    def __init__(self, path: tuple[str, ...]) -> None:
        object.__setattr__(self, "_path", path)

    def _resolve(self) -> Any:
        import importlib

        module, *names = self._path
        value: Any = importlib.import_module(module)
        for n, name in enumerate(names):
            try:
                value = getattr(value, name)
            except AttributeError:  # a submodule its package does not import itself
                value = importlib.import_module(".".join([module, *names[:n + 1]]))
        return value

    def __getattr__(self, name: str) -> Any:
        if not _DEFERRING:
            return getattr(self._resolve(), name)
        if name.startswith("__"):  # typing asks for __parameters__ and the like: a placeholder has none
            raise AttributeError(name)
        return _Deferred((*self._path, name))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)

    def __getitem__(self, item: Any) -> Any:
        return self if _DEFERRING else self._resolve()[item]

    def __or__(self, other: Any) -> Any:
        return self if _DEFERRING else self._resolve() | other

    def __ror__(self, other: Any) -> Any:
        return self if _DEFERRING else other | self._resolve()

    def __instancecheck__(self, instance: Any) -> bool:
        return isinstance(instance, self._resolve())

    def __repr__(self) -> str:
        return f"<deferred {'.'.join(self._path)}>"


class _DeferredModule(ModuleType):
    """``sys.modules`` entry for a deferred module: ``from it import X`` gives a placeholder."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Deferred((self.__name__, name))


_DEFERRING = False


@contextmanager
def deferred_imports(modules: tuple[str, ...]) -> Iterator[None]:
    """Within the block, importing one of ``modules`` (not loaded yet) costs nothing: see
    :class:`_Deferred`. The placeholders leave ``sys.modules`` afterwards, so later imports get the
    real modules."""
    global _DEFERRING
    stand_ins = {name: _DeferredModule(name) for name in modules if name not in sys.modules}
    sys.modules.update(stand_ins)
    _DEFERRING = True
    try:
        yield
    finally:
        _DEFERRING = False
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
