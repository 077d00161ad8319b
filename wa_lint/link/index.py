"""The link index of one run: which stack's import, SSM read or parameter is answered where.

Built once per run in the main process (before linting, or by a parallel run while its pool
lints the sources that cannot link: :class:`DeferredIndex`); plain data, so it can be pickled.
A cheap text pass picks the sources that could take part (an import needs an export somewhere
in the run, an SSM read a parameter written somewhere, a parameter value a deployment file);
only those are loaded (:meth:`LinkIndex.load`, memoised, so the lint reuses them in this
process). When nothing can link, there is no index and the run pays for the text pass only.

Matching is exact and never guesses: an import name is evaluated with the importer's values
(parameter defaults or the values a deployment passes); an export name with the exporter's
deployed stack name when one is known. When the exporter's name is unknown, its export name is
a pattern (``<prefix><any stack name><suffix>``); an import that no known name matches but that
exactly one pattern matches links, and the link says so. Several candidates: no link.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_lint.discover import Source, peek
from wa_lint.fileio import Dependency, recording, replay
from wa_lint.link.deploy import Deployment, DeployOptions, parameter_file, samconfig
from wa_lint.link.rewrite import SSM_REFERENCE
from wa_lint.model import InputError, Stack
from wa_lint.values import Resolver, intrinsic

StackKey = tuple[str, str]
"""(source display, stack name): one stack of the run."""

SCAN_BYTES = 8 << 20
STACK_NAME = "AWS::StackName"
_HOLE = "\x00stack-name\x00"
#: what a deployed stack name may be (CloudFormation: a letter, then letters, digits and hyphens)
DEPLOYED_NAME = re.compile(r"[A-Za-z][-A-Za-z0-9]{0,127}")
SUFFIX_NOTE = "matched by suffix; exporter stack name unknown"
SSM_WRITE = re.compile(rb"AWS::SSM::Parameter(?!::)")
SSM_READ = (b"AWS::SSM::Parameter::Value", b"resolve:ssm:")
NO_LINK_ENV = "WA_LINT_NO_LINK"
"""Set to 1 to lint every stack on its own (the benchmark's baseline)."""


class LinkResolver(Resolver):
    """A stack's resolver that knows the stack's deployed name (or leaves a hole for it)."""

    def __init__(self, stack: Stack, parameters: dict[str, Any], stack_name: str | None) -> None:
        super().__init__(parameters, stack.mappings, stack.resources)
        self.stack_name = stack_name

    def ref(self, name: str) -> Any:
        if name == STACK_NAME and self.stack_name is not None:
            return self.stack_name
        return super().ref(name)

    def default_text(self, name: str) -> str | None:
        """The (deployed) default of parameter ``name`` when it is non-empty text."""
        param = self.parameters.get(name)
        default = param.get("Default") if isinstance(param, dict) else None
        return default if isinstance(default, str) and default else None


@dataclass(frozen=True, slots=True)
class Target:
    """What a link resolves to: an export (``output``) or an SSM parameter resource (``resource``)
    of ``stack``; ``via`` is the export or parameter name, ``note`` how it was matched."""

    stack: StackKey
    output: str | None
    resource: str | None
    via: str
    note: str | None = None

    @property
    def evidence(self) -> str:
        return describe(self.output is not None, self.via, self.note)


def describe(export: bool, via: str, note: str | None) -> str:
    """A link's evidence in words: ``export NAME`` or ``SSM parameter NAME``, then how it matched."""
    return ("export " if export else "SSM parameter ") + via + (f" ({note})" if note else "")


@dataclass(slots=True)
class StackLinks:
    """One stack's part of the index."""

    deployment: Deployment = field(default_factory=Deployment)
    imports: dict[str, Target] = field(default_factory=dict)  # evaluated import name → export
    ssm_params: dict[str, Target] = field(default_factory=dict)  # SSM-typed parameter → writer
    ssm_refs: dict[str, Target] = field(default_factory=dict)  # {{resolve:ssm:NAME}} → writer

    def targets(self) -> Iterator[Target]:
        yield from self.imports.values()
        yield from self.ssm_params.values()
        yield from self.ssm_refs.values()


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One cross-stack link, for the graph export and the closing notes."""

    src: StackKey
    dst: StackKey
    kind: str  # "export", "ssm"
    via: str
    note: str | None
    target: str  # the exporter's output or the writer's resource


class LinkIndex:
    """The run's links and the sources they involve (see the module docstring)."""

    def __init__(self, sources: dict[str, Source], stacks: dict[StackKey, StackLinks],
                 records: list[LinkRecord]) -> None:
        self.sources = sources
        self.stacks = stacks
        self.records = records
        self._neighbors: dict[StackKey, list[StackKey]] | None = None
        self._loaded: dict[str, tuple[list[Stack], list[InputError]] | InputError] = {}
        self._reads: dict[str, dict[str, Dependency]] = {}  # what each load read, for the cache

    def __getstate__(self) -> dict[str, Any]:
        return {"sources": self.sources, "stacks": self.stacks, "records": self.records}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["sources"], state["stacks"], state["records"])  # type: ignore[misc]

    def neighbors(self, key: StackKey) -> list[StackKey]:
        """The stacks ``key`` is linked with, either way, in the order links were found."""
        if self._neighbors is None:
            found: dict[StackKey, list[StackKey]] = defaultdict(list)
            for rec in self.records:
                for a, b in ((rec.src, rec.dst), (rec.dst, rec.src)):
                    if b not in found[a]:
                        found[a].append(b)
            self._neighbors = dict(found)
        return self._neighbors.get(key, [])

    def involves(self, source: Source) -> bool:
        return source.display in self.sources

    def load(self, source: Source) -> tuple[list[Stack], list[InputError]]:
        """The source's stacks, loaded once per process (the pre-pass and the lint share them).
        The files the load read are replayed into the caller's recording (the cache's dependencies)."""
        if source.display not in self._loaded:
            from wa_lint.stacks import load_stacks

            with recording() as reads:
                try:
                    self._loaded[source.display] = load_stacks(source)
                except InputError as exc:
                    self._loaded[source.display] = exc
            self._reads[source.display] = reads
        replay(self._reads.get(source.display, {}))
        got = self._loaded[source.display]
        if isinstance(got, InputError):
            raise got
        return got

    def stack(self, key: StackKey) -> Stack | None:
        source = self.sources.get(key[0])
        if source is None:
            return None
        try:
            stacks, _ = self.load(source)
        except (InputError, RecursionError):
            return None
        return next((s for s in stacks if s.name == key[1]), None)


