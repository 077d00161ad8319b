"""SAM expansion: what CloudFormation will see for an ``AWS::Serverless-2016-10-31`` template.

The real translator does the work (Globals, policy templates, event sources, generated roles and
permissions, implicit APIs all come out as CloudFormation), so wa-lint lints exactly what would be
deployed. Around it this module makes the translation lint-friendly:

* local artefact paths (``CodeUri: src/``) are swapped for placeholders the translator accepts and
  recorded as ``Resource.local_paths`` (:mod:`.sam_local`);
* every generated resource is linked to the SAM resource the user wrote and placed on its line, and
  resources that came through unchanged keep their own marks (:mod:`.sam_link`);
* a template the translator rejects becomes one :class:`InputError` naming the offending line.

The translator is imported on first use (:mod:`.sam_translate`): plain CloudFormation runs never
load it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from wa_lint.model import InputError, Resource, mark_of, resource_mark, resources_from_template

from .sam_link import graft, longest_prefix, mark_sources, plain_copy, take_sources
from .sam_local import LocalPaths, swap_local_paths

__all__ = ["SAM_TRANSFORM", "expand_sam", "is_sam"]

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
_BRACKETED = re.compile(r"\[([^\][]*)\]")  # no "[" inside: linear on "[[[…"
_WORD = re.compile(r"[A-Za-z0-9]+")


def is_sam(template: dict[str, Any]) -> bool:
    """True when the template's ``Transform`` is, or lists, the SAM transform."""
    transform = template.get("Transform")
    if isinstance(transform, list):
        return SAM_TRANSFORM in transform
    return transform == SAM_TRANSFORM


def expand_sam(
    template: dict[str, Any], display_path: str, base_dir: Path
) -> tuple[dict[str, Any], dict[str, Resource]]:
    """Translate a SAM template to CloudFormation and return it with its annotated resources.

    ``template`` is not modified. Local paths are resolved against ``base_dir``. Raises
    :class:`InputError` (and nothing else) when the template cannot be translated.
    """
    try:
        return _expand(template, base_dir)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001  # the translator raises anything on odd input: an input error
        raise _input_error(exc, display_path, template) from (None if _translator_messages(exc) else exc)


def _expand(template: dict[str, Any], base_dir: Path) -> tuple[dict[str, Any], dict[str, Resource]]:
    from . import sam_translate  # lazily: the translator costs ~0.6 s to import

    work = plain_copy(template)
    local_paths = swap_local_paths(work, base_dir)
    mark_sources(work)
    translated = plain_copy(sam_translate.translate(work))
    sources = take_sources(translated, template)
    translated = graft(translated, template)
    resources = resources_from_template(translated)
    _annotate(resources, template, sources, local_paths)
    return translated, dict(sorted(resources.items(), key=lambda item: _order(item[1])))


def _input_error(exc: Exception, display_path: str, original: dict[str, Any]) -> InputError:
    """The translator's rejection in its own words, on the offending resource's line; anything else
    (a translator bug, an input it did not anticipate) as a SAM translation failure."""
    messages = _translator_messages(exc)
    if messages is None:
        detail = _one_line(str(exc)) or "no details"
        return InputError(display_path, None, f"SAM translation failed: {type(exc).__name__}: {detail}")
    return InputError(display_path, _offending_line(messages, original), "; ".join(messages))


def _translator_messages(exc: Exception) -> list[str] | None:
    """The translator's own messages for a rejection, one line each and without repeats; None when
    ``exc`` is not one of the translator's errors (a bug or an input it did not anticipate)."""
    causes = getattr(exc, "causes", None)
    if isinstance(causes, list | tuple) and causes:
        texts = [getattr(cause, "message", None) or str(cause) for cause in causes]
    elif isinstance(getattr(exc, "message", None), str) and type(exc).__module__.startswith("samtranslator"):
        texts = [exc.message]  # type: ignore[attr-defined]
    else:
        return None
    return list(dict.fromkeys(line for line in (_one_line(str(t)) for t in texts) if line))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _offending_line(messages: list[str], original: dict[str, Any]) -> int | None:
    """Line of the first resource of ``original`` the messages name (``[Id]``), else of ``Globals``
    when a message is about it, else None.

    A generated id (``[FnWork]``, an event's mapping) stands for the SAM resource it starts with.
    """
    resources = original.get("Resources")
    resources = resources if isinstance(resources, dict) else {}
    for message in messages:
        for bracketed in _BRACKETED.findall(message):
            for word in _WORD.findall(bracketed):
                source = word if word in resources else longest_prefix(word, resources)
                mark = mark_of(resources, source) if source is not None else None
                if mark is not None:
                    return mark.line
    if any("'Globals'" in message for message in messages):
        mark = mark_of(original, "Globals") if "Globals" in original else None
        return mark.line if mark is not None else None
    return None


def _annotate(
    resources: dict[str, Resource], original: dict[str, Any], sources: dict[str, str], local_paths: LocalPaths
) -> None:
    """Link generated resources to their SAM resource: its line, its ``Metadata``, the local paths."""
    written = original.get("Resources")
    if not isinstance(written, dict):
        return
    for logical_id, resource in resources.items():
        source = sources.get(logical_id)
        if source is None or source not in written:
            continue
        resource.source_resource = source
        mark = resource_mark(written, source)
        resource.line, resource.column = mark.line, mark.column
        resource.metadata = _inherited_metadata(resource.metadata, written[source])
        resource.local_paths.update(local_paths.found_in(resource.properties))


def _inherited_metadata(own: dict[str, Any], sam_body: Any) -> dict[str, Any]:
    """The SAM resource's ``Metadata`` (the user's object, with its marks) for a generated resource.

    The translator copied it onto most generated resources already; implicit APIs and other
    resources generated outside the SAM resource's own translation inherit it here, so that a
    suppression written on the SAM resource covers everything it stands for. Metadata the
    translator wrote itself (``aws:sam:connectors``) is kept alongside.
    """
    user = sam_body.get("Metadata") if isinstance(sam_body, dict) else None
    if not isinstance(user, dict) or not user:
        return own
    inherited: dict[str, Any] = graft({**user, **own}, user)
    return inherited


def _order(resource: Resource) -> tuple[bool, int, int, bool]:
    """Source order: resources without a known line go last, the resource that keeps its SAM
    resource's logical id leads the ones generated with it, and ties keep the translator's order."""
    renamed = resource.source_resource is not None and resource.source_resource != resource.logical_id
    return (resource.line == 0, resource.line, resource.column, renamed)
