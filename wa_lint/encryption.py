"""Encryption at rest, as data: what each store's properties mean for its encryption.

The knowledge (property paths, service defaults, which values turn encryption off, the AWS
managed key alias) lives in ``wa_lint/data/encryption.json`` and is documented in
``docs/encryption.md``; this module only evaluates it against a resource. Keeping the defaults
in a table is what lets WA210 stay silent where the service encrypts anyway (S3, DynamoDB, SQS)
and WA211 say which key class a store uses.

An assessment is ``plaintext``, ``encrypted`` (with a key class: ``aws-owned``, ``aws-managed``,
``customer``, or None when the key cannot be classified) or ``unknown`` (an intrinsic the
template does not determine, or a store restored from a snapshot): rules stay silent on unknown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, cast

from wa_lint.graph.builders.invoke_common import text
from wa_lint.graph.model import Graph
from wa_lint.model import Resource, Unknown
from wa_lint.values import branches, intrinsic, referenced_resources

Status = Literal["plaintext", "encrypted", "unknown"]
KEY_CLASSES = ("aws-owned", "aws-managed", "customer")
AWS_ALIAS = re.compile(r"(?:^|:)alias/aws/", re.IGNORECASE)
CUSTOMER_KEY_TYPES = frozenset({"AWS::KMS::Key", "AWS::KMS::ReplicaKey", "AWS::KMS::Alias"})


class _Missing:
    """The property is not set (or is ``AWS::NoValue``)."""


MISSING: Any = _Missing()
UNKNOWN: Any = Unknown("not determined by the template")


@dataclass(frozen=True, slots=True)
class Store:
    """One row of the encryption table (see ``docs/encryption.md`` for each field)."""

    type: str
    label: str
    contents: str
    absent: str
    key_path: tuple[str, ...] = ()
    key_alone: bool = True
    switch_path: tuple[str, ...] = ()
    switch_values: dict[str, str] = field(default_factory=dict)
    managed_alias: str | None = None
    applies_if: tuple[dict[str, Any], ...] = ()
    absent_if: tuple[dict[str, Any], ...] = ()
    always_if: tuple[dict[str, Any], ...] = ()
    inherits_if_present: tuple[str, ...] = ()
    reason_absent: str = ""
    reason_off: str = ""
    fix_absent: str = ""
    fix_off: str = ""
    fix_cmk: str | None = None
    model: str | None = None
    prefix: str | None = None

    @property
    def title(self) -> str:
        """The label at the start of a sentence."""
        return self.label[:1].upper() + self.label[1:]


@dataclass(frozen=True, slots=True)
class Assessment:
    """What a store's template says about its encryption at rest."""

    store: Store
    status: Status
    key_class: str | None = None
    reason: str = ""
    fix: str = ""
    path: tuple[str, ...] = ()  # the property the verdict rests on (for the finding's line)
    explicit_key: str | None = None  # the AWS managed alias named in the template, if any


def _path(text: str | None) -> tuple[str, ...]:
    return tuple(text.split("/")) if text else ()


@lru_cache(maxsize=1)
def table() -> dict[str, Store]:
    """The encryption table, keyed by resource type (loaded once per process)."""
    raw = json.loads(resources.files("wa_lint.data").joinpath("encryption.json").read_text(encoding="utf-8"))
    stores: dict[str, Store] = {}
    for rtype, row in raw["stores"].items():
        key = row.get("key") or {}
        switch = row.get("switch") or {}
        stores[rtype] = Store(
            type=rtype,
            label=row["label"],
            contents=row["contents"],
            absent=row["absent"],
            key_path=_path(key.get("path")),
            key_alone=bool(key.get("alone", True)),
            switch_path=_path(switch.get("path")),
            switch_values=dict(switch.get("values") or {}),
            managed_alias=row.get("managed_alias"),
            applies_if=tuple(row.get("applies_if") or ()),
            absent_if=tuple(row.get("absent_if") or ()),
            always_if=tuple(row.get("always_if") or ()),
            inherits_if_present=tuple(row.get("inherits_if_present") or ()),
            reason_absent=row.get("reason_absent", ""),
            reason_off=row.get("reason_off", ""),
            fix_absent=row.get("fix_absent", ""),
            fix_off=row.get("fix_off", ""),
            fix_cmk=row.get("fix_cmk"),
            model=row.get("model"),
            prefix=row.get("prefix"),
        )
    return stores


def store_types() -> list[str]:
    return list(table())


