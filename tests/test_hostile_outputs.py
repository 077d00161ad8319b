"""Text from input never acts in any output (issue 19), and secrets are masked in every finding.

Every format (text, json, sarif, junit, github, markdown, html, ``wa-lint graph`` as dot and
JSON, and the error lines on stderr) gets the same hostile strings in logical ids, file names,
ARNs, suppression reasons, error messages and baseline entries, twice: rendered from a hand-made
report (every field at once, compared with the same report made of plain names), and end to end
through the command on a real template. Each output is then parsed the way its consumer parses
it, and must have exactly the structure wa-lint wrote:

- terminal text and stderr: no control character from input, no line a CI runner would take
  for a workflow command (``::…``, ``##[…]``), no line that starts with text after a line break
  in an input string;
- GitHub workflow commands: one command per line, all written by wa-lint, properties intact;
- Markdown (markdown-it, CommonMark with tables): no link, image or HTML but wa-lint's, every
  table row with its five cells, Mermaid fences intact and every Mermaid line well formed;
- HTML (html.parser) and JUnit (ElementTree): the same elements and attributes as for plain names;
- dot (a tokenizer for Graphviz's quoted strings): the same tokens as for plain names, each
  quoted string decoding to the id; JSON and SARIF valid, ids round-trip exactly.
"""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from tests.test_formats import RELIABILITY_RULE, SECURITY_RULE, validate_sarif
from wa_lint.api import Finding, Related, Severity
from wa_lint.baseline import BaselineEntry, BaselineOutcome
from wa_lint.cli import main
from wa_lint.escape import visible
from wa_lint.pipeline import FileResult
from wa_lint.report import FORMATS, Report, render
from wa_lint.results import Suppressed

#: One of each thing that could act: line breaks that start workflow commands or Markdown
#: blocks, terminal escapes (title, clear screen, C1 CSI, NEL), bidirectional overrides, line
#: separators, Markdown images, links, definitions and code, HTML, table pipes, quotes, a
#: trailing backslash (which would escape a closing dot quote) and entities.
HOSTILE = [
    "Nl\n::stop-commands::tok",
    "Crlf\r\n##[error]fake",
    "Esc\x1b]0;title\x07\x1b[2J",
    "Csi\x9b31mred\x85next",
    "Bidi\u202egnp.exe\u2028sep",
    "Img![x](https://evil.example/i.png)",
    "Link[click](https://evil.example/l)",
    "Html<img src=x onerror=alert(1)><script>alert(2)</script>",
    "Fence\n```\n# heading",
    "Pipe|cell|`tick`",
    "Quote\"q'",
    "Backslash\\",
    "Entity&lt;b&gt;&#x41;",
    "[Def]: https://evil.example/d",
]
#: A file name with the same hazards (no ``/``, which cannot be in a name).
HOSTILE_FILE = "tpl\n::stop-commands::t\x1b[2J\u202e|`x`[a](b)<i>\\.yaml"
PLAIN = [f"Plain{i}" for i in range(len(HOSTILE))]
PLAIN_FILE = "tpl-plain.yaml"
#: What input may put at the start of a line if line breaks leaked.
AFTER_BREAKS = [part.strip() for h in HOSTILE for part in re.split(r"[\r\n\x85\u2028]", h)[1:] if part.strip()]
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
COMMAND_LINE = re.compile(r"^[ \t]*(::|##)")


# -- the report -------------------------------------------------------------------------------
def _write_template(directory: Path, name: str) -> None:
    (directory / name).write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::SQS::Queue\n",
                                  encoding="utf-8")


