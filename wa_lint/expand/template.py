"""A template file to the stacks CloudFormation would create from it.

Order matters and mirrors CloudFormation: ``AWS::LanguageExtensions`` first, then the SAM
transform, then nested stacks with local template paths (each expanded the same way).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from wa_lint.expand.language_extensions import expand_language_extensions, uses_language_extensions
from wa_lint.expand.sam import expand_sam, is_sam
from wa_lint.load import load_file
from wa_lint.model import InputError, Kind, Stack, Unknown, mark_of, resources_from_template, section

MAX_NESTING = 8
REMOTE_PREFIXES = ("http://", "https://", "s3://")


def template_problem(data: Any) -> str | None:
    """Why ``data`` is not a template, or None when it is one.

    A template is a mapping whose ``Resources`` mapping has entries with a ``Type`` such as
    ``AWS::…``/``Custom::…``, or anything declaring itself one (format version, SAM transform).
    """
    if not isinstance(data, dict):
        return "not a CloudFormation template: the document is not a mapping"
    resources = data.get("Resources")
    declared = "AWSTemplateFormatVersion" in data or is_sam(data) or uses_language_extensions(data)
    if isinstance(resources, dict) and resources:
        typed = [v for v in resources.values() if isinstance(v, dict) and isinstance(v.get("Type"), str)]
        if typed or declared:
            return None
    if "Resources" not in data:
        return "not a CloudFormation template: no Resources section"
    if not isinstance(resources, dict):
        return "Resources must be a mapping of logical ids to resources"
    if not resources:
        return "Resources section is empty"
    return "not a CloudFormation template: no resource has a Type"


def check_resources(data: dict[str, Any], display: str) -> None:
    """CloudFormation rejects resources that are not mappings with a string ``Type``: so do we."""
    resources = data["Resources"]
    for logical_id, body in resources.items():
        if str(logical_id).startswith("Fn::ForEach::"):
            continue  # a loop, checked by the LanguageExtensions expansion
        mark = mark_of(resources, logical_id)
        line = mark.line if mark else None
        if not isinstance(body, dict):
            raise InputError(display, line, f"resource {logical_id} must be a mapping")
        rtype = body.get("Type")
        if isinstance(rtype, (Unknown, dict)):
            continue  # `Type: !Rain::Module …` (YAML) or {"Rain::Module": …} (JSON): a pre-processor's
            # resource, tolerated and not analysed
        if not isinstance(rtype, str):
            raise InputError(display, line, f"resource {logical_id} has no Type")


def stack_from_data(data: dict[str, Any], path: Path, display: str, name: str) -> Stack:
    """Expand one loaded template into a :class:`Stack` (no nested stacks yet)."""
    check_resources(data, display)
    if uses_language_extensions(data):
        data = expand_language_extensions(data, display)
    kind: Kind = "cloudformation"
    if is_sam(data):
        kind = "sam"
        template, resources = expand_sam(data, display, path.parent)
    else:
        template, resources = data, resources_from_template(data)
    return Stack(
        name=name,
        path=display,
        kind=kind,
        resources=resources,
        parameters=section(template, "Parameters"),
        conditions=section(template, "Conditions"),
        outputs=section(template, "Outputs"),
        mappings=section(template, "Mappings"),
        base_dir=path.parent,
    )


def nested_template_path(stack: Stack, logical_id: str) -> tuple[Path, str] | None:
    """The local file a nested stack resource points at and how to name it (beside the parent,
    as the user wrote it), or None when it is remote or unknown."""
    res = stack.resources[logical_id]
    local = res.local_paths.get("Location") or res.local_paths.get("TemplateURL")
    if local is None:
        url = res.prop("TemplateURL")
        if not isinstance(url, str) or url.startswith(REMOTE_PREFIXES) or not url.strip():
            return None
        local = (stack.base_dir / url).resolve()
    relative = os.path.relpath(local, stack.base_dir.resolve())
    display = os.path.normpath(os.path.join(os.path.dirname(stack.path), relative))
    return local, Path(display).as_posix()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load_template_stacks(
    path: Path, display: str, root: Path, *, explicit: bool = True
) -> tuple[list[Stack], list[InputError]]:
    """Every stack a template file yields (itself and its local nested stacks), with the errors
    met on nested templates. Problems with the file itself raise :class:`InputError`; a walked
    file that is not a template yields no stacks and no errors."""
    data, _text = load_file(path, display)
    problem = template_problem(data)
    if problem is not None:
        if explicit or (isinstance(data, dict) and ("AWSTemplateFormatVersion" in data or is_sam(data))):
            raise InputError(display, None, problem)
        return [], []
    stack = stack_from_data(data, path, display, path.stem)
    stacks = [stack]
    errors: list[InputError] = []
    _load_nested(stack, root, stacks, errors, depth=1, seen={path.resolve()})
    return stacks, errors


def _load_nested(
    parent: Stack, root: Path, stacks: list[Stack], errors: list[InputError], depth: int, seen: set[Path]
) -> None:
    for res in list(parent.resources.values()):
        if res.type != "AWS::CloudFormation::Stack":
            continue
        found = nested_template_path(parent, res.logical_id)
        if found is None:
            continue
        child_path, display = found
        if not _inside(child_path, root):
            errors.append(InputError(parent.path, res.line, f"nested stack {res.logical_id}: template "
                                     f"{child_path} is outside the linted directory; not loaded"))
            continue
        if child_path in seen or depth > MAX_NESTING:
            errors.append(InputError(parent.path, res.line, f"nested stack {res.logical_id}: "
                                     "circular or too deep nesting; not loaded"))
            continue
        try:
            data, _ = load_file(child_path, display)
            problem = template_problem(data)
            if problem is not None:
                raise InputError(display, None, problem)
            child = stack_from_data(data, child_path, display, f"{parent.name}/{res.logical_id}")
        except InputError as exc:
            errors.append(exc)
            continue
        child.parent = (parent.name, res.logical_id)
        stacks.append(child)
        _load_nested(child, root, stacks, errors, depth + 1, seen | {child_path})
