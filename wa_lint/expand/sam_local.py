"""Local artefact paths in a SAM template: swapped for placeholders before translating, found again after.

Before ``sam package`` a template points at local directories and files (``CodeUri: src/``). The
translator accepts only S3 locations there, so each local path is replaced by a placeholder
``s3://wa-lint-local/<n>``; after translation the placeholder is found in the generated resource
(``Code.S3Key``, ``DefinitionS3Location.Key``, ``TemplateURL``…), where it stays, and the resolved
path is recorded under the SAM property name so that rules can read handler code and definitions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

PLACEHOLDER_BUCKET = "wa-lint-local"
_S3_PREFIX = f"s3://{PLACEHOLDER_BUCKET}/"
_IMAGE_PLACEHOLDER = "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + PLACEHOLDER_BUCKET + ":{n}"
_IMAGE_RE = re.compile(re.escape(_IMAGE_PLACEHOLDER).replace(r"\{n\}", r"(\d+)") + "$")

LOCAL_PROPERTIES: dict[str, str] = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Application": "Location",
}
"""SAM properties that name an artefact ``sam package`` uploads, which the translator wants in S3."""

_GLOBAL_PROPERTIES: dict[str, str] = {"Function": "CodeUri", "Api": "DefinitionUri", "HttpApi": "DefinitionUri"}
_REMOTE_PREFIXES = ("s3://", "https://", "http://", "{{resolve:")


@dataclass(slots=True)
class LocalPaths:
    """The placeholders put into one template: placeholder number → (SAM property, absolute path)."""

    base_dir: Path
    swapped: list[tuple[str, Path]] = field(default_factory=list)
    _root: Path | None = None

    def placeholder(self, prop: str, local: str) -> str:
        """Record ``local`` (relative to the template) and return the S3 URI that stands for it."""
        self.swapped.append((prop, self._absolute(local)))
        return f"{_S3_PREFIX}{len(self.swapped) - 1}"

    def image_placeholder(self, context: str) -> str:
        """Record a Docker build context and return the image URI that stands for the built image."""
        self.swapped.append(("DockerContext", self._absolute(context)))
        return _IMAGE_PLACEHOLDER.format(n=len(self.swapped) - 1)

    def _absolute(self, local: str) -> Path:
        """``local`` made absolute against the resolved template directory, with ``..`` folded.

        Only the directory is resolved (once): resolving every path would cost a system call per
        path component, and where a symlink inside the project points matters less than the path
        the user wrote.
        """
        if self._root is None:
            self._root = self.base_dir.resolve()
        return Path(os.path.normpath(self._root / local))

    def found_in(self, properties: dict[str, Any]) -> dict[str, Path]:
        """The local paths whose placeholders appear in a generated resource's top-level properties."""
        found: dict[str, Path] = {}
        for value in properties.values():
            index = _placeholder_index(value)
            if index is not None and index < len(self.swapped):
                prop, path = self.swapped[index]
                found[prop] = path
        return found


def is_local_path(value: Any) -> TypeGuard[str]:
    """A string that names a local file or directory rather than an S3/HTTP location or an intrinsic."""
    return isinstance(value, str) and bool(value.strip()) and not value.startswith(_REMOTE_PREFIXES)


def swap_local_paths(template: dict[str, Any], base_dir: Path) -> LocalPaths:
    """Replace local artefact paths in ``template`` (a plain copy, modified in place) by placeholders."""
    paths = LocalPaths(base_dir)
    globals_section = template.get("Globals")
    _swap_globals(globals_section, paths)
    function_globals = globals_section.get("Function") if isinstance(globals_section, dict) else None
    global_code = isinstance(function_globals, dict) and any(
        k in function_globals for k in ("CodeUri", "InlineCode", "ImageUri"))
    resources = template.get("Resources")
    if isinstance(resources, dict):
        for body in resources.values():
            if isinstance(body, dict):
                _swap_resource(body, paths)
                if not global_code:
                    _default_code_uri(body, paths)
    return paths


def _default_code_uri(body: dict[str, Any], paths: LocalPaths) -> None:
    """A function with no code location builds from the template's directory, as ``sam build``
    does (the translator alone would reject it with a misleading InlineCode message)."""
    props = body.get("Properties")
    if body.get("Type") != "AWS::Serverless::Function" or not isinstance(props, dict):
        return
    if props.get("PackageType") == "Image" or any(k in props for k in ("CodeUri", "InlineCode", "ImageUri")):
        return
    props["CodeUri"] = paths.placeholder("CodeUri", ".")


def _swap_globals(globals_section: Any, paths: LocalPaths) -> None:
    if not isinstance(globals_section, dict):
        return
    for section, prop in _GLOBAL_PROPERTIES.items():
        values = globals_section.get(section)
        if isinstance(values, dict) and is_local_path(values.get(prop)):
            values[prop] = paths.placeholder(prop, values[prop])


def _swap_resource(body: dict[str, Any], paths: LocalPaths) -> None:
    resource_type = body.get("Type")
    props = body.get("Properties")
    prop = LOCAL_PROPERTIES.get(resource_type) if isinstance(resource_type, str) else None
    if prop is None or not isinstance(props, dict):
        return
    if is_local_path(props.get(prop)):
        props[prop] = paths.placeholder(prop, props[prop])
    if resource_type == "AWS::Serverless::Function":
        _swap_image_build(body, props, paths)


def _swap_image_build(body: dict[str, Any], props: dict[str, Any], paths: LocalPaths) -> None:
    """An image function built by ``sam build`` names its Docker context in ``Metadata`` and has no
    ``ImageUri`` yet; the translator requires one, so it gets a placeholder image."""
    metadata = body.get("Metadata")
    if props.get("PackageType") != "Image" or "ImageUri" in props or not isinstance(metadata, dict):
        return
    context = metadata.get("DockerContext")
    if is_local_path(context):
        props["ImageUri"] = paths.image_placeholder(context)


def _placeholder_index(value: Any) -> int | None:
    """The placeholder number in a generated property value (an S3 URI, an S3 location object with
    ``Bucket``/``Key`` or ``S3Bucket``/``S3Key``, or a ``Code.ImageUri``), else None."""
    if isinstance(value, str):
        if value.startswith(_S3_PREFIX):
            return _to_int(value[len(_S3_PREFIX) :])
        match = _IMAGE_RE.match(value)
        return int(match.group(1)) if match else None
    if isinstance(value, dict):
        for bucket, key in (("S3Bucket", "S3Key"), ("Bucket", "Key")):
            if value.get(bucket) == PLACEHOLDER_BUCKET:
                return _to_int(value.get(key))
        if "ImageUri" in value:
            return _placeholder_index(value["ImageUri"])
    return None


def _to_int(text: Any) -> int | None:
    return int(text) if isinstance(text, str) and text.isdigit() else None