# -- reading values --------------------------------------------------------------------------
def lookup(value: Any, path: tuple[str, ...]) -> Any:
    """The raw value at ``path`` (numeric segments index lists), ``MISSING`` when absent or
    ``AWS::NoValue``, ``UNKNOWN`` when an intrinsic on the way hides the structure."""
    for segment in path:
        fn = intrinsic(value)
        if fn is not None:
            if fn == ("Ref", "AWS::NoValue"):
                return MISSING
            return UNKNOWN
        if isinstance(value, dict):
            if segment not in value:
                return MISSING
            value = value[segment]
        elif isinstance(value, list) and segment.isdigit():
            if int(segment) >= len(value):
                return MISSING
            value = value[int(segment)]
        else:
            return MISSING if value is None else UNKNOWN
    if value is None or intrinsic(value) == ("Ref", "AWS::NoValue"):
        return MISSING
    return value


def presence(value: Any) -> bool | None:
    """Whether a raw value is set: True, False, or None when ``Fn::If`` sets it on one branch only."""
    if value is MISSING:
        return False
    if value is UNKNOWN:
        return None
    seen = {alt is not None for _cond, alt in branches(value)}
    return seen.pop() if len(seen) == 1 else None


def normalized(graph: Graph, value: Any) -> str | Unknown | None:
    """A scalar as lower-case text (booleans as ``true``/``false``), None when absent."""
    if value is MISSING:
        return None
    if value is UNKNOWN:
        return cast(Unknown, UNKNOWN)  # the sentinel is typed Any so that it can stand for any value
    known = graph.resolver.scalar(value)
    if isinstance(known, Unknown):
        return known
    if known is None:
        return None
    if isinstance(known, bool):
        return "true" if known else "false"
    return str(known).lower()


def _matches(graph: Graph, res: Resource, cond: dict[str, Any]) -> bool | None:
    """Whether a table condition (``in`` a list of values, ``present``) holds; None if unknown."""
    raw = lookup(res.properties, _path(cond.get("path")))
    if "present" in cond:
        found = presence(raw)
        return None if found is None else found == bool(cond["present"])
    value = normalized(graph, raw)
    if isinstance(value, Unknown):
        return None
    return value in [v.lower() if isinstance(v, str) else v for v in cond.get("in", [])]


def key_class(graph: Graph, raw: Any) -> tuple[str | None, str | None]:
    """``(class, alias)`` of a key reference: a key defined in the template or any ARN/alias
    outside ``alias/aws/`` is ``customer``; ``alias/aws/<service>`` is ``aws-managed`` (the alias
    is returned for messages); an unresolvable value is ``(None, None)``."""
    refs = referenced_resources(raw, graph.stack.resources)
    if any(graph.stack.resources[r].type in CUSTOMER_KEY_TYPES for r in refs):
        return "customer", None
    known = graph.resolver.scalar(raw)
    if isinstance(known, str) and known:
        if AWS_ALIAS.search(known):
            return "aws-managed", known
        return "customer", None
    partial = text(graph, raw)  # an ARN with unknown region/account still shows its alias
    alias = AWS_ALIAS.search(partial)
    if alias:
        return "aws-managed", partial[alias.start():].lstrip(":")
    if refs:
        return "customer", None  # a custom resource or another stack's key: not an AWS alias
    return None, None


# -- the evaluation ------------------------------------------------------------------------
def assess(graph: Graph, res: Resource) -> Assessment | None:
    """The encryption verdict for a resource, or None when it is not a store the table covers."""
    store = table().get(res.type)
    if store is None:
        return None
    try:
        if store.model == "apigateway-cache":
            return _api_cache(graph, res, store)
        return _assess(graph, res, store)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        return Assessment(store, "unknown")