def make_report(directory: Path, names: list[str], file: str) -> Report:
    """A report whose every input-derived field holds one of ``names``: resources, construct paths,
    SAM sources, conditions, related resources, stacks, messages with ARNs, multi-line fixes that
    quote the id, suppression reasons, file errors, usage errors, baseline entries and graphs."""
    _write_template(directory, file)
    findings, suppressed = [], []
    for i, name in enumerate(names):
        arn = f"arn:aws:sqs:us-east-1:123456789012:{name}"
        f = Finding(name, "AWS::SNS::Topic", 3, 3, f"{name} sends to {arn} without a dead-letter queue",
                    f"Add a queue to {name}:\n  Type: AWS::SQS::Queue\n  Properties: {{QueueName: {name}}}",
                    construct_path=f"App/{name}/Resource" if i % 2 else None,
                    source_resource=None if i % 2 else f"Sam{name}", condition=name if i % 3 == 0 else None,
                    related=[Related(names[(i + 1) % len(names)], 5, file)], rule="WA199", name="topic-without-dlq",
                    pillar="reliability", severity=(Severity.ERROR, Severity.WARNING, Severity.INFO)[i % 3],
                    path=file, stack=name)
        findings.append(f)
        hidden = Finding(name, "AWS::SNS::Topic", 3, 3, f"{name} is suppressed", "n/a", rule="WA299",
                         name="plaintext-secret", pillar="security", severity=Severity.ERROR, path=file, stack=name)
        suppressed.append(Suppressed(hidden, ("inline", "config", "baseline")[i % 3], name))
    nodes = [{"id": n, "label": n, "type": "external" if i == 0 else ("AWS::Lambda::Function", n)[i % 2], "line": 3}
             for i, n in enumerate(names)]
    edges = [{"from": a, "to": b, "kind": "invokes", "mode": "async"} for a, b in itertools.pairwise(names)]
    graph = {"stack": names[0], "path": file, "kind": "cloudformation", "resources": len(names), "omitted": 0,
             "nodes": nodes, "edges": edges}
    good = FileResult(path=file, kind="cloudformation", stacks=list(names), findings=findings, resources=2,
                      suppressed=suppressed, graphs=[graph])
    bad = FileResult(path=f"{file}.broken",
                     errors=[f"{file}:{i}: resource {n} has no Type" for i, n in enumerate(names)])
    fixed = [BaselineEntry(f"fp{i}", n, file, n, n, n) for i, n in enumerate(names)]
    return Report([good, bad], [RELIABILITY_RULE, SECURITY_RULE], usage_errors=[f"{n}: no such file" for n in names],
                  baseline=BaselineOutcome("base.json", 1, fixed), show_suppressed=True)