# -- the text pass -----------------------------------------------------------------------------
@dataclass(slots=True)
class _Signs:
    imports: bool = False
    exports: bool = False
    ssm_read: bool = False
    ssm_write: bool = False


def _files(source: Source) -> list[Path]:
    if source.kind == "cdk":
        return sorted(source.path.rglob("*.template.json"))
    return [source.path]


def _signs(source: Source) -> _Signs:
    signs = _Signs()
    for path in _files(source):
        head = peek(path, SCAN_BYTES)
        if head is None:
            continue
        signs.imports |= b"ImportValue" in head
        signs.exports |= b"Export" in head
        signs.ssm_read |= any(s in head for s in SSM_READ)
        signs.ssm_write |= SSM_WRITE.search(head) is not None
    return signs


def _deployed(source: Source, options: DeployOptions) -> bool:
    if source.kind != "template":
        return False
    named = {source.display, os.path.normpath(str(source.path))}
    if named & set(options.stack_names) or any(t in named for t, _ in options.parameter_files if t):
        return True
    return (source.path.parent / "samconfig.toml").is_file()


def link_candidates(sources: list[Source], options: DeployOptions | None = None) -> list[Source]:
    """The text pass: the sources that could take part in a link (the only ones the index loads);
    none when nothing can link. Cheap: it reads text, loads nothing."""
    options = options or DeployOptions()
    if os.environ.get(NO_LINK_ENV) == "1":
        return []
    usable = [s for s in sources if s.problem is None and s.kind in ("template", "cdk")]
    signs = {s.display: _signs(s) for s in usable}
    any_sign = _Signs(
        imports=any(x.imports for x in signs.values()), exports=any(x.exports for x in signs.values()),
        ssm_read=any(x.ssm_read for x in signs.values()), ssm_write=any(x.ssm_write for x in signs.values()),
    )
    exports = any_sign.imports and any_sign.exports
    ssm = any_sign.ssm_read and any_sign.ssm_write
    lone = options.parameter_files and not any(t for t, _ in options.parameter_files)
    wanted = []
    for s in usable:
        x = signs[s.display]
        if ((exports and (x.imports or x.exports)) or (ssm and (x.ssm_read or x.ssm_write))
                or _deployed(s, options) or (lone and s.kind == "template")):
            wanted.append(s)
    return wanted


