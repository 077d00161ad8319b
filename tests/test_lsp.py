"""`wa-lint server` driven as an editor drives it (pytest-lsp's client over stdio): open, change,
diagnostics, hover, code action, malformed input, a CDK assembly, shutdown."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from wa_lint.finding import Finding
from wa_lint.lsp.suppression import REASON

ROOT = Path(__file__).resolve().parent.parent
BOUND_S = 120  # seconds: a generous bound on waiting for the server (2 shared cores), not a timing test

SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Thumbnailer:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context): return event"
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
"""

DLQ = """\
      DeadLetterQueue:
        Type: SQS
        TargetArn: !GetAtt Failures.Arn
  Failures:
    Type: AWS::SQS::Queue
"""


# pytest_lsp.fixture is untyped: the ignore keeps the fixture checked as written
@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "wa_lint.cli", "server"]))  # type: ignore[untyped-decorator]
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[None]:
    workspace = tmp_path_factory.mktemp("workspace")
    (workspace / ".wa-lint.yaml").write_text("ignore: [WA505]\n")
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")],
    )
    await lsp_client.initialize_session(params)
    lsp_client.workspace_root = workspace  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def wait_for(client: LanguageClient, uri: str,
                   done: Callable[[Sequence[types.Diagnostic]], bool]) -> Sequence[types.Diagnostic]:
    """The diagnostics of ``uri`` once ``done`` holds for them (within :data:`BOUND_S`)."""

    async def poll() -> Sequence[types.Diagnostic]:
        while True:
            diags = client.diagnostics.get(uri)
            if diags is not None and done(diags):
                return diags
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    try:
        return await asyncio.wait_for(poll(), BOUND_S)
    except TimeoutError:
        pytest.fail(f"no such diagnostics for {uri} within {BOUND_S} s; last: {client.diagnostics.get(uri)}")


def codes(diags: Sequence[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in diags if d.code}


async def quick_fix(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> types.TextEdit:
    """The one edit of the first code action the server offers for ``diagnostic``."""
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    assert actions
    assert isinstance(actions[0], types.CodeAction)
    edit = actions[0].edit
    assert edit is not None
    assert edit.changes is not None
    (text_edit,) = edit.changes[uri]
    return text_edit


def open_doc(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)))
    return uri


def change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def assert_suppressed(client: LanguageClient, uri: str, edited: str, rule: str) -> None:
    """Send ``edited`` (a quick fix applied): ``rule`` goes, and neither suppression check (WA001
    no reason, WA002 unused) takes its place: the placeholder counts as a reason."""
    change(client, uri, edited, 2)
    diags = await wait_for(client, uri, lambda d: rule not in codes(d))
    assert not codes(diags) & {"WA001", "WA002", rule}


@pytest.mark.asyncio(loop_scope="function")
async def test_open_change_hover_code_action(client: LanguageClient) -> None:
    uri = open_doc(client, client.workspace_root / "template.yaml", SAM)  # type: ignore[attr-defined]
    diags = await wait_for(client, uri, lambda d: "WA101" in codes(d))
    assert "WA505" not in codes(diags)  # the workspace's .wa-lint.yaml ignores it, as the CLI would
    wa101 = next(d for d in diags if d.code == "WA101")
    assert wa101.severity == types.DiagnosticSeverity.Error
    assert wa101.source == "wa-lint"
    assert wa101.code_description is not None
    assert wa101.code_description.href.endswith("/docs/rules/WA101.md")
    # the block of the SAM resource the user wrote: from `Thumbnailer:` (line 6) to its last line (17)
    assert (wa101.range.start.line, wa101.range.start.character) == (5, 2)
    assert wa101.range.end.line == 16
    assert "Uploads" in wa101.message
    related = wa101.related_information or []
    assert [(r.location.uri, r.location.range.start.line) for r in related] == [(uri, 3)]

    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=9, character=6)))
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    value = hover.contents.value
    # each finding of the resource in a few lines: id, severity, name, message, fix, a link to its page
    assert "**WA101** (error) lambda-async-no-failure-destination: Thumbnailer is invoked" in value
    assert "**Fix:**" in value
    assert "[WA101 documentation](" in value
    assert wa101.code_description.href in value
    assert {"WA101", "WA501"} <= set(re.findall(r"\*\*(WA\d+)\*\*", value))
    assert "## Why" not in value  # not the rules' whole pages
    assert len(value) < 700 * value.count("**Fix:**")
    assert hover.range == wa101.range  # the resource's block

    text_edit = await quick_fix(client, uri, wa101)
    assert text_edit.range.start == types.Position(line=6, character=0)
    assert text_edit.new_text == (
        "    Metadata:\n      wa-lint:\n        ignore:\n          - id: WA101\n"
        f'            reason: "{REASON}"\n')

    # the edit applied: WA101 is suppressed (and not WA001: the placeholder is a reason)
    lines = SAM.splitlines(keepends=True)
    suppressed = "".join([*lines[:6], text_edit.new_text, *lines[6:]])
    await assert_suppressed(client, uri, suppressed, "WA101")

    # a change that fixes it the ordinary way, typed in two quick edits (debounced)
    change(client, uri, SAM + "      DeadLetterQueue:\n", 3)
    change(client, uri, SAM + DLQ, 4)
    diags = await wait_for(client, uri, lambda d: "WA101" not in codes(d) and "WA110" in codes(d))
    assert not any(d.severity == types.DiagnosticSeverity.Error and d.code is None for d in diags)

    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await wait_for(client, uri, lambda d: not d)