@pytest.fixture
def rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, str]]:
    """Each format rendered from the hostile report and from the same report with plain names
    (``text-wide``: the text format on a console too wide to wrap anything)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/app")
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    hostile, plain = make_report(tmp_path, HOSTILE, HOSTILE_FILE), make_report(tmp_path, PLAIN, PLAIN_FILE)
    out = {fmt: (render(hostile, fmt, color=False, width=100), render(plain, fmt, color=False, width=100))
           for fmt in FORMATS}
    out["text-wide"] = (render(hostile, "text", color=False, width=10_000),
                        render(plain, "text", color=False, width=10_000))
    return out


# -- checks, one per kind of consumer -----------------------------------------------------------
def assert_terminal_safe(text: str) -> None:
    """Nothing from input moves the cursor, retitles the terminal, reorders text, starts a CI
    workflow command, or starts a line with what followed a line break in an input string."""
    assert not UNSAFE.search(text), repr(UNSAFE.search(text))
    for row in text.splitlines():
        assert not COMMAND_LINE.match(row), row
        assert not any(row.strip().startswith(tail) for tail in AFTER_BREAKS), row


def assert_github_commands(text: str, expected: int) -> None:
    """One workflow command per line, each written by wa-lint, with intact properties."""
    rows = text.splitlines()
    # wa-lint's own plain lines close the output: the summary, and (past GitHub's ten annotations
    # per type) how many were not shown.
    plain = [row for row in rows if not row.startswith("::")]
    commands = rows[: len(rows) - len(plain)]
    assert plain
    assert all(row.startswith("wa-lint: ") for row in plain), plain
    assert len(commands) == expected
    command = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")
    for row in commands:
        m = command.match(row)
        assert m, row
        for prop in (m.group(2) or "").split(","):
            key, sep, value = prop.partition("=")
            assert sep, prop
            assert key in {"file", "line", "col", "title"}, prop
            assert not set(value) & set(":,\r\n"), prop
        assert "\n" not in m.group(3)
        assert "\r" not in m.group(3)
    assert_terminal_safe("\n".join(plain))
    assert not UNSAFE.search(text)


MD = MarkdownIt("commonmark").enable("table")
OUR_HTML = re.compile(r"^(<br>|<br/>|</?sub>|</?code>|</?summary>|</details>|<details( open)?>)$")


def _inline_tokens(tokens: list[Any]) -> Iterator[Any]:
    for tok in tokens:
        yield tok
        yield from tok.children or ()


def assert_markdown_inert(text: str, plain: str, links: set[str]) -> None:
    """The block structure is wa-lint's (the same as with plain names); no link or image but the
    rule and file links wa-lint made, no HTML but its own tags, Mermaid fences intact."""
    tokens, plain_tokens = MD.parse(text), MD.parse(plain)
    assert [t.type for t in tokens] == [t.type for t in plain_tokens]
    for tok in _inline_tokens(tokens):
        assert tok.type != "image", tok
        if tok.type == "link_open":
            assert tok.attrs["href"] in links, tok.attrs
        if tok.type in ("html_inline", "html_block"):
            for tag in re.findall(r"<[^>]*>", tok.content):
                assert OUR_HTML.match(tag), tag
    assert_fences(tokens)
    assert_five_cells(tokens)


def assert_fences(tokens: list[Any]) -> None:
    """Mermaid drawings and code frames, each whole: a frame is at most three numbered template
    lines (one marked), so a line that closed it early would show."""
    fences = [t for t in tokens if t.type == "fence"]
    assert any(t.info == "mermaid" for t in fences)
    for fence in fences:
        assert fence.info in ("mermaid", "text"), fence.info
        if fence.info == "mermaid":
            assert_mermaid(fence.content)
            continue
        rows = fence.content.rstrip("\n").split("\n")
        assert 1 <= len(rows) <= 3, rows
        assert all(CODE_FRAME_LINE.match(row) for row in rows), rows
        assert sum(row.startswith("❱") for row in rows) == 1
        assert not UNSAFE.search(fence.content)


def assert_five_cells(tokens: list[Any]) -> None:
    """Every row of every table (scorecard, findings, suppressed) has its five cells."""
    rows = [t for t in tokens if t.type == "tr_open"]
    cells = [t for t in tokens if t.type in ("td_open", "th_open")]
    assert rows
    assert len(cells) == 5 * len(rows)


CODE_FRAME_LINE = re.compile(r"^[❱ ] +\d+( |$)")
MERMAID_LINE = re.compile(
    r'^  (n\d+(\["[^"`\n]*"\]|\(\["[^"`\n]*"\]\)|\[\["[^"`\n]*"\]\]|\[\("[^"`\n]*"\)\]|\{\{"[^"`\n]*"\}\})'
    r"|n\d+ -\.?->\|[^|`\n]*\| n\d+|classDef (error|warning|info) [^\n]*;|class n\d+(,n\d+)* (error|warning|info);)$")


def assert_mermaid(content: str) -> None:
    rows = content.rstrip("\n").split("\n")
    assert rows[0] == "flowchart LR"
    for row in rows[1:]:
        assert MERMAID_LINE.match(row), row


class Skeleton(HTMLParser):
    """Elements and attribute names of an HTML page, plus what a browser would fetch or run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple[str, tuple[str, ...]]] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = tuple(sorted(k for k, _ in attrs))
        self.shape.append((tag, names))
        assert not any(k.startswith("on") or k in ("src", "srcdoc", "formaction") for k in names), (tag, attrs)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


def html_skeleton(text: str) -> Skeleton:
    parser = Skeleton()
    parser.feed(text)
    parser.close()
    return parser


DOT_TOKEN = re.compile(r'(?P<space>\s+)|(?P<string>"(?:[^"\\]|\\.)*")|(?P<id>[A-Za-z_][A-Za-z0-9_]*|-?\d+)'
                       r"|(?P<op>->|--|[{}\[\];=,])", re.S)