def build_index(sources: list[Source], options: DeployOptions | None = None,
                wanted: list[Source] | None = None) -> tuple[LinkIndex | None, list[str]]:
    """The run's link index, or None when nothing links; and the errors of deployment files
    (one line each, naming the file). ``wanted``: :func:`link_candidates`, when already known."""
    options = options or DeployOptions()
    if os.environ.get(NO_LINK_ENV) == "1":
        return None, []
    wanted = link_candidates(sources, options) if wanted is None else wanted
    if not wanted:
        return None, []
    templates = [s for s in sources if s.problem is None and s.kind == "template"]
    index = LinkIndex({s.display: s for s in wanted}, {}, [])
    errors: list[str] = []
    loaded: list[tuple[StackKey, Stack]] = []
    for source in wanted:
        try:
            stacks, _ = index.load(source)
        except (InputError, RecursionError):
            continue  # the lint reports it
        loaded.extend(((source.display, st.name), st) for st in stacks)
    deployments = _deployments(loaded, index.sources, options, templates, errors)
    _Linker(loaded, deployments).link(index)
    if not index.stacks and not index.records:
        return None, errors
    return index, errors


IndexBuilder = Callable[[list[Source], DeployOptions, list[Source]], tuple["LinkIndex | None", list[str]]]
"""(sources, options, candidates) → the index and its errors: :func:`build_index`'s shape."""


class DeferredIndex:
    """The link index of a parallel run, built while the pool already lints (``wa_lint.runner``).
    The text pass runs here and names the candidates; a source that is not one is never in the
    index and lints the same without it, so only the candidates wait for :meth:`build` (in the
    main process, which then has their stacks loaded). ``errors`` receives the build's errors.
    ``builder`` builds it (:func:`build_index`, or the result cache's ``links`` around it)."""

    def __init__(self, sources: list[Source], options: DeployOptions, errors: list[str],
                 builder: IndexBuilder | None = None) -> None:
        self._sources = sources
        self._options = options
        self._wanted = link_candidates(sources, options)
        self._builder = builder or build_index
        self.candidates = {s.display for s in self._wanted}
        self.errors = errors

    def build(self) -> LinkIndex | None:
        index, more = self._builder(self._sources, self._options, self._wanted)
        self.errors.extend(more)
        return index


def _deployments(loaded: list[tuple[StackKey, Stack]], sources: dict[str, Source], options: DeployOptions,
                 templates: list[Source], errors: list[str]) -> dict[StackKey, Deployment]:
    """Each stack's deployment: CDK stacks by their manifest name, root templates by samconfig.toml,
    ``--stack-name`` and ``--parameters`` (the command line wins)."""
    files: list[tuple[str | None, dict[str, str]]] = []
    for target, path in options.parameter_files:
        try:
            files.append((target, parameter_file(path)))
        except InputError as exc:
            errors.append(str(exc))
    lone = len(templates) == 1
    out: dict[StackKey, Deployment] = {}
    for key, stack in loaded:
        source = sources[key[0]]
        if stack.kind == "cdk" or source.kind == "cdk":
            out[key] = Deployment(stack.name, {}, "cdk manifest")
            continue
        if stack.parent is not None:
            continue  # nested stacks take their parent's Parameters (expanded with the parent)
        try:
            dep = samconfig(source.path, source.display, options.config_env) or Deployment()
        except InputError as exc:
            errors.append(str(exc))
            dep = Deployment()
        named = {source.display, os.path.normpath(str(source.path))}
        for target, values in files:
            if (target is None and lone) or (target is not None and os.path.normpath(target) in named):
                dep.parameters.update(values)
        for target, name in options.stack_names.items():
            if os.path.normpath(target) in named:
                dep.name = name
        if dep.name or dep.parameters:
            out[key] = dep
    return out


def deployed_parameters(stack: Stack, values: dict[str, str]) -> dict[str, Any]:
    """The stack's parameters with the defaults a deployment overrides (declared ones only)."""
    if not values:
        return stack.parameters
    params = dict(stack.parameters)
    for name, value in values.items():
        if isinstance(params.get(name), dict):
            params[name] = {**params[name], "Default": value}
    return params


# -- matching ----------------------------------------------------------------------------------
@dataclass(slots=True)
class _Export:
    key: StackKey
    output: str
    name: str | None = None  # exact
    pattern: tuple[str, str] | None = None  # (prefix, suffix) around an unknown stack name


