"""One CDK stack template (and its nested stacks) → :class:`Stack`.

Split from :mod:`wa_lint.expand.cdk`, which walks the assembly manifest. Here the template becomes
resources annotated with what only the assembly knows: construct paths, local asset paths, the
framework singletons the user cannot change, and nested stack templates.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_lint.expand.cdk_internal import internal_singleton
from wa_lint.expand.macros import macro_warnings
from wa_lint.fileio import inside, probe, read_bytes
from wa_lint.model import InputError, MarkedDict, Resource, Stack, mark_of, resources_from_template, section

Loader = Callable[[Path, str], tuple[Any, str]]

CDK_METADATA = "AWS::CDK::Metadata"
#: Node metadata a CDK app adds with ``construct.node.addMetadata("wa-lint", …)``: inline suppressions.
WA_LINT_METADATA = "wa-lint"
#: What ``Annotations.of(x).addError()`` records (cdk-nag's errors among them): ``cdk synth`` still
#: writes the assembly, exits 1, and ``cdk deploy`` refuses it.
SYNTH_ERROR = "aws:cdk:error"
NESTED_SUFFIX = ".nested.template.json"
# Bootstrap plumbing added to every default-synthesizer stack: never referenced by resources.
BOOTSTRAP_PARAMETERS = frozenset({"BootstrapVersion"})


#: What one assembly may make us read (manifests, templates, metadata files), in files and bytes:
#: real assemblies read a few dozen files and a few MB; a manifest listing the same big template
#: under thousands of artifacts stops here with one error instead of exhausting memory.
MAX_FILES = 2_000
MAX_BYTES = 200 * 1024 * 1024


@dataclass(slots=True)
class Context:
    """What one assembly load accumulates: stacks, errors, assemblies already read, and what it
    has read so far against the budget. ``root`` (resolved) confines every file it reads."""

    display: Callable[[Path], str]
    load: Loader
    root: Path
    stacks: list[Stack] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)
    files_read: int = 0
    bytes_read: int = 0
    exhausted: bool = False

    def error(self, path: Path, line: int | None, message: str) -> None:
        self.errors.append(InputError(self.display(path), line, message))

    def confined(self, path: Path, origin: Path, line: int | None, what: str) -> bool:
        """Whether ``path`` lies in the assembly; if not, an error at ``origin:line`` and False.
        Compared after ``resolve()``: ``..`` and symlinks cannot lead out."""
        if inside(path, self.root):
            return True
        self.error(origin, line, f"{what} is outside the cloud assembly; not loaded")
        return False

    def read(self, path: Path, what: str) -> tuple[Any, str] | None:
        """Load a JSON file, recording an :class:`InputError` instead of raising."""
        shown = self.display(path)
        if self.exhausted:
            return None
        if self.files_read >= MAX_FILES or self.bytes_read >= MAX_BYTES:
            self.exhausted = True
            self.errors.append(InputError(shown, None, f"the cloud assembly reads more than {MAX_FILES} files or "
                                                       f"{MAX_BYTES // 1024 // 1024} MB; the rest is not loaded"))
            return None
        self.files_read += 1
        try:
            if probe(path) == "none":  # recorded: the cache re-lints once the file exists
                self.errors.append(InputError(shown, None, f"{what} not found"))
                return None
            loaded = self.load(path, shown)
            self.bytes_read += len(loaded[1])
            return loaded
        except InputError as exc:
            self.errors.append(exc)
        except (OSError, ValueError, RecursionError) as exc:
            self.errors.append(InputError(shown, None, f"cannot read {what}: {exc}"))
        return None


@dataclass(slots=True)
class MetadataIndex:
    """Construct metadata entries of one stack artifact, indexed for the fallbacks below."""

    paths: dict[str, list[str]] = field(default_factory=dict)  # logical id → construct paths
    templates: dict[str, str] = field(default_factory=dict)  # template file → construct path
    asset_params: dict[str, str] = field(default_factory=dict)  # v1 S3 bucket parameter → asset path
    wa_lint: dict[str, Any] = field(default_factory=dict)  # construct path → its ``wa-lint`` node metadata
    errors: list[tuple[str, str, int | None, Path | None]] = field(default_factory=list)
    """``aws:cdk:error`` entries: (construct path, message, line, file), in the order written."""

    def add(self, raw: Any, origin: Path | None = None) -> None:
        """Index ``{"/construct/path": [{"type": …, "data": …}, …]}`` read from ``origin``;
        anything else is ignored."""
        if not isinstance(raw, dict):
            return
        for key, entries in raw.items():
            if isinstance(key, str) and isinstance(entries, list):
                for entry in entries:
                    if isinstance(entry, dict):
                        self._add_entry(key.lstrip("/"), entry.get("type"), entry.get("data"))
                        if entry.get("type") == SYNTH_ERROR:
                            message = entry.get("data")
                            self.errors.append((key, message if isinstance(message, str) else "(no message)",
                                                line_of(entry, "type"), origin))

    def _add_entry(self, path: str, kind: Any, data: Any) -> None:
        if kind == "aws:cdk:logicalId" and isinstance(data, str):
            self.paths.setdefault(data, []).append(path)
        elif kind == "aws:cdk:templateFile" and isinstance(data, str):
            self.templates[data] = path
        elif kind == "aws:cdk:asset" and isinstance(data, dict):
            param, asset = data.get("s3BucketParameter"), data.get("path")
            if isinstance(param, str) and isinstance(asset, str):
                self.asset_params[param] = asset
        elif kind == WA_LINT_METADATA:
            self.wa_lint[path.strip("/")] = data


@dataclass(slots=True)
class Metadata:
    """A stack artifact's metadata: inline in the manifest (v1, older v2) and/or in
    ``additionalMetadataFile`` (current v2). Read lazily: every resource normally carries
    ``aws:cdk:path`` and ``aws:asset:path``, so the (large) metadata file is rarely needed."""

    inline: Any = None
    file: Path | None = None
    manifest: Path | None = None  # where ``inline`` was read
    _index: MetadataIndex | None = None

    def index(self, ctx: Context) -> MetadataIndex:
        if self._index is None:
            self._index = MetadataIndex()
            self._index.add(self.inline, self.manifest)
            if self.file is not None:
                loaded = ctx.read(self.file, "CDK metadata file")
                self._index.add(loaded[0] if loaded else None, self.file)
        return self._index

    def synthesis_errors(self, ctx: Context) -> list[str]:
        """One warning when the stack's metadata records CDK synthesis errors (``aws:cdk:error``):
        the assembly is what ``cdk synth`` wrote before failing, which ``cdk deploy`` refuses. The
        metadata file is indexed only when its text names such an error."""
        if self._index is None and not (_mentions(self.inline, SYNTH_ERROR)
                                        or _file_mentions(self.file, SYNTH_ERROR)):
            return []
        errors = self.index(ctx).errors
        if not errors:
            return []
        path, message, line, origin = errors[0]
        first = message.strip().splitlines()[0] if message.strip() else "(no message)"
        where = f"{ctx.display(origin)}:{line or 1}" if origin is not None else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return [f"{where}: the cloud assembly records {len(errors)} CDK synthesis error(s) ({SYNTH_ERROR}), "
                f"which cdk synth reports and fails on: {path}: {first}{more}"]

    def wa_lint_entries(self, ctx: Context) -> dict[str, Any]:
        """The stack's ``wa-lint`` node metadata by construct path. The metadata file is parsed
        only when it mentions ``wa-lint`` (or the index is needed anyway), so it stays lazy."""
        if self._index is None and not _mentions(self.inline) and not _file_mentions(self.file):
            return {}
        return self.index(ctx).wa_lint


def _mentions(inline: Any, kind: str = WA_LINT_METADATA) -> bool:
    """Whether manifest metadata has an entry of ``kind`` (a cheap look before indexing)."""
    return isinstance(inline, dict) and any(
        isinstance(e, dict) and e.get("type") == kind
        for entries in inline.values() if isinstance(entries, list) for e in entries)


def _file_mentions(path: Path | None, kind: str = WA_LINT_METADATA) -> bool:
    """Whether the metadata file's text names ``kind``; unreadable: False (the index, when it is
    needed for something else, reports it)."""
    if path is None:
        return False
    try:
        return kind.encode() in read_bytes(path, str(path))
    except InputError:
        return False


@dataclass(frozen=True, slots=True)
class StackSource:
    """Where one stack's template is and what the assembly says about it."""

    name: str
    template: Path
    assembly: Path
    metadata: Metadata
    template_key: str  # the name the metadata's ``aws:cdk:templateFile`` entry would use
    parent: tuple[str, str] | None = None
    prefix_guess: str | None = None  # construct path of a nested stack, from its resource
    ancestors: frozenset[Path] = frozenset()