def dot_tokens(text: str) -> list[tuple[str, str]]:
    """Graphviz's tokens (its scanner reads backslash pairs in quoted strings); every character
    must belong to one, and a quoted string holds no raw line break."""
    out, pos = [], 0
    while pos < len(text):
        m = DOT_TOKEN.match(text, pos)
        assert m, f"not dot at {pos}: {text[pos:pos + 40]!r}"
        pos = m.end()
        if m.lastgroup == "string":
            assert "\n" not in m.group()
            assert not UNSAFE.search(m.group())
            out.append(("string", re.sub(r"\\([\\\"])", r"\1", m.group()[1:-1])))
        elif m.lastgroup != "space":
            out.append((m.lastgroup or "", m.group()))
    return out


def xml_skeleton(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(el.tag, tuple(sorted(el.attrib))) for el in ET.fromstring(text).iter()]


# -- every format from the hand-made report -----------------------------------------------------
def test_terminal_text(rendered: dict[str, tuple[str, str]]) -> None:
    assert_terminal_safe(rendered["text"][0])  # wrapped at 100 columns
    text, plain = rendered["text-wide"]
    assert_terminal_safe(text)
    assert text.count("\n") == plain.count("\n")  # the same lines: none injected
    for name in HOSTILE:
        assert visible(name) in text


def test_github_workflow_commands(rendered: dict[str, tuple[str, str]]) -> None:
    text, _ = rendered["github"]
    n = len(HOSTILE)
    assert_github_commands(text, expected=n + (n + n) + n)  # findings, usage and file errors, fixed entries


def test_markdown(rendered: dict[str, tuple[str, str]]) -> None:
    text, plain = rendered["markdown"]
    assert "evil.example" in text  # shown as text, not followed
    blobs = re.findall(r"\]\((https://github\.com/acme/app/blob/abc123/[^)\s]+)\)", text)
    assert blobs
    assert all(re.fullmatch(r"https://github\.com/acme/app/blob/abc123/[\w.~/%-]+#L\d+", b) for b in blobs)
    assert_markdown_inert(text, plain, links=set(blobs))


def test_html(rendered: dict[str, tuple[str, str]]) -> None:
    text, plain = rendered["html"]
    page, plain_page = html_skeleton(text), html_skeleton(plain)
    assert page.shape == plain_page.shape  # no element or attribute injected, none closed early
    assert [t for t, _ in page.shape].count("script") == 1
    assert set(page.hrefs) <= {"https://github.com/wa-lint/wa-lint/blob/main/docs/rules/WA299.md"}
    assert not UNSAFE.search(text)
    assert not any(COMMAND_LINE.match(row) for row in text.splitlines())


def test_junit(rendered: dict[str, tuple[str, str]]) -> None:
    text, plain = rendered["junit"]
    assert xml_skeleton(text) == xml_skeleton(plain)
    assert not UNSAFE.search(text)
    assert not any(COMMAND_LINE.match(row) for row in text.splitlines())
    names = {case.get("name") for case in ET.fromstring(text).iter("testcase")}
    assert f"WA199 topic-without-dlq {visible(HOSTILE[0])}" in names


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_and_sarif_round_trip(fmt: str, rendered: dict[str, tuple[str, str]]) -> None:
    text, _ = rendered[fmt]
    assert not UNSAFE.search(text)  # C0 escaped by json, the rest by json_safe
    doc = json.loads(text)
    if fmt == "json":
        assert sorted(f["resource"] for f in doc["findings"]) == sorted(HOSTILE)
        assert sorted(s["suppression"]["reason"] for s in doc["suppressed"]) == sorted(HOSTILE)
        assert sorted(e["message"] for e in doc["fixed"]) == sorted(HOSTILE)
    else:
        validate_sarif(text)
        names = sorted(r["locations"][0]["logicalLocations"][0]["name"] for r in doc["runs"][0]["results"])
        assert names == sorted(HOSTILE + HOSTILE)  # reported and suppressed