class _Linker:
    def __init__(self, loaded: list[tuple[StackKey, Stack]], deployments: dict[StackKey, Deployment]) -> None:
        self.loaded = loaded
        self.deployments = deployments
        self.resolvers: dict[StackKey, LinkResolver] = {}
        for key, stack in loaded:
            dep = deployments.get(key, Deployment())
            self.resolvers[key] = LinkResolver(stack, deployed_parameters(stack, dep.parameters), dep.name)

    def link(self, index: LinkIndex) -> None:
        for key, dep in self.deployments.items():
            index.stacks.setdefault(key, StackLinks()).deployment = dep
        exports = self._exports()
        writers = self._writers()
        for key, stack in self.loaded:
            links = StackLinks(self.deployments.get(key, Deployment()))
            resolver = self.resolvers[key]
            for arg in _import_args(stack):
                name = resolver.scalar(arg)
                if isinstance(name, str) and name not in links.imports:
                    target = _match_export(name, key, exports)
                    if target is not None:
                        links.imports[name] = target
            for pname, param in stack.parameters.items():
                ptype = param.get("Type") if isinstance(param, dict) else None
                if isinstance(ptype, str) and ptype.startswith("AWS::SSM::Parameter::Value<"):
                    ssm_name = resolver.default_text(pname)
                    if ssm_name is not None:
                        target = _match_writer(ssm_name, key, writers)
                        if target is not None:
                            links.ssm_params[pname] = target
            for ssm_name in _dynamic_names(stack):
                target = _match_writer(ssm_name, key, writers)
                if target is not None:
                    links.ssm_refs[ssm_name] = target
            if links.imports or links.ssm_params or links.ssm_refs or key in self.deployments:
                index.stacks[key] = links
            for target in links.targets():
                kind = "export" if target.output is not None else "ssm"
                record = LinkRecord(key, target.stack, kind, target.via, target.note,
                                    target.output or target.resource or "")
                if record not in index.records:  # an SSM name read as a parameter and as a reference
                    index.records.append(record)

    def _exports(self) -> list[_Export]:
        out: list[_Export] = []
        seen: set[tuple[str, str]] = set()
        for key, stack in self.loaded:
            dep = self.deployments.get(key, Deployment())
            holed = LinkResolver(stack, deployed_parameters(stack, dep.parameters), dep.name or _HOLE)
            for oname, output in stack.outputs.items():
                export = output.get("Export") if isinstance(output, dict) else None
                if not isinstance(export, dict) or "Name" not in export:
                    continue
                if (stack.path, str(oname)) in seen:
                    continue  # a nested template linted on its own and through its parent: one export
                seen.add((stack.path, str(oname)))
                value = holed.scalar(export["Name"])
                if not isinstance(value, str):
                    continue
                if _HOLE not in value:
                    out.append(_Export(key, str(oname), name=value))
                elif value.count(_HOLE) == 1:
                    prefix, _, suffix = value.partition(_HOLE)
                    out.append(_Export(key, str(oname), pattern=(prefix, suffix)))
        return out

    def _writers(self) -> dict[str, list[tuple[StackKey, str]]]:
        out: dict[str, list[tuple[StackKey, str]]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for key, stack in self.loaded:
            for res in stack.resources.values():
                if res.type != "AWS::SSM::Parameter" or (stack.path, res.logical_id) in seen:
                    continue
                seen.add((stack.path, res.logical_id))
                name = self.resolvers[key].scalar(res.prop("Name"))
                if isinstance(name, str) and name and "Value" in res.properties:
                    out[name].append((key, res.logical_id))
        return out


def _match_export(name: str, importer: StackKey, exports: list[_Export]) -> Target | None:
    exact = [e for e in exports if e.name == name and e.key != importer]
    if exact:
        return Target(exact[0].key, exact[0].output, None, name) if len(exact) == 1 else None
    by_pattern = [e for e in exports if e.pattern is not None and e.key != importer
                  and _fits(name, *e.pattern)]
    if len(by_pattern) == 1:
        return Target(by_pattern[0].key, by_pattern[0].output, None, name, SUFFIX_NOTE)
    return None


def _fits(name: str, prefix: str, suffix: str) -> bool:
    if len(name) <= len(prefix) + len(suffix) or not name.startswith(prefix) or not name.endswith(suffix):
        return False
    return DEPLOYED_NAME.fullmatch(name[len(prefix):len(name) - len(suffix)]) is not None


def _match_writer(name: str, reader: StackKey, writers: dict[str, list[tuple[StackKey, str]]]) -> Target | None:
    found = [w for w in writers.get(name, ()) if w[0] != reader]
    if len(found) != 1:
        return None
    return Target(found[0][0], None, found[0][1], name)


def _walk(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _import_args(stack: Stack) -> Iterator[Any]:
    for res in stack.resources.values():
        for item in _walk(res.properties):
            fn = intrinsic(item) if isinstance(item, dict) else None
            if fn is not None and fn[0] == "Fn::ImportValue":
                yield fn[1]


def _dynamic_names(stack: Stack) -> list[str]:
    names: dict[str, None] = {}
    for res in stack.resources.values():
        for item in _walk(res.properties):
            if isinstance(item, str) and "{{resolve:ssm:" in item:
                names.update((m.group(1), None) for m in SSM_REFERENCE.finditer(item))
    return list(names)