def load_stack(ctx: Context, src: StackSource) -> None:
    """Load ``src`` as a :class:`Stack` into ``ctx``, then its nested stacks after it."""
    key = src.template.resolve()  # resolved: ``a/../A.nested.template.json`` is still A
    if key in src.ancestors:
        ctx.error(src.template, None, f"nested stack {src.name} includes its own template")
        return
    loaded = ctx.read(src.template, f"template of stack {src.name}")
    if loaded is None:
        return
    template, text = loaded
    if not isinstance(template, dict):
        ctx.error(src.template, None, "template is not a JSON object")
        return
    stack = _stack(ctx, src, template, text)
    ctx.stacks.append(stack)
    for resource in stack.resources.values():
        _nested(ctx, src, stack, resource, src.ancestors | {key})


def _stack(ctx: Context, src: StackSource, template: dict[str, Any], text: str) -> Stack:
    every = resources_from_template(template)
    resources = {lid: _annotate(ctx, src, r) for lid, r in every.items() if r.type != CDK_METADATA}
    outputs = section(template, "Outputs")
    return Stack(
        name=src.name,
        path=ctx.display(src.template),
        kind="cdk",
        resources=resources,
        parameters=_without(section(template, "Parameters"), BOOTSTRAP_PARAMETERS),
        conditions=_without(section(template, "Conditions"), _orphan_conditions(every, resources, outputs)),
        outputs=outputs,
        mappings=section(template, "Mappings"),
        parent=src.parent,
        base_dir=src.assembly,
        source_text=text,
        warnings=[*(src.metadata.synthesis_errors(ctx) if src.parent is None else []),
                  *macro_warnings(template, text, ctx.display(src.template), expanded=frozenset())],
        construct_metadata=src.metadata.wa_lint_entries(ctx),
    )