# -- end to end: a template with hostile ids, ARNs and reasons, a hostile file name, a baseline ------
def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is a subset)."""
    return json.dumps(text)


def hostile_template(names: list[str]) -> str:
    out = ['AWSTemplateFormatVersion: "2010-09-09"', "Resources:"]
    for i, name in enumerate(names):
        out += [
            f"  {_q(name)}:",
            "    Type: AWS::Lambda::Function",
            f"    Metadata: {{wa-lint: {{ignore: [{{id: WA505, reason: {_q('reason ' + name)}}}]}}}}",
            "    Properties:",
            "      Runtime: python3.12",
            "      Handler: index.handler",
            '      Code: {ZipFile: "def handler(e, c): pass"}',
            f"      Role: {_q('arn:aws:iam::123456789012:role/' + name)}",
            f"  {_q(f'Bucket{i}' + name)}:",
            "    Type: AWS::S3::Bucket",
            "    Properties:",
            "      NotificationConfiguration:",
            "        LambdaConfigurations:",
            "          - Event: s3:ObjectCreated:*",
            f"            Function: {{Fn::GetAtt: [{_q(name)}, Arn]}}",
        ]
    return "\n".join(out) + "\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The hostile template, a broken one (a resource without Type: an error line naming an id),
    and a baseline whose entries for the template are all fixed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/app")
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    (tmp_path / HOSTILE_FILE).write_text(hostile_template(HOSTILE), encoding="utf-8")
    broken = "".join(f"  {_q(n)}: {{}}\n" for n in HOSTILE)
    (tmp_path / f"broken{HOSTILE_FILE}").write_text(f"Resources:\n  Ok:\n    Type: AWS::SNS::Topic\n{broken}",
                                                   encoding="utf-8")
    entries = [{"fingerprint": f"gone{i}", "rule": n, "path": HOSTILE_FILE, "stack": n, "resource": n, "message": n}
               for i, n in enumerate(HOSTILE)]
    (tmp_path / "base.json").write_text(json.dumps({"version": 1, "tool": "wa-lint", "findings": entries}),
                                        encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli_report(capsys: pytest.CaptureFixture[str], fmt: str) -> tuple[str, str]:
    code, out, err = run(capsys, "report", HOSTILE_FILE, f"broken{HOSTILE_FILE}", "--format", fmt, "--no-config",
                         "--show-suppressed", "--baseline", "base.json", "--fail-on", "never", "--jobs", "1")
    assert code == 2, err  # the broken file
    return out, err


def assert_stderr(err: str) -> None:
    rows = err.splitlines()
    assert rows, rows
    assert all(row.startswith("wa-lint: ") for row in rows), rows
    assert_terminal_safe(err)


@pytest.mark.usefixtures("project")
def test_cli_every_format_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    text, err = cli_report(capsys, "json")
    doc = json.loads(text)
    assert not UNSAFE.search(text)
    resources = {f["resource"] for f in doc["findings"]}
    assert set(HOSTILE) <= resources, "every hostile id must reach the report"
    assert {s["suppression"]["reason"] for s in doc["suppressed"]} >= {"reason " + n for n in HOSTILE}
    assert {e["resource"] for e in doc["fixed"]} == set(HOSTILE)
    [error] = [row for row in err.splitlines() if "has no Type" in row]  # one line, its id escaped
    assert visible(HOSTILE[0]) in error
    assert_stderr(err)
    findings = len(doc["findings"])

    text, err = cli_report(capsys, "text")
    assert_terminal_safe(text)
    assert_stderr(err)
    assert visible(HOSTILE[2]) in text
    assert "[inline] reason" in text

    text, _ = cli_report(capsys, "github")
    assert_github_commands(text, expected=findings + 1 + len(HOSTILE))  # findings, the file error, fixed

    text, _ = cli_report(capsys, "markdown")
    links = set(re.findall(r"\]\((https://github\.com/[^)\s]+)\)", text))
    assert all(link.startswith(("https://github.com/wa-lint/wa-lint/blob/main/docs/rules/",
                                "https://github.com/acme/app/blob/abc123/")) for link in links)
    tokens = MD.parse(text)
    for tok in _inline_tokens(tokens):
        assert tok.type != "image"
        if tok.type == "link_open":
            assert tok.attrs["href"] in links
        if tok.type in ("html_inline", "html_block"):
            assert all(OUR_HTML.match(tag) for tag in re.findall(r"<[^>]*>", tok.content)), tok.content
    assert_fences(tokens)
    assert_five_cells(tokens)

    text, _ = cli_report(capsys, "html")
    page = html_skeleton(text)
    assert [t for t, _ in page.shape].count("script") == 1
    assert all(h.startswith("https://github.com/wa-lint/wa-lint/blob/main/docs/rules/") for h in page.hrefs)
    assert not UNSAFE.search(text)
    assert not any(COMMAND_LINE.match(row) for row in text.splitlines())

    text, _ = cli_report(capsys, "junit")
    ET.fromstring(text)
    assert not UNSAFE.search(text)
    assert not any(COMMAND_LINE.match(row) for row in text.splitlines())

    text, _ = cli_report(capsys, "sarif")
    validate_sarif(text)
    assert not UNSAFE.search(text)


@pytest.mark.usefixtures("project")
def test_cli_graph_dot_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "graph", HOSTILE_FILE, f"broken{HOSTILE_FILE}", "--format", "dot")
    assert code == 2
    assert_stderr(err)
    tokens = dot_tokens(out)
    strings = {value for kind, value in tokens if kind == "string"}
    assert {visible(n) for n in HOSTILE} <= strings  # each id one intact quoted string
    assert [v for k, v in tokens if k != "string"][:3] == ["digraph", "wa_lint", "{"]
    assert tokens[-1] == ("op", "}")
    assert not any(COMMAND_LINE.match(row) for row in out.splitlines())
    code, out, err = run(capsys, "graph", HOSTILE_FILE, "--format", "json")
    assert code == 0
    assert not UNSAFE.search(out)
    ids = {n["id"] for g in json.loads(out)["graphs"] for n in g["nodes"]}
    assert set(HOSTILE) <= ids


def test_dot_tokens_are_those_of_plain_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The same template with plain and hostile ids gives the same dot tokens but for the strings."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "h.yaml").write_text(hostile_template(HOSTILE), encoding="utf-8")
    (tmp_path / "p.yaml").write_text(hostile_template(PLAIN), encoding="utf-8")
    shapes = []
    for name in ("h.yaml", "p.yaml"):
        code, out, _ = run(capsys, "graph", name, "--format", "dot")
        assert code == 0
        shapes.append([(k, v if k != "string" else "") for k, v in dot_tokens(out)])
    assert shapes[0] == shapes[1]


# -- secrets: masked in every finding, whoever makes it -------------------------------------------
SECRET = "hunter2-Sup3rSecret-value"


def secret_template(ignore: str) -> str:
    """A function whose secret environment value sits on the line above its wa-lint metadata,
    so the code frame of a WA001/WA002 finding (on the metadata line) shows it."""
    return f"""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Handler:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/handler
      Code: {{ZipFile: "def handler(e, c): pass"}}
      Environment:
        Variables:
          DB_PASSWORD: {SECRET}
    Metadata: {{wa-lint: {{ignore: [{ignore}]}}}}
