"""Tie the translator's output back to what the user wrote.

*Which SAM resource generated this?* Before translating, every SAM resource's ``Metadata`` gets a
marker naming it; the translator copies a SAM resource's ``Metadata`` onto each resource it
generates (``passthrough_metadata``), so the marker comes out on exactly the resources that
resource's ``to_cloudformation`` produced. The few resources generated outside that path (implicit
APIs, CodeDeploy singletons, shared usage plans) are linked by rule: implicit APIs to the first
function or state machine that declares such an event, the rest by longest logical-id prefix.

*Where was it written?* The translated template is "grafted" onto the original: wherever a value
came through unchanged, the original (marked) object is reused, so pass-through resources, their
properties, and sections such as ``Outputs`` keep their line marks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wa_lint.model import MarkedDict, Unknown

SOURCE_KEY = "wa-lint:sam-source"
"""Metadata key carrying the SAM logical id through the translator; removed afterwards."""

SAM_PREFIX = "AWS::Serverless::"
_IMPLICIT_APIS = {"ServerlessRestApi": "Api", "ServerlessHttpApi": "HttpApi"}
_IMPLICIT_API_ID_PROPERTY = {"Api": "RestApiId", "HttpApi": "ApiId"}
_DEPLOYMENT_SINGLETONS = ("ServerlessDeploymentApplication", "CodeDeployServiceRole")


_ATOMS = frozenset({str, int, float, bool, type(None)})


def plain_copy(value: Any) -> Any:
    """A deep copy made of plain ``dict``/``list``/``str`` (marks dropped, translator subclasses undone).

    The translator mutates its input and returns ``str``/``dict`` subclasses (its Python 2 hashing
    emulation); ``transform()`` undoes those with a JSON round trip, which would fail on
    :class:`Unknown` values, so this walks the tree instead. Other leaves are shared.
    """
    if type(value) in _ATOMS:
        return value
    if isinstance(value, dict):
        return {k if type(k) is str else _plain_key(k): plain_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_copy(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _plain_key(key: Any) -> Any:
    return str(key) if isinstance(key, str) else key


_OWN_METADATA_TYPES = frozenset({"AWS::Serverless::Connector", "AWS::Serverless::GraphQLApi"})
"""SAM types whose generated resources carry metadata of the translator's own (``aws:sam:connectors``),
which a copied ``Metadata`` would replace: they are linked by logical-id prefix instead."""


def mark_sources(template: dict[str, Any]) -> None:
    """Put the source marker into the ``Metadata`` of every SAM resource (template is a plain copy).

    A resource whose ``Metadata`` is not a mapping is left alone, and the user's ``Metadata`` is
    removed from the types in ``_OWN_METADATA_TYPES``: those are linked by prefix, and their user
    ``Metadata`` is merged back afterwards (see ``sam._inherited_metadata``).
    """
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return
    for logical_id, body in resources.items():
        if not (isinstance(body, dict) and _is_sam_type(body.get("Type"))):
            continue
        metadata = body.get("Metadata")
        if body["Type"] in _OWN_METADATA_TYPES:
            body.pop("Metadata", None)
        elif metadata is None:
            body["Metadata"] = {SOURCE_KEY: logical_id}
        elif isinstance(metadata, dict):
            metadata[SOURCE_KEY] = logical_id


def take_sources(translated: dict[str, Any], original: dict[str, Any]) -> dict[str, str]:
    """Generated logical id → SAM logical id, removing the markers from the translated template.

    Resources the user wrote as plain CloudFormation are absent from the result.
    """
    resources = translated.get("Resources")
    if not isinstance(resources, dict):
        return {}
    sources: dict[str, str] = {}
    for logical_id, body in resources.items():
        source = _pop_marker(body)
        if source is not None:
            sources[logical_id] = source
    sam_ids = _sam_resource_ids(original)
    written = _cfn_resource_ids(original)
    for logical_id in resources:
        if logical_id not in sources and logical_id not in written:
            source = _fallback_source(logical_id, original, sam_ids)
            if source is not None:
                sources[logical_id] = source
    return sources


def _pop_marker(body: Any) -> str | None:
    if not isinstance(body, dict) or not isinstance(body.get("Metadata"), dict):
        return None
    metadata = body["Metadata"]
    source = metadata.pop(SOURCE_KEY, None)
    if not metadata:
        del body["Metadata"]
    return source if isinstance(source, str) else None


def _fallback_source(logical_id: str, original: dict[str, Any], sam_ids: list[str]) -> str | None:
    """Link a resource generated outside a SAM resource's ``to_cloudformation``."""
    for implicit, event_type in _IMPLICIT_APIS.items():
        if logical_id.startswith(implicit) and implicit not in sam_ids:
            return first_declaring(original, event_type) or longest_prefix(logical_id, sam_ids)
    if logical_id in _DEPLOYMENT_SINGLETONS:
        return _first_with_property(original, "DeploymentPreference")
    return longest_prefix(logical_id, sam_ids)