def _assess(graph: Graph, res: Resource, store: Store) -> Assessment | None:
    for cond in store.applies_if:
        applies = _matches(graph, res, cond)
        if applies is None:
            return Assessment(store, "unknown")
        if not applies:
            return None
    for prop in store.inherits_if_present:
        if presence(lookup(res.properties, (prop,))) is not False:
            return Assessment(store, "unknown", reason=f"inherits its encryption ({prop})")
    key_raw = lookup(res.properties, store.key_path) if store.key_path else MISSING
    has_key = presence(key_raw)
    if has_key is None:
        return Assessment(store, "unknown")
    key = key_class(graph, key_raw) if has_key else (None, None)
    for cond in store.always_if:
        hit = _matches(graph, res, cond)
        if hit is None:
            return Assessment(store, "unknown")
        if hit:
            return Assessment(store, "encrypted", key[0] if has_key else cond["class"], explicit_key=key[1])
    switch = normalized(graph, lookup(res.properties, store.switch_path)) if store.switch_path else None
    if isinstance(switch, Unknown):
        return Assessment(store, "unknown")
    if has_key and (store.key_alone or (switch is not None and store.switch_values.get(switch) != "plaintext")):
        return Assessment(store, "encrypted", key[0], path=store.key_path, explicit_key=key[1])
    if switch is not None:
        verdict = store.switch_values.get(switch)
        if verdict is None:
            return Assessment(store, "unknown")  # a value the table does not know
        if verdict == "plaintext":
            if has_key:
                return Assessment(store, "unknown")  # a key with encryption off: contradictory
            return Assessment(store, "plaintext", reason=store.reason_off + _from_parameter(graph, res, store),
                              fix=store.fix_off or store.fix_absent, path=store.switch_path)
        return Assessment(store, "encrypted", verdict, path=store.switch_path)
    absent = store.absent
    for cond in store.absent_if:
        hit = _matches(graph, res, cond)
        if hit is None:
            return Assessment(store, "unknown")
        if hit:
            absent = cond["class"]
            break
    if has_key:
        return Assessment(store, "unknown")  # a key without the switch that enables it
    if absent == "plaintext":
        return Assessment(store, "plaintext", reason=store.reason_absent, fix=store.fix_absent)
    return Assessment(store, "encrypted", absent)


def _from_parameter(graph: Graph, res: Resource, store: Store) -> str:
    """`` (the default of parameter X)`` when the switch's value comes from a parameter."""
    fn = intrinsic(lookup(res.properties, store.switch_path))
    if fn is not None and fn[0] == "Ref" and fn[1] in graph.stack.parameters:
        return f" (the default of parameter {fn[1]})"
    return ""


def _api_cache(graph: Graph, res: Resource, store: Store) -> Assessment | None:
    """A REST stage (or a deployment's ``StageDescription``) whose cache holds plaintext:
    ``CacheClusterEnabled`` and a method setting with ``CachingEnabled`` but not ``CacheDataEncrypted``."""
    base: tuple[str, ...] = (store.prefix,) if store.prefix else ()
    props = lookup(res.properties, base) if base else res.properties
    if props is MISSING:
        return None
    if not isinstance(props, dict):
        return Assessment(store, "unknown")
    cluster = normalized(graph, lookup(props, ("CacheClusterEnabled",)))
    if isinstance(cluster, Unknown):
        return Assessment(store, "unknown")
    if cluster != "true":
        return None
    settings: list[tuple[str, dict[str, Any]]] = []
    if store.prefix:
        settings.append(("all methods", props))  # StageDescription's own CachingEnabled is "*/*"
    entries = lookup(props, ("MethodSettings",))
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict):
                settings.append((_where(graph, entry), entry))
            else:
                return Assessment(store, "unknown")
    elif entries is not MISSING:
        return Assessment(store, "unknown")
    open_: list[str] = []
    unknown = False
    for where, entry in settings:
        caching = normalized(graph, lookup(entry, ("CachingEnabled",)))
        encrypted = normalized(graph, lookup(entry, ("CacheDataEncrypted",)))
        if isinstance(caching, Unknown) or isinstance(encrypted, Unknown):
            unknown = True
        elif caching == "true" and encrypted != "true":
            open_.append(where)
    if open_:
        where = ", ".join(dict.fromkeys(open_))
        path = (*base, "MethodSettings") if entries is not MISSING else base
        return Assessment(store, "plaintext", reason=store.reason_absent.format(where=where),
                          fix=store.fix_absent.format(where=where), path=path)
    return Assessment(store, "unknown" if unknown else "encrypted")


def _where(graph: Graph, entry: dict[str, Any]) -> str:
    method = graph.resolver.scalar(entry.get("HttpMethod", "*"))
    path = graph.resolver.scalar(entry.get("ResourcePath", "/*"))
    method = method if isinstance(method, str) else "<method>"
    path = path if isinstance(path, str) else "<path>"
    if method == "*" and path == "/*":
        return "all methods"
    decoded = "/" + path.removeprefix("/").replace("~1", "/").lstrip("/")
    return f"{method} {decoded}"