@pytest.mark.asyncio(loop_scope="function")
async def test_malformed_document_one_diagnostic_and_server_keeps_running(client: LanguageClient) -> None:
    root: Path = client.workspace_root  # type: ignore[attr-defined]
    uri = open_doc(client, root / "broken.yaml", SAM + "  Bad: [\n")
    (diag,) = await wait_for(client, uri, lambda d: len(d) > 0)
    assert diag.severity == types.DiagnosticSeverity.Error
    assert diag.code is None
    assert diag.range.start.line == 17  # the unclosed `[` (the parser stopped at the end of the file)
    assert diag.message.startswith("invalid YAML: ")  # without the file's path: the editor shows it

    # the QA's case: an unclosed `[` the parser notices on the next line is shown where it opens
    change(client, uri, SAM.replace("Handler: index.handler", "Handler: [index.handler"), 2)
    (diag,) = await wait_for(client, uri, lambda d: len(d) == 1 and d[0].range.start.line != 17)
    assert (diag.range.start.line, diag.range.start.character) == (9, 6)  # `Handler: [index.handler`
    assert [r.location.range.start.line for r in diag.related_information or []] == [10]
    assert diag.message.startswith("invalid YAML: ")
    assert diag.message.endswith("(while parsing a flow sequence on line 10)")

    change(client, uri, SAM, 3)  # repaired: findings again, from the same server process
    await wait_for(client, uri, lambda d: "WA101" in codes(d))

    # a file that is not a template (a workflow) gets no diagnostics at all
    other = open_doc(client, root / "workflow.yaml", "on: push\njobs: {build: {runs-on: ubuntu-latest}}\n")
    await wait_for(client, other, lambda d: not d)


@pytest.mark.asyncio(loop_scope="function")
async def test_json_template_and_suppression(client: LanguageClient) -> None:
    root: Path = client.workspace_root  # type: ignore[attr-defined]
    source = ROOT / "fixtures" / "WA101" / "bad" / "cdk-scheduled-function.json"
    text = source.read_text()
    uri = open_doc(client, root / "stack.json", text)
    diags = await wait_for(client, uri, lambda d: "WA101" in codes(d))
    wa101 = next(d for d in diags if d.code == "WA101")
    assert wa101.range.end.line > wa101.range.start.line  # the resource's object, not one line
    assert (wa101.range.end.character > 0)
    assert (text.splitlines()[wa101.range.end.line][wa101.range.end.character - 1] == "}")
    text_edit = await quick_fix(client, uri, wa101)
    edited = apply_edit(text, text_edit)
    json.loads(edited)
    # CDK writes each resource's Metadata on one line: the entry joins it there (the unit tests above
    # cover objects spread over lines)
    assert edited.splitlines()[text_edit.range.start.line] == (
        '      "Metadata": {"wa-lint": {"ignore": [{"id": "WA101", "reason": "' + REASON + '"}]}, '
        '"aws:cdk:path": "CronStack/CleanupFunction/Resource"}')
    await assert_suppressed(client, uri, edited, "WA101")


@pytest.mark.asyncio(loop_scope="function")
async def test_suppress_flow_style_resource(client: LanguageClient) -> None:
    root: Path = client.workspace_root  # type: ignore[attr-defined]
    text = "Resources:\n  Q: {Type: 'AWS::SQS::Queue'}\n"
    uri = open_doc(client, root / "queue.yaml", text)
    diags = await wait_for(client, uri, lambda d: "WA104" in codes(d))
    wa104 = next(d for d in diags if d.code == "WA104")
    text_edit = await quick_fix(client, uri, wa104)
    edited = apply_edit(text, text_edit)
    assert edited == ("Resources:\n  Q: {Metadata: {wa-lint: {ignore: [{id: WA104, "
                      f'reason: "{REASON}"}}]}}}}, Type: \'AWS::SQS::Queue\'}}\n')
    await assert_suppressed(client, uri, edited, "WA104")