def _orphan_conditions(
    every: dict[str, Resource], kept: dict[str, Resource], outputs: dict[str, Any]
) -> set[str]:
    """Conditions only the dropped CDKMetadata used (``CDKMetadataAvailable``): dropped with it."""
    dropped = {r.condition for r in every.values() if r.type == CDK_METADATA and r.condition}
    used = {r.condition for r in kept.values()}
    used |= {o.get("Condition") for o in outputs.values() if isinstance(o, dict)}
    return {c for c in dropped if c not in used and "CDKMetadata" in c}


def _without(values: dict[str, Any], names: set[str] | frozenset[str]) -> dict[str, Any]:
    """``values`` minus ``names``, keeping the loader's marks."""
    if not names & values.keys():
        return values
    kept = MarkedDict((k, v) for k, v in values.items() if k not in names)
    if isinstance(values, MarkedDict):
        kept.mark = values.mark
        kept.key_marks = {k: m for k, m in values.key_marks.items() if k not in names}
    return kept


def _annotate(ctx: Context, src: StackSource, resource: Resource) -> Resource:
    path = resource.metadata.get("aws:cdk:path")
    resource.construct_path = path if isinstance(path, str) and path else _indexed_path(ctx, src, resource)
    resource.local_paths.update(_assets(ctx, src, resource))
    resource.internal = internal_singleton(resource.construct_path, resource.logical_id) is not None
    return resource