"""


@pytest.mark.parametrize(("ignore", "rule"), [("WA101", "WA001"), ("WA9999", "WA002"), ("WA001", "WA001")])
def test_secret_next_to_a_suppression_finding_is_masked(
    ignore: str, rule: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """WA001/WA002 come from the filter stage, not a rule; their code frames (text, SARIF snippets
    uploaded to code scanning, JUnit, HTML) must still mask the neighbouring secret. With
    ``ignore: [WA001]`` the WA001 finding is itself suppressed, and shown with --show-suppressed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(secret_template(ignore), encoding="utf-8")
    args = ["report", "app.yaml", "--select", "WA001,WA002", "--no-config", "--fail-on", "never", "--show-suppressed"]
    doc = json.loads(run(capsys, *args, "--format", "json")[1])
    made = [f for f in doc["findings"] + doc.get("suppressed", []) if f["rule"] == rule]
    assert made, doc
    assert made[0]["line"] == 13, doc
    framed = ("sarif",) if made[0] in doc.get("suppressed", []) else ("text", "sarif", "junit", "html")
    for fmt in FORMATS:
        code, out, _ = run(capsys, *args, "--format", fmt)
        assert code == 0, fmt
        assert SECRET not in out, fmt
        if fmt in framed:
            assert "DB_PASSWORD: ********" in out, f"{fmt} shows no code frame"


