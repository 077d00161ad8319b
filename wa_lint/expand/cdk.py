"""CDK cloud assembly (``cdk.out``) → :class:`Stack` objects.

The manifest is the entry point: file names in ``cdk.out`` are artifact ids, not stack names, and
Stage sub-assemblies and nested stacks are only found by following it (never by globbing).
Templates are plain CloudFormation; what CDK adds (construct paths, assets, bootstrap plumbing,
framework singletons) is handled in :mod:`wa_lint.expand.cdk_stack`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wa_lint.expand.cdk_stack import Context, Loader, Metadata, StackSource, line_of, load_stack
from wa_lint.fileio import read_text
from wa_lint.load import load_file
from wa_lint.model import InputError, Stack

__all__ = ["is_cdk_assembly", "load_cdk_assembly"]

STACK_ARTIFACT = "aws:cloudformation:stack"
ASSEMBLY_ARTIFACT = "cdk:cloud-assembly"


def is_cdk_assembly(directory: Path) -> bool:
    """True for a directory with a ``manifest.json`` listing artifacts; a ``cdk.out`` with any
    ``manifest.json`` counts even if it is broken, so that the breakage gets reported."""
    manifest = directory / "manifest.json"
    try:
        if not manifest.is_file():
            return False
        if directory.name == "cdk.out":
            return True
        data = json.loads(read_text(manifest, str(manifest)))
    except (InputError, OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and isinstance(data.get("artifacts"), dict)


def load_cdk_assembly(
    directory: Path, display: Callable[[Path], str], load: Loader = load_file
) -> tuple[list[Stack], list[InputError]]:
    """Every stack of the assembly (Stages and nested stacks included, parents first), and the
    errors of the parts that could not be read: one broken template does not hide the others."""
    ctx = Context(display=display, load=load, root=directory.resolve())
    _load_assembly(ctx, directory)
    return ctx.stacks, ctx.errors


def _load_assembly(ctx: Context, directory: Path) -> None:
    key = directory.resolve()  # resolved: ``Stage/..`` is the directory it names, not a new one
    if key in ctx.seen:  # a Stage naming its own directory, or a loop of Stages
        return
    ctx.seen.add(key)
    manifest_path = directory / "manifest.json"
    loaded = ctx.read(manifest_path, "cloud assembly manifest.json")
    if loaded is None:
        return
    manifest = loaded[0]
    artifacts = manifest.get("artifacts", {}) if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        ctx.error(manifest_path, line_of(manifest, "artifacts"), '"artifacts" is not an object')
        return
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, dict):
            continue
        kind = artifact.get("type")
        if kind == STACK_ARTIFACT:
            _load_stack_artifact(ctx, directory, str(artifact_id), artifact)
        elif kind == ASSEMBLY_ARTIFACT:
            _load_stage(ctx, directory, str(artifact_id), artifact)


def _required(ctx: Context, directory: Path, artifact_id: str, artifact: dict[str, Any], key: str,
              kind: str) -> str | None:
    """``properties.<key>`` of an artifact, or None after reporting it missing at its line."""
    props = _properties(artifact)
    value = props.get(key)
    if isinstance(value, str) and value:
        return value
    line = line_of(props, key) or line_of(artifact, "properties")
    ctx.error(directory / "manifest.json", line, f"{kind} artifact {artifact_id} has no properties.{key}")
    return None


def _load_stack_artifact(ctx: Context, directory: Path, artifact_id: str, artifact: dict[str, Any]) -> None:
    template_file = _required(ctx, directory, artifact_id, artifact, "templateFile", "stack")
    if template_file is None:
        return
    props = _properties(artifact)
    manifest = directory / "manifest.json"
    template = directory / template_file
    if not ctx.confined(template, manifest, line_of(props, "templateFile"), f"stack {artifact_id}: templateFile"):
        return
    stack_name = props.get("stackName")
    extra = artifact.get("additionalMetadataFile")
    metadata_file = directory / extra if isinstance(extra, str) and extra else None
    if metadata_file is not None and not ctx.confined(
            metadata_file, manifest, line_of(artifact, "additionalMetadataFile"),
            f"stack {artifact_id}: additionalMetadataFile"):
        metadata_file = None
    source = StackSource(
        name=stack_name if isinstance(stack_name, str) and stack_name else artifact_id,
        template=template,
        assembly=directory,
        metadata=Metadata(inline=artifact.get("metadata"), file=metadata_file, manifest=manifest),
        template_key=template_file,
    )
    load_stack(ctx, source)


def _load_stage(ctx: Context, directory: Path, artifact_id: str, artifact: dict[str, Any]) -> None:
    sub = _required(ctx, directory, artifact_id, artifact, "directoryName", "assembly")
    if sub is not None and ctx.confined(directory / sub, directory / "manifest.json",
                                        line_of(_properties(artifact), "directoryName"),
                                        f"assembly {artifact_id}: directoryName"):
        _load_assembly(ctx, directory / sub)


def _properties(artifact: dict[str, Any]) -> dict[str, Any]:
    props = artifact.get("properties")
    return props if isinstance(props, dict) else {}
