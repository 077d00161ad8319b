"""A template file to the stacks CloudFormation would create from it.

Order matters and mirrors CloudFormation: local ``AWS::Include`` files first, then
``AWS::LanguageExtensions``, then the SAM transform, then nested stacks with local template paths
(each expanded the same way).

Templates are read as SAM CLI reads them: a duplicate key keeps its last value and is recorded on
the stack (rule WA003). What cannot be read (a nested template that is missing or outside the
linted directory, a remote include, a macro that is not run here) is a warning naming the line
that points at it; the rest is linted. Nested templates are loaded once per run and the number
of stacks one source expands to is bounded (:data:`MAX_STACKS`): templates that nest each other
many times over would otherwise multiply into millions of stacks.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_lint.expand.cdk_internal import mark_internal
from wa_lint.expand.include import Included, expand_includes, mentions_include
from wa_lint.expand.language_extensions import expand_language_extensions, uses_language_extensions
from wa_lint.expand.macros import macro_warnings
from wa_lint.expand.sam import expand_sam, is_sam
from wa_lint.fileio import inside, is_file
from wa_lint.load import load_file
from wa_lint.model import (
    DuplicateKey,
    InputError,
    Kind,
    Stack,
    Unknown,
    line_path,
    mark_of,
    printable_name,
    resources_from_template,
    section,
)

MAX_NESTING = 8
MAX_STACKS = 200
"""Stacks one source may expand to (itself and every nested stack instance)."""
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
        if rtype is None:
            raise InputError(display, line, f"resource {logical_id} has no Type")
        if not isinstance(rtype, str):
            type_line = mark_of(body, "Type")
            raise InputError(display, type_line.line if type_line and type_line.line else line,
                             f"resource {logical_id}: Type must be a string such as AWS::SQS::Queue, not "
                             f"{_kind(rtype)}")


def _kind(value: Any) -> str:
    """What a value is, in a template author's words."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "a " + type(value).__name__


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
        mark_internal(resources.values())  # a template taken out of cdk.out: its aws:cdk:path metadata
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


@dataclass(slots=True)
class _Read:
    """One template file read and its includes expanded."""

    data: Any
    duplicates: list[DuplicateKey]
    warnings: list[str]
    errors: list[InputError]


def read_template(path: Path, display: str, root: Path) -> _Read:
    """Load a template file as SAM CLI reads it (duplicate keys keep the last value) and insert
    its local ``AWS::Include`` files. Problems with the file itself raise :class:`InputError`."""
    duplicates: list[DuplicateKey] = []
    data, text = load_file(path, display, duplicates)
    if not isinstance(data, dict):
        return _Read(data, duplicates, [], [])
    macros = macro_warnings(data, text, display)
    if not mentions_include(text):
        return _Read(data, duplicates, macros, [])
    found = Included(root)
    data = expand_includes(data, path, display, found)
    return _Read(data, duplicates + found.duplicates, macros + found.warnings, found.errors)


def _stack(read: _Read, path: Path, display: str, name: str) -> Stack:
    stack = stack_from_data(read.data, path, display, name)
    stack.duplicate_keys = read.duplicates
    stack.warnings = list(read.warnings)
    return stack


def load_template_stacks(
    path: Path, display: str, root: Path, *, explicit: bool = True
) -> tuple[list[Stack], list[InputError]]:
    """Every stack a template file yields (itself and its local nested stacks), with the errors
    met on nested templates. Problems with the file itself raise :class:`InputError`; a walked
    file that is not a template yields no stacks and no errors."""
    read = read_template(path, display, root)
    problem = template_problem(read.data)
    if problem is not None:
        data = read.data
        if explicit or (isinstance(data, dict) and ("AWSTemplateFormatVersion" in data or is_sam(data))):
            raise InputError(display, None, problem)
        return [], []
    stack = _stack(read, path, display, printable_name(path.stem))
    run = _Nesting(root, display, [stack], list(read.errors))
    run.load_children(stack, depth=1, chain=(path.resolve(),))
    return run.stacks, run.errors


@dataclass(slots=True)
class _Nesting:
    """Nested stacks of one source: each template expanded once (``memo``), every reference to
    it an instance of its own, :data:`MAX_STACKS` in all."""

    root: Path
    display: str
    stacks: list[Stack]
    errors: list[InputError]
    memo: dict[Path, Stack | None] = field(default_factory=dict)
    full: bool = False

    def load_children(self, parent: Stack, depth: int, chain: tuple[Path, ...]) -> None:
        for res in list(parent.resources.values()):
            if res.type != "AWS::CloudFormation::Stack" or self.full:
                continue
            found = nested_template_path(parent, res.logical_id)
            if found is None:
                continue
            child_path, shown = found
            line = res.prop_line("TemplateURL")  # the resource's line for SAM applications
            where = (line_path(line) or parent.path, int(line) or None)
            prefix = f"nested stack {res.logical_id}: template {_quoted(shown)}"
            if not inside(child_path, self.root):
                parent.warnings.append(str(InputError(*where, f"{prefix} is outside the linted directory; "
                                                               "not loaded")))
                continue
            if not is_file(child_path):  # recorded: the cache re-lints once the file exists
                why = "is not a file" if child_path.exists() else "does not exist"
                parent.warnings.append(str(InputError(*where, f"{prefix} {why}; not loaded")))
                continue
            resolved = child_path.resolve()
            if resolved in chain or depth > MAX_NESTING:
                self.errors.append(InputError(*where, f"nested stack {res.logical_id}: circular or too deep "
                                                      "nesting; not loaded"))
                continue
            if len(self.stacks) >= MAX_STACKS:
                self.full = True
                self.errors.append(InputError(self.display, None, f"expands to more than {MAX_STACKS} nested "
                                                                  "stacks; the rest are not loaded"))
                return
            child = self.instance(child_path, resolved, shown, parent, res.logical_id)
            if child is None:
                continue
            self.stacks.append(child)
            self.load_children(child, depth + 1, (*chain, resolved))

    def instance(self, path: Path, resolved: Path, shown: str, parent: Stack, logical_id: str) -> Stack | None:
        """A stack for this reference to ``path``; the template is read and expanded only the
        first time (a bad one is reported once, then skipped)."""
        if resolved not in self.memo:
            try:
                read = read_template(path, shown, self.root)
                problem = template_problem(read.data)
                if problem is not None:
                    raise InputError(shown, None, problem)
                self.memo[resolved] = _stack(read, path, shown, shown)
                self.errors.extend(read.errors)
            except InputError as exc:
                self.errors.append(exc)
                self.memo[resolved] = None
        base = self.memo[resolved]
        if base is None:
            return None
        return dataclasses.replace(base, name=f"{parent.name}/{logical_id}", parent=(parent.name, logical_id),
                                   warnings=list(base.warnings))


def _quoted(text: str) -> str:
    return repr(text) if any(not c.isprintable() for c in text) or "'" in text else text