@pytest.mark.asyncio(loop_scope="function")
async def test_cdk_assembly_linted_when_it_changes(client: LanguageClient) -> None:
    root: Path = client.workspace_root  # type: ignore[attr-defined]
    assembly = root / "cdk.out"
    shutil.copytree(ROOT / "fixtures" / "WA101" / "bad" / "cdk-sns-app" / "cdk.out", assembly)
    templates = sorted(assembly.glob("*.template.json"))
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=(assembly / "manifest.json").as_uri(), type=types.FileChangeType.Changed)]))
    found: dict[str, Sequence[types.Diagnostic]] = {}

    async def any_wa101() -> None:
        while True:
            found.update({t.as_uri(): client.diagnostics.get(t.as_uri(), []) for t in templates})
            if any("WA101" in codes(d) for d in found.values()):
                return
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    try:
        await asyncio.wait_for(any_wa101(), BOUND_S)
    except TimeoutError:
        pytest.fail(f"no WA101 in {assembly} within {BOUND_S} s; diagnostics: {client.diagnostics}")
    wa101 = next(d for diags in found.values() for d in diags if d.code == "WA101")
    assert wa101.message.endswith("[NotifierStack/Notifier/Resource]")  # the construct path


def test_server_without_pygls_prints_one_line_hint(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from wa_lint.cli import main

    monkeypatch.setitem(sys.modules, "pygls", None)  # `import pygls` raises ImportError
    assert main(["server"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "wa-lint: the language server needs pygls: pip install 'wa-lint[server]'\n"


# --- where an input error shows (item: the line the user must look at, no absolute path) ----------

FLOW_UNCLOSED = """\
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: [app.handler
      CodeUri: src/
"""


@pytest.mark.parametrize(("name", "text", "row", "noticed"), [
    # an unclosed `[` / `{` / quote / key without its colon: where it opens, not the next line
    ("flow-sequence.yaml", FLOW_UNCLOSED, 4, 5),
    ("flow-mapping.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {A: 1\n  R: {}\n", 3, 4),
    ("quote.yaml", "Resources:\n  Q:\n    Type: 'AWS::SQS::Queue\n    Properties:\n      A: 1\n", 2, 4),
    ("key.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties\n    X: 1\n", 3, 4),
    ("eof.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Bad: [\n\n\n", 3, None),
    # a problem inside a flow mapping that is closed later: where it was noticed
    ("inside.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {\n      A: 1\n      B: [1] x\n"
                    "      }\n", 5, None),
    # a block mapping's start is no place to look: the badly indented line is
    ("indent.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n   R: 1\n", 3, None),
    # JSON: a missing comma belongs at the end of the line before; so does a trailing one
    ("comma.json", '{\n  "Resources": {\n    "Q": {\n      "Type": "AWS::SQS::Queue"\n      "Properties": {}\n'
                   '    }\n  }\n}\n', 3, 4),
    ("trailing.json", '{\n  "Resources": {\n    "Q": {\n      "Type": "AWS::SQS::Queue",\n    }\n  }\n}\n', 3, 4),
    # … unless adding (or removing) that comma does not get the parser past the line: the token is wrong
    ("junk.json", '{\n  "Resources": {\n    "Q": {\n      "Type": "AWS::SQS::Queue"\n     "  }\n  }\n}\n', 4, None),
    # YAML: a flow mapping continued at its key's indentation, a stray quote inside it: where noticed
    ("json-in-yaml.yaml", 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata: {"a": 1,\n'
                          '    "b": "x"y", "c": 2}\n', 4, None),
    # JSON: an unclosed `{` is found at the end of the file, and shown where it opens
    ("unclosed.json", '{\n  "Resources": {\n    "Q": {\n      "Type": "AWS::SQS::Queue",\n      "Properties": {\n'
                      '    },\n    "R": {"Type": "AWS::SQS::Queue"}\n  }\n}\n', 4, 8),
    ("eof.json", '{\n  "Resources": {\n    "Q": {\n      "Type": "AWS::SQS::Queue"\n    }\n', 1, 4),
])
def test_input_error_on_the_line_to_look_at(tmp_path: Path, name: str, text: str, row: int,
                                            noticed: int | None) -> None:
    from wa_lint.lint_text import TextLinter
    from wa_lint.lsp.convert import problem

    path = tmp_path / name
    (error,) = TextLinter(isolated=True).lint_text(text, path).errors
    assert error.startswith(path.as_posix())  # the CLI's line names the file …
    diag = problem(error, path.as_posix(), text.splitlines(), types.DiagnosticSeverity.Error)
    assert tmp_path.as_posix() not in diag.message  # … the editor knows it already
    assert diag.message.startswith(("invalid YAML: ", "invalid JSON: "))
    assert "(column" not in diag.message or noticed is None  # a column of another line would mislead
    assert diag.range.start.line == diag.range.end.line == row
    assert diag.range.end.character == len(text.splitlines()[row].rstrip())
    related = diag.related_information or []
    assert [r.location.range.start.line for r in related] == ([] if noticed is None else [noticed])
    assert all(r.location.uri == path.as_uri() for r in related)


def test_problem_in_another_file_keeps_its_path_short(tmp_path: Path) -> None:
    from wa_lint.lsp.convert import problem

    doc = (tmp_path / "template.yaml").as_posix()
    lines = ["Resources: {}"]
    config = problem(f"{tmp_path.as_posix()}/.wa-lint.yaml: unknown key 'selcet'", doc, lines,
                     types.DiagnosticSeverity.Error)
    assert config.message == ".wa-lint.yaml: unknown key 'selcet'"
    assert config.range.start.line == 0
    own = problem(f"{doc}: template nests too deeply to analyse", doc, lines, types.DiagnosticSeverity.Error)
    assert own.message == "template nests too deeply to analyse"
    other = (tmp_path.parent / "elsewhere" / "x.yaml").as_posix()
    elsewhere = problem(f"{other}:3: invalid YAML: oops", doc, lines, types.DiagnosticSeverity.Error)
    assert elsewhere.message == f"{other}:3: invalid YAML: oops"  # the user must find that file


# --- the suppress quick fix in every layout: the edited template parses and the suppression works ----

QUEUE = "AWS::SQS::Queue"
LAYOUTS = {
    "flow.yaml": f"Resources:\n  Q: {{Type: '{QUEUE}'}}\n",
    "flow-spaced.yaml": f"Resources:\n  Q: {{ Type: '{QUEUE}' }}\n",
    "flow-lines.yaml": f"Resources:\n  Q: {{\n    Type: '{QUEUE}'\n  }}\n",
    "all-flow.yaml": f"Resources: {{Q: {{Type: '{QUEUE}'}}}}\n",
    "flow-metadata.yaml": f"Resources:\n  Q:\n    Type: {QUEUE}\n    Metadata: {{Owner: team}}\n",
    "flow-ignore.yaml": f"Resources:\n  Q:\n    Type: {QUEUE}\n    Metadata:\n"
                        "      wa-lint: {ignore: [{id: WA212, reason: x}]}\n",
    "block.yaml": f"Resources:\n  Q:\n    Type: {QUEUE}\n",
    "block-4.yaml": f"Resources:\n    Q:\n        Type: {QUEUE}\n        Metadata:\n            Owner: team\n",
    "block-ignore.yaml": f"Resources:\n  Q:\n    Type: {QUEUE}\n    Metadata:\n      wa-lint:\n        ignore:\n"
                         "          # why: see the runbook\n          - id: WA212\n            reason: x\n",
    "indentless-ignore.yaml": f"Resources:\n  Q:\n    Type: {QUEUE}\n    Metadata:\n      wa-lint:\n        ignore:\n"
                              "        - id: WA212\n          reason: x\n",
    "crlf.yaml": f"Resources:\r\n  Q:\r\n    Type: {QUEUE}\r\n",
    "one-line.json": f'{{"Resources": {{"Q": {{"Type": "{QUEUE}"}}}}}}',
    "pretty.json": json.dumps({"Resources": {"Q": {"Type": QUEUE, "Properties": {}}}}, indent=2),
    "pretty-4.json": json.dumps({"Resources": {"Q": {"Type": QUEUE, "Metadata": {"Owner": "t"}}}}, indent=4),
    "empty-metadata.json": f'{{\n  "Resources": {{\n    "Q": {{\n      "Type": "{QUEUE}",\n      "Metadata": {{}}\n'
                           "    }\n  }\n}\n",
    "ignore.json": json.dumps({"Resources": {"Q": {"Type": QUEUE, "Metadata": {
        "wa-lint": {"ignore": [{"id": "WA212", "reason": "x"}]}}}}}, indent=2),
}


def apply_edit(text: str, edit: types.TextEdit) -> str:
    assert edit.range.start == edit.range.end  # an insertion
    lines = text.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[:edit.range.start.line]) + edit.range.start.character
    return text[:offset] + edit.new_text + text[offset:]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_suppression_edit_in_every_layout(tmp_path: Path, name: str) -> None:
    from wa_lint.lint_text import TextLinter
    from wa_lint.lsp.suppression import suppression_edit

    text, path, linter = LAYOUTS[name], tmp_path / name, TextLinter(isolated=True)
    before = linter.lint_text(text, path)
    assert "WA104" in {f.rule for f in before.findings}
    edit = suppression_edit(text, path, "Q", "WA104")
    assert edit is not None
    edited = apply_edit(text, edit)
    after = linter.lint_text(edited, path)
    assert not after.errors
    assert "WA104" not in {f.rule for f in after.findings}
    assert [s.finding.rule for s in after.suppressed if s.finding.resource == "Q"].count("WA104") == 1
    assert not {f.rule for f in after.findings} & {"WA001", "WA002"}  # the placeholder counts as a reason
    assert {(f.rule, f.resource) for f in after.findings} == {(f.rule, f.resource) for f in before.findings} - {
        ("WA104", "Q")}
    if "\r\n" in text:
        assert "\n" not in edited.replace("\r\n", "")  # the document's line ending
    if name.endswith(".json"):
        data = json.loads(edited)
        if name in {"pretty.json", "pretty-4.json", "ignore.json"}:  # laid out as the document is
            step = len(text.splitlines()[1]) - len(text.splitlines()[1].lstrip())
            assert edited == json.dumps(data, indent=step)


# --- the hover: short, escaped, over the resource's block -----------------------------------------

def _finding(rule: str, message: str, severity: str = "warning") -> Finding:
    from wa_lint.finding import Severity

    return Finding(resource="Q", resource_type="AWS::SQS::Queue", line=2, column=3, message=message,
                   fix="Add a RedrivePolicy.", severity=Severity(severity), rule=rule)


def test_hover_lists_findings_briefly_and_counts_the_rest() -> None:
    from wa_lint.lsp.hover import MAX_SHOWN, hover
    from wa_lint.setup import all_rules

    rules = {m.id: m for m in all_rules()}
    block = types.Range(types.Position(1, 2), types.Position(4, 20))
    findings = [_finding(f"WA9{n:02d}", f"finding {n}\nsecond line") for n in range(MAX_SHOWN + 2)]
    findings.append(_finding("WA104", "Q has no dead-letter queue", "error"))
    findings.append(_finding("WA104", "Q has no dead-letter queue", "error"))  # the same one twice: once
    shown = hover(findings, rules, block)
    assert shown.range == block
    assert isinstance(shown.contents, types.MarkupContent)
    value = shown.contents.value
    assert value.startswith("**WA104** (error) ")  # the most severe first
    assert value.count("**WA104**") == 1
    assert value.count("**Fix:**") == MAX_SHOWN
    assert value.endswith("… and 3 more findings on this resource (see the Problems list)")
    assert "second line" in value
    assert "\nsecond line" not in value  # one line per message
    assert "/docs/rules/WA104.md)" in value
    assert "See `wa-lint explain WA900`" in value  # no page for an unknown rule: the command shows it


def test_hover_escapes_template_text_and_speaks_plain_text_when_asked() -> None:
    from wa_lint.lsp.hover import MAX_CHARS, hover

    block = types.Range(types.Position(0, 0), types.Position(0, 0))
    hostile = "Q named [click](https://evil.example/x) <img src=x> **bold** `code` " + "x" * 2 * MAX_CHARS
    (value,) = [hover([_finding("WA104", hostile)], {}, block).contents.value]  # type: ignore[union-attr]
    message = value.split("\n\n")[0]
    for markup in ("[click](", "<img", "`code`"):
        assert not re.search(r"(?<!\\)" + re.escape(markup), message), markup  # each shown, escaped
    assert "**bold**" not in message
    assert "https://" not in message  # no autolink either
    assert "evil.example" not in message
    assert r"\[click\]" in message
    assert len(message) < MAX_CHARS * 2
    assert message.endswith("…")
    plain = hover([_finding("WA104", "Q [x](y)")], {}, block, markdown=False)
    assert isinstance(plain.contents, types.MarkupContent)
    assert plain.contents.kind == types.MarkupKind.PlainText
    assert plain.contents.value == "WA104 (warning): Q [x](y)\nFix: Add a RedrivePolicy.\nwa-lint explain WA104"
