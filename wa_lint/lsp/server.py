"""``wa-lint server``: the language server (pygls) that lints templates as they are written.

Linting runs on one worker thread (the SAM translator keeps process-wide state and is not
thread-safe), never on the event loop: the server keeps answering hovers and code actions while a
template is linted. Changes are debounced (:data:`DEBOUNCE_S`); a result for a version the editor
has already replaced is dropped. Nothing a document does can stop the server: bad input is one
diagnostic at its line, a bug of ours one diagnostic plus a log message.

CDK: a workspace's ``cdk.out`` is linted when the server starts and whenever the client reports
(``workspace/didChangeWatchedFiles``) that a file in it changed; diagnostics go to the assembly's
``*.template.json`` files, each message naming the construct path.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from wa_lint import __version__
from wa_lint.finding import Finding
from wa_lint.lint_text import TextLinter
from wa_lint.lsp.convert import diagnostics_by_file, path_uri, uri_path
from wa_lint.lsp.suppression import suppression_edit
from wa_lint.pipeline import FileResult

log = logging.getLogger("wa_lint.lsp")

DEBOUNCE_S = 0.15
CONFIG_FILES = frozenset({".wa-lint.yaml", ".wa-lint.yml", "pyproject.toml"})
ASSEMBLY_GLOB = "**/cdk.out/**"


class WaLintServer(LanguageServer):
    """Per document: the pending lint (debounced), the last result and the URIs it published to."""

    def __init__(self, *, isolated: bool = False, debounce: float = DEBOUNCE_S) -> None:
        super().__init__("wa-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.isolated = isolated
        self.debounce = debounce
        self._linter: TextLinter | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wa-lint")
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.results: dict[str, FileResult] = {}
        self.published: dict[str, set[str]] = {}  # document or assembly → URIs given diagnostics

    def linter(self) -> TextLinter:
        """Rules load on first use, on the worker thread."""
        if self._linter is None:
            self._linter = TextLinter(isolated=self.isolated)
        return self._linter

    def schedule(self, key: str, work: Callable[[], FileResult | None], delay: float) -> None:
        """Run ``work`` on the worker thread after ``delay``; a newer schedule for ``key`` replaces it."""
        previous = self.pending.pop(key, None)
        if previous is not None:
            previous.cancel()
        self.pending[key] = asyncio.get_running_loop().create_task(self._run(key, work, delay))

    async def _run(self, key: str, work: Callable[[], FileResult | None], delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            result = await asyncio.get_running_loop().run_in_executor(self._executor, self._guarded, work)
        except asyncio.CancelledError:
            return
        if self.pending.get(key) is asyncio.current_task():
            del self.pending[key]
        if result is None:
            return
        try:
            self.publish(key, result)
        except Exception:
            log.exception("wa-lint: publishing diagnostics failed")

    def _guarded(self, work: Callable[[], FileResult | None]) -> FileResult | None:
        try:
            return work()
        except Exception:  # never reaches the event loop: logged, and the server goes on
            log.exception("wa-lint: linting failed")
            return None

    def publish(self, key: str, result: FileResult) -> None:
        """Diagnostics for every file ``result`` touches; files it touched last time and not now are cleared."""
        self.results[key] = result
        texts: dict[str, list[str]] = {}
        for uri, doc in list(self.workspace.text_documents.items()):
            path = uri_path(uri)
            if path is not None:
                texts[path.as_posix()] = doc.lines and [line.rstrip("\r\n") for line in doc.lines]
        by_file = diagnostics_by_file(result, texts, self.linter().by_id) if not result.skipped else {}
        if key.startswith("file:"):
            by_file.setdefault(result.path, [])  # also clears what an earlier version of it had
        elif result.path in by_file:  # an assembly's own errors: on its manifest
            by_file[f"{result.path}/manifest.json"] = by_file.pop(result.path)
        uris = {path_uri(path): diags for path, diags in by_file.items()}
        if result.traceback:
            log.error("wa-lint: %s\n%s", result.internal_error or "internal error", result.traceback)
        for uri in self.published.get(key, set()) - set(uris):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, diags in uris.items():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diags))
        self.published[key] = set(uris)

    def lint_document(self, uri: str, delay: float) -> None:
        path = uri_path(uri)
        if path is None or _in_assembly(path):
            return  # unsaved buffers have no directory to resolve paths in; cdk.out is linted whole
        root = self._root_of(path)

        def work() -> FileResult | None:
            doc = self.workspace.text_documents.get(uri)
            if doc is None:
                return None
            return self.linter().lint_text(doc.source, path.absolute(), root)

        self.schedule(uri, work, delay)

    def lint_assembly(self, directory: Path, delay: float) -> None:
        self.schedule(f"cdk:{directory}", lambda: self.linter().lint_assembly(directory.absolute()), delay)

    def _root_of(self, path: Path) -> Path:
        """The workspace folder holding ``path`` bounds its nested templates; else its directory."""
        folders = [uri_path(f.uri) for f in self.workspace.folders.values()]
        for folder in folders:
            if folder is not None and path.absolute().is_relative_to(folder.absolute()):
                return folder.absolute()
        return path.parent.absolute()

    def clear(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.results.pop(uri, None)
        for target in self.published.pop(uri, set()):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=target, diagnostics=[]))


def _in_assembly(path: Path) -> bool:
    return "cdk.out" in path.parts


def _assembly_of(path: Path) -> Path | None:
    for parent in (path, *path.parents):
        if parent.name == "cdk.out":
            return parent
    return None


def create_server(*, isolated: bool = False, debounce: float = DEBOUNCE_S) -> WaLintServer:
    server = WaLintServer(isolated=isolated, debounce=debounce)

    @server.feature(types.INITIALIZED)
    def initialized(ls: WaLintServer, _params: types.InitializedParams) -> None:
        for folder in ls.workspace.folders.values():
            root = uri_path(folder.uri)
            if root is not None and (root / "cdk.out" / "manifest.json").is_file():
                ls.lint_assembly(root / "cdk.out", 0)
        watch = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watch and watch.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[
                types.FileSystemWatcher(glob_pattern=ASSEMBLY_GLOB),
                *(types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in sorted(CONFIG_FILES)),
            ])
            registration = types.Registration(id="wa-lint-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                              register_options=options)
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: WaLintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint_document(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: WaLintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.lint_document(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: WaLintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = uri_path(params.text_document.uri)
        if path is not None and path.name in CONFIG_FILES:
            _relint_all(ls)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: WaLintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.clear(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: WaLintServer, params: types.DidChangeWatchedFilesParams) -> None:
        assemblies: set[Path] = set()
        for change in params.changes:
            path = uri_path(change.uri)
            if path is None:
                continue
            if path.name in CONFIG_FILES:
                _relint_all(ls)
            assembly = _assembly_of(path)
            if assembly is not None:
                assemblies.add(assembly)
        for assembly in sorted(assemblies):
            ls.lint_assembly(assembly, ls.debounce)  # `cdk synth` writes many files: lint once after them

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: WaLintServer, params: types.HoverParams) -> types.Hover | None:
        found = _findings_at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        from wa_lint.lsp.hover import hover as render

        findings, block = found
        hover_caps = ls.client_capabilities.text_document and ls.client_capabilities.text_document.hover
        formats = hover_caps.content_format if hover_caps else None
        markdown = not formats or types.MarkupKind.Markdown in formats  # unsaid: Markdown, as editors show it
        return render(findings, ls.linter().by_id, block, markdown=markdown)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: WaLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        path = uri_path(uri)
        doc = ls.workspace.text_documents.get(uri)
        if path is None or doc is None or _in_assembly(path):
            return []
        actions = []
        for diag in params.context.diagnostics:
            data = diag.data if isinstance(diag.data, dict) else None
            if diag.source != "wa-lint" or not data or not isinstance(diag.code, str):
                continue
            edit = suppression_edit(doc.source, path, str(data.get("resource")), diag.code)
            if edit is None:
                continue
            actions.append(types.CodeAction(
                title=f"Suppress {diag.code} on {data.get('resource')} (wa-lint Metadata, reason to fill in)",
                kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                edit=types.WorkspaceEdit(changes={uri: [edit]})))
        return actions

    return server


def _relint_all(ls: WaLintServer) -> None:
    for uri in list(ls.workspace.text_documents):
        ls.lint_document(uri, ls.debounce)
    for key in list(ls.results):
        if key.startswith("cdk:"):
            ls.lint_assembly(Path(key[4:]), ls.debounce)


def _findings_at(ls: WaLintServer, uri: str, position: types.Position) -> tuple[list[Finding], types.Range] | None:
    """The findings whose resource block holds ``position``, and the lines they span together (one
    resource's block: resources do not nest, and SAM's generated ones report on the resource written)."""
    from wa_lint.lsp.convert import block_range

    path = uri_path(uri)
    if path is None:
        return None
    doc = ls.workspace.text_documents.get(uri)
    lines = [line.rstrip("\r\n") for line in doc.lines] if doc is not None else []
    shown = path.absolute().as_posix()
    found: list[tuple[Finding, types.Range]] = []
    for result in list(ls.results.values()):
        for finding in result.findings:
            if (finding.path or result.path) == shown:
                rng = block_range(lines, finding.line, finding.column)
                if _holds(rng, position):
                    found.append((finding, rng))
    if not found:
        return None
    start = min((rng.start for _, rng in found), key=lambda p: (p.line, p.character))
    end = max((rng.end for _, rng in found), key=lambda p: (p.line, p.character))
    return [finding for finding, _ in found], types.Range(start, end)


def _holds(rng: types.Range, position: types.Position) -> bool:
    """On one of the block's lines (a hover anywhere on a resource's lines is about the resource)."""
    return rng.start.line <= position.line <= rng.end.line


def serve(args: Any = None) -> int:
    """Run the server over stdio until the client exits it."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # stderr: stdout carries the protocol
    create_server(isolated=bool(getattr(args, "no_config", False))).start_io()
    return 0
