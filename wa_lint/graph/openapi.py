"""The one OpenAPI walker: the operations of an API's ``Body`` (OpenAPI 3 or Swagger 2).

SAM writes ``Api`` / ``HttpApi`` events and ``Auth`` into the API's ``Body``, users write
``DefinitionBody`` / ``Body`` (included files are already inlined by the expand stage). The SAM
translator wraps conditional paths and operations in ``Fn::If``, so every level may be one: each
alternative is walked with the condition that selects it (``A&!B``), and alternatives needing a
condition and its negation are dropped. Anything that is not a readable mapping (``Fn::Transform``
left over, an import, a list) is skipped: the caller's answer for it is "unknown", never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wa_lint.values import both, branches, impossible, intrinsic

#: OpenAPI method keys (lower case, as the specification writes them) → the method's name.
METHODS = {
    "get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS", "head": "HEAD",
    "patch": "PATCH", "trace": "TRACE", "x-amazon-apigateway-any-method": "ANY",
}  # fmt: skip
INTEGRATION = "x-amazon-apigateway-integration"
AUTHORIZER = "x-amazon-apigateway-authorizer"


@dataclass(frozen=True, slots=True)
class BodyOperation:
    """One operation of a body: ``method`` is upper case (``ANY`` for the any-method key)."""

    condition: str | None
    path: str
    method: str
    operation: dict[str, Any]
    document: dict[str, Any]

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def integration(self) -> dict[str, Any] | None:
        """The ``x-amazon-apigateway-integration`` object, when it is a readable mapping."""
        found = self.operation.get(INTEGRATION)
        return found if isinstance(found, dict) and intrinsic(found) is None else None

    def get(self, key: str) -> Any:
        """An operation setting, else the document's root-level one (``security``, validators)."""
        return self.operation.get(key, self.document.get(key))


def alternatives(value: Any, condition: str | None) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """The plain mappings a value may be under ``Fn::If``, each with the condition selecting it."""
    if value is None:
        return
    for cond, alt in branches(value):
        combined = both(condition, cond)
        if isinstance(alt, dict) and intrinsic(alt) is None and not impossible(combined):
            yield combined, alt


def documents(body: Any, condition: str | None = None) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """Each readable alternative of a ``Body``."""
    return alternatives(body, condition)


def body_operations(body: Any, condition: str | None = None) -> Iterator[BodyOperation]:
    """Every operation of a ``Body``, in document order."""
    for cond, doc in documents(body, condition):
        for cond2, paths in alternatives(doc.get("paths"), cond):
            for path, item in paths.items():
                for cond3, path_item in alternatives(item, cond2):
                    for key in path_item:
                        method = METHODS.get(key) if isinstance(key, str) else None
                        if method is None:
                            continue
                        for cond4, op in alternatives(path_item[key], cond3):
                            yield BodyOperation(cond4, str(path), method, op, doc)


def security_schemes(document: dict[str, Any]) -> dict[str, Any]:
    """The security schemes a document declares (OpenAPI 3 ``components.securitySchemes``, else
    Swagger's ``securityDefinitions``)."""
    components = document.get("components")
    if isinstance(components, dict) and isinstance(components.get("securitySchemes"), dict):
        return dict(components["securitySchemes"])
    schemes = document.get("securityDefinitions")
    return dict(schemes) if isinstance(schemes, dict) else {}


def authorizers(body: Any, condition: str | None = None) -> Iterator[tuple[str | None, str, dict[str, Any]]]:
    """``(condition, scheme name, x-amazon-apigateway-authorizer)`` of every scheme of a ``Body``."""
    for cond, doc in documents(body, condition):
        for name, scheme in security_schemes(doc).items():
            for cond2, alt in alternatives(scheme, cond):
                found = alt.get(AUTHORIZER)
                if isinstance(found, dict) and intrinsic(found) is None:
                    yield cond2, str(name), found