# -- the escaping functions themselves ------------------------------------------------------------
def test_wrapping_never_starts_a_workflow_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """rich folds a long word at the console width; wherever the fold falls, no line of the text
    report starts with ``::`` or ``##`` (ids of every length put the marker at every column)."""
    monkeypatch.chdir(tmp_path)
    names = [f"{'A' * k}::stop-commands::x" for k in range(1, 90)] + [f"{'B' * k} ##[error]y" for k in range(1, 90)]
    report = make_report(tmp_path, names, PLAIN_FILE)
    for width in (40, 80, 100):
        text = render(report, "text", color=False, width=width)
        assert not [row for row in text.splitlines() if COMMAND_LINE.match(row)]
        colored = render(report, "text", color=True, width=width)
        assert not [row for row in colored.splitlines() if re.match(r"^(\s|\x1b\[[0-9;]*m)*(::|##)", row)]


def test_escape_contexts() -> None:
    from wa_lint import escape

    plain = "MyFunction-1_a.b/c:d (x) *y* é ✅"
    for fn in (escape.line, escape.visible, escape.html_text, escape.workflow_data, escape.mermaid_label,
               escape.md_text, escape.xml_text, escape.block, escape.guard_lines):
        assert fn(plain) == plain, fn  # nothing special: unchanged in every context
    assert escape.line("a\nb\x1b[2J\u202ec\x9b\ud800") == "a\\nb\\x1b[2J\\u202ec\\x9b\\ud800"
    assert escape.line("bom\ufeff zwj\u200d") == "bom\ufeff zwj\u200d"  # invisible but inert: kept
    assert escape.block("fix:\r\n  Type: X\r  y", ["Id\nZ"]) == "fix:\n  Type: X\\r  y"
    assert escape.block("Ref Id\nZ here\n  next", ["Id\nZ"]) == "Ref Id\\nZ here\n  next"
    assert escape.guard_lines("ok\n  ::set-output x\n\x1b[1m##[group]\nmid ::x") == \
        "ok\n  \\x3a:set-output x\n\x1b[1m\\x23#[group]\nmid ::x"
    assert escape.workflow_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert escape.md_text("[a](b) ![i](j) [d]: u `c` <b> a|b \\ &amp;") == \
        "[a\\](b) ![i\\](j) [d\\]: u \\`c\\` &lt;b&gt; a\\|b \\\\ &amp;amp;"
    assert escape.md_text("# h", line_start=True) == "\\# h"
    assert escape.md_text("12. x", line_start=True) == "12\\. x"
    assert escape.md_text("    code", line_start=True) == "&#32;" * 4 + "code"
    assert escape.md_code("Orders") == "`Orders`"
    assert escape.md_code("a`b|c") == "``a`b\\|c``"
    assert escape.md_code("`x`") == "`` `x` ``"
    assert escape.md_code("a\\b\n[c](d)") == "<code>a\\\\b\\\\n[c\\](d)</code>"
    assert escape.mermaid_label('a"]\n```#lt;|') == "a#quot;]\\n#96;#96;#96;#35;lt;#124;"
    assert escape.dot_string("tail\\") == '"tail\\\\"'
    assert escape.dot_string('q"\\N', "AWS::X") == '"q\\"\\\\N\\nAWS::X"'
    assert escape.json_safe(json.dumps("\x9b\u202e\ud800", ensure_ascii=False)) == '"\\u009b\\u202e\\ud800"'
    assert escape.xml_text("a\x1b\x9b\ufffe\n\t") == "a\\x1b\\x9b\ufffd\n\t"