def _indexed_path(ctx: Context, src: StackSource, resource: Resource) -> str | None:
    """Fallback construct path from ``aws:cdk:logicalId`` entries: logical ids are only unique per
    template, so keep paths under this stack's construct and prefer the shallowest (the parent's
    ``CDKMetadata`` over a nested stack's)."""
    index = src.metadata.index(ctx)
    candidates = index.paths.get(resource.logical_id, [])
    prefix = index.templates.get(src.template_key) or src.prefix_guess
    if prefix:
        candidates = [p for p in candidates if p.startswith(prefix + "/")]
    return min(candidates, key=lambda p: p.count("/"), default=None)


def _assets(ctx: Context, src: StackSource, resource: Resource) -> dict[str, Path]:
    """Local asset paths by property (``Code``, ``Content``, ``TemplateURL``…) that exist on disk."""
    prop = resource.metadata.get("aws:asset:property")
    raw = resource.metadata.get("aws:asset:path")
    if isinstance(prop, str) and prop and isinstance(raw, str) and raw:
        local = existing(src.assembly, raw)
        return {prop: local} if local else {}
    return _v1_assets(ctx, src, resource)


def _v1_assets(ctx: Context, src: StackSource, resource: Resource) -> dict[str, Path]:
    """v1 without asset metadata on the resource: match ``Code.S3Bucket: {Ref: AssetParameters…}``
    against the manifest's ``aws:cdk:asset`` entries."""
    found: dict[str, Path] = {}
    for prop in ("Code", "Content"):
        ref = resource.prop(prop, "S3Bucket", "Ref")
        if not isinstance(ref, str) or not ref.startswith("AssetParameters"):
            continue
        raw = src.metadata.index(ctx).asset_params.get(ref)
        local = existing(src.assembly, raw) if raw else None
        if local:
            found[prop] = local
    return found


def existing(assembly: Path, raw: str) -> Path | None:
    """``raw`` (relative to the assembly, possibly ``../asset.x`` or absolute) if it exists."""
    try:
        full = Path(os.path.normpath(assembly.absolute() / raw))
        return full if probe(full) != "none" else None
    except (OSError, ValueError):
        return None


def _nested(
    ctx: Context, src: StackSource, stack: Stack, resource: Resource, ancestors: frozenset[Path]
) -> None:
    """Load the template of an ``AWS::CloudFormation::Stack`` that CDK synthesized as an asset."""
    raw = resource.metadata.get("aws:asset:path")
    if resource.type != "AWS::CloudFormation::Stack" or not (isinstance(raw, str) and raw.endswith(NESTED_SUFFIX)):
        return
    template = src.assembly / raw
    if not ctx.confined(template, src.template, resource.line, f"nested stack {resource.logical_id}: its template"):
        return
    nested = StackSource(
        name=f"{stack.name}/{resource.logical_id}",
        template=template,
        assembly=src.assembly,
        metadata=src.metadata,
        template_key=raw,
        parent=(stack.name, resource.logical_id),
        prefix_guess=_nested_prefix(resource.construct_path),
        ancestors=ancestors,
    )
    load_stack(ctx, nested)


def _nested_prefix(resource_path: str | None) -> str | None:
    """``App/Net.NestedStack/Net.NestedStackResource`` → ``App/Net``, the nested stack's construct."""
    head = resource_path.rpartition("/")[0] if resource_path else ""
    return head.removesuffix(".NestedStack") if head.endswith(".NestedStack") else None


def line_of(node: Any, key: str) -> int | None:
    """Line of ``key`` in ``node`` when the loader marked it."""
    mark = mark_of(node, key)
    return mark.line if mark else None