def longest_prefix(logical_id: str, candidates: Iterable[Any]) -> str | None:
    """The longest of ``candidates`` that ``logical_id`` starts with: generated ids are the SAM id
    plus a suffix (``FnRole``, ``FnUploadPermission``, ``ApiDeployment1a2b3c``)."""
    best: str | None = None
    for candidate in candidates:
        if isinstance(candidate, str) and logical_id.startswith(candidate) and len(candidate) > len(best or ""):
            best = candidate
    return best


def first_declaring(template: dict[str, Any], event_type: str) -> str | None:
    """The first function or state machine with an ``event_type`` event that names no API of its own,
    i.e. the one that makes the translator create the implicit API."""
    id_property = _IMPLICIT_API_ID_PROPERTY[event_type]
    for logical_id, body in _resources(template):
        events = _props(body).get("Events")
        if not isinstance(events, dict):
            continue
        for event in events.values():
            if not isinstance(event, dict) or event.get("Type") != event_type:
                continue
            event_props = event.get("Properties")
            if not isinstance(event_props, dict) or id_property not in event_props:
                return logical_id
    return None


def _first_with_property(template: dict[str, Any], prop: str) -> str | None:
    for logical_id, body in _resources(template):
        if body.get("Type") == "AWS::Serverless::Function" and prop in _props(body):
            return logical_id
    return None


def _resources(template: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    resources = template.get("Resources")
    if isinstance(resources, dict):
        for logical_id, body in resources.items():
            if isinstance(body, dict):
                yield str(logical_id), body


def _props(body: dict[str, Any]) -> dict[str, Any]:
    props = body.get("Properties")
    return props if isinstance(props, dict) else {}


def _is_sam_type(resource_type: Any) -> bool:
    return isinstance(resource_type, str) and resource_type.startswith(SAM_PREFIX)


def _sam_resource_ids(template: dict[str, Any]) -> list[str]:
    return [logical_id for logical_id, body in _resources(template) if _is_sam_type(body.get("Type"))]


def _cfn_resource_ids(template: dict[str, Any]) -> set[str]:
    return {logical_id for logical_id, body in _resources(template) if not _is_sam_type(body.get("Type"))}


def graft(new: Any, old: Any) -> Any:
    """``new`` with every part equal to the corresponding part of ``old`` replaced by ``old``'s object.

    Changed mappings are rebuilt as :class:`MarkedDict` carrying ``old``'s marks for the keys they
    share, so a property the translator left alone keeps its line even when a sibling changed.
    """
    if new == old or (isinstance(new, Unknown) and isinstance(old, Unknown)):
        return old
    if isinstance(new, dict) and isinstance(old, MarkedDict):
        return _graft_dict(new, old)
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [graft(n, o) for n, o in zip(new, old)]
    return new


def _graft_dict(new: dict[str, Any], old: MarkedDict) -> MarkedDict:
    result = MarkedDict()
    result.mark = old.mark
    for key, value in new.items():
        if key in old:
            result[key] = graft(value, old[key])
            if key in old.key_marks:
                result.key_marks[key] = old.key_marks[key]
        else:
            result[key] = value
    return result
