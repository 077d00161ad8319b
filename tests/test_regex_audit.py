"""Every regular expression (and its string-operation replacement) that reads template or handler
text runs against adversarial 100 KB strings within a time budget.

``AUDITED`` names each pattern by module and attribute and says how it is used; a completeness
test parses the sources so a new ``re.compile`` or inline ``re.split`` on input cannot land
unaudited. Each entry runs in its own subprocess that measures CPU time (so machine load does not
fail it); the budget, ``BUDGET`` seconds per pattern and string, is generous: the linear patterns
take milliseconds, the quadratic ones they replaced took minutes.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BUDGET = 2.0  # CPU seconds per pattern and adversarial string
N = 100_000  # characters per adversarial string

#: (module, attribute, how it is applied). ``call`` entries are plain functions taking the text.
AUDITED: list[tuple[str, str, str]] = [
    ("wa_lint.values", "SUB_VARIABLE", "sub"),
    ("wa_lint.iam.statements", "PLACEHOLDER", "sub"),
    ("wa_lint.iam.sam_templates", "POLICY_NAME", "match"),
    ("wa_lint.iam.data", "MANAGED_ARN", "match"),
    ("wa_lint.iam.data", "matches", "glob"),
    ("wa_lint.iam.glob", "glob_match", "glob"),
    ("wa_lint.graph.builders.resource_policies", "_last_segment", "call"),
    ("wa_lint.graph.builders.integrations", "APIGW_URI", "match"),
    ("wa_lint.graph.builders.integrations", "STATES_TASK", "search"),
    ("wa_lint.graph.builders.integrations", "ACTION_PARAMETER", "search"),
    ("wa_lint.graph.builders.database", "HOST_LIKE", "findall"),
    ("wa_lint.graph.builders.database", "proxy_hosts", "call"),
    ("wa_lint.graph.builders.database", "ANY_CLUSTER", "fullmatch"),
    ("wa_lint.graph.builders.database", "RESOLVE_SECRET", "findall"),
    ("wa_lint.graph.builders.invoke_common", "ARN_SERVICE", "match"),
    ("wa_lint.graph.builders.invoke_common", "FUNCTION_NAME", "search"),
    ("wa_lint.graph.builders.invoke_common", "invoke_uri_function", "call"),
    ("wa_lint.graph.statemachine", "TOKEN_RE", "finditer"),
    ("wa_lint.graph.statemachine", "LAMBDA_INVOKE", "search"),
    ("wa_lint.graph.statemachine", "SDK_LAMBDA_INVOKE", "search"),
    ("wa_lint.graph.statemachine", "FUNCTION_ARN", "search"),
    ("wa_lint.load", "_LOOKS_LIKE_JSON", "match"),
    ("wa_lint.load.json_loader", "_TOKENS", "finditer"),
    ("wa_lint.load.json_loader", "_DIGITS", "finditer"),
    ("wa_lint.load.json_loader", "_SURROGATE_HINT", "search"),
    ("wa_lint.load.json_loader", "_SURROGATE_ESCAPE", "finditer"),
    ("wa_lint.load.yaml_loader", "_INT", "match"),
    ("wa_lint.load.yaml_loader", "_OCT_HEX", "match"),
    ("wa_lint.load.yaml_loader", "_FLOAT", "match"),
    ("wa_lint.expand.sam", "_BRACKETED", "findall"),
    ("wa_lint.expand.sam", "_WORD", "findall"),
    ("wa_lint.expand.sam_local", "_IMAGE_RE", "match"),
    ("wa_lint.expand.cdk_internal", "singletons", "singletons"),
    ("wa_lint.encryption", "AWS_ALIAS", "search"),
    ("wa_lint.secrets", "WORDS", "findall"),
    ("wa_lint.secrets", "REFERENCE_VALUE", "match"),
    ("wa_lint.baseline", "_NUMBER", "sub"),
    ("wa_lint.code.glue", "OUTSIDE_ENV", "search"),
    ("wa_lint.code.facts", "_WORD", "findall"),
    ("wa_lint.code.node", "V3_PACKAGE", "match"),
    ("wa_lint.code.node", "V2_CLIENT_PACKAGE", "match"),
    ("wa_lint.cfnlint_rules._support", "_ID", "match"),
    ("wa_lint.graph.schedules", "RATE", "fullmatch"),
    ("wa_lint.graph.schedules", "CRON", "fullmatch"),
    ("wa_lint.discover", "_DECLARED", "search"),  # bytes patterns: the text is encoded
    ("wa_lint.discover", "_TYPED", "search"),
    ("wa_lint.discover", "_AWS_TYPED", "search"),
    ("wa_lint.discover", "_CLEARLY", "search"),
    ("wa_lint.cdk_synth", "_ERROR_LINE", "match"),
    ("wa_lint.escape", "_COMMAND", "sub"),
    ("wa_lint.escape", "_JSON_UNSAFE", "sub"),
    ("wa_lint.escape", "_NOT_XML", "sub"),
    ("wa_lint.escape", "_MD_SPECIAL", "sub"),
    ("wa_lint.escape", "_MD_BLOCK_START", "match"),
    ("wa_lint.rules.reliability.wa104_queue_without_dlq", "DLQ_NAME", "search"),
    ("wa_lint.rules.operations.wa508_api_access_log_unstructured", "CLF_START", "match"),
    ("wa_lint.rules.operations.wa508_api_access_log_unstructured", "CONTEXT", "sub"),
    ("wa_lint.graph.query", "ARN_PARTS", "match"),
    ("wa_lint.expand.cdk_internal", "NEVER", "search"),
    ("wa_lint.graph.arm64", "_RUNTIME", "match"),
    ("wa_lint.graph.arm64", "X86_NAMES", "search"),
    ("wa_lint.link.index", "DEPLOYED_NAME", "fullmatch"),
    ("wa_lint.link.index", "SSM_WRITE", "search"),
    ("wa_lint.link.rewrite", "SSM_REFERENCE", "sub"),
    ("wa_lint.report.file_errors", "_LINE", "match"),
    ("wa_lint.report.file_errors", "_SAM", "search"),
    ("wa_lint.report.file_errors", "_TITLES", "pairs"),
    ("wa_lint.report.file_errors", "_WARNING_TITLES", "pairs"),
    ("wa_lint.lsp.errors", "_LINE", "match"),
    ("wa_lint.lsp.errors", "_OPENED", "search"),
    ("wa_lint.lsp.errors", "_COLUMN", "sub"),
    ("wa_lint.lsp.errors", "_BLOCK_LINE", "match"),
    ("wa_lint.lsp.hover", "_MARKUP", "sub"),
    ("wa_lint.lsp.hover", "_WORD", "fullmatch"),
    ("wa_lint.lsp.suppression", "_PLAIN", "fullmatch"),
    ("wa_lint.report.regions", "_OPENS_BLOCK", "fullmatch"),
    ("wa_lint.plugins", "CFN_LINT_ID", "match"),
]
#: Inline patterns (``re.split(r"…", text)``), by module and pattern text.
INLINE: list[tuple[str, str]] = [
    ("wa_lint.graph.builders.integrations", r"[?&/]"),
    ("wa_lint.iam.statements", r"[/:]"),
    ("wa_lint.cfnlint_rules._support", r"[^A-Za-z0-9]+"),
    ("wa_lint.report.sarif", r"[-_\s]+"),  # our rule names and docs, not input
    ("wa_lint.report.sarif", r"^## Why\s*\n(.*?)(?=^## |\Z)"),
    ("wa_lint.report.sarif", r"`([^`]*)`"),
    ("wa_lint.escape", r"`+"),
    ("wa_lint.lsp.convert", r'"(?:[^"\\]|\\.)*"\s*:\s*'),
]
#: Patterns built at run time from the user's own configuration (path globs), owned and audited
#: with wa_lint/config.py; listed so the completeness test knows them.
ELSEWHERE = {("wa_lint.config", "*"), ("wa_lint.globs", "*"), ("wa_lint.scopes", "*")}


def _adversarial() -> dict[str, str]:
    """Strings that make naive patterns backtrack: long runs of one piece with no match at the end."""
    pieces = ["a", "${", "[", "/", ":", ".", "arn:", "a.", ".proxy-", "/functions/", "\\", '\\\\u', '"', "0",
              "9", "aA", "Policy1x", ":function:a", "__WAL", ":states:::", ":lambda:", "alias/", "a/", "{", " ",
              "s3:*a", "*a", "?a", "arn:aws:iam::aws:policy/", "a-", "@aws-sdk/client-", "Custom::",
              "CustomCDKBucketDeployment", "1e", "0x", "\\ud800", "{{resolve:secretsmanager:", "Action="]
    out = {}
    for piece in pieces:
        run = piece * (N // len(piece))
        out[repr(piece)] = run + "!"
        out[repr(piece) + "+tail"] = run + "\n" + "x"
    return out


CHILD = r'''
import importlib, json, sys, time
module, name, how, path = sys.argv[1:5]
strings = json.loads(open(path, encoding="utf-8").read())
obj = getattr(importlib.import_module(module), name) if name else None
if how == "inline":
    import re
    obj, how = re.compile(sys.argv[5], re.S | re.M), "finditer"
def run(text):
    if isinstance(getattr(obj, "pattern", None), bytes):
        text = text.encode("utf-8", "surrogatepass")
    if how == "call":
        obj(text)
    elif how == "glob":  # the text as a pattern against a short action, and as an action under hostile patterns
        obj(text, "s3:getobject")
        obj("s3:" + "*a" * 40 + "*c", text[:2000])
        obj("*a" * 5000 + "?", text)
    elif how == "pairs":  # (pattern, label) tuples, each pattern tried with match
        for pattern, _ in obj:
            pattern.match(text)
    elif how == "singletons":
        for s in obj():
            s.component.fullmatch(text)
            s.logical_id.search(text)
    elif how == "sub":
        obj.sub("", text)
    elif how in ("finditer",):
        for _ in obj.finditer(text):
            pass
    else:
        getattr(obj, how)(text)
times = {}
for label, text in strings.items():
    start = time.process_time()
    run(text)
    times[label] = time.process_time() - start
print(json.dumps(times))
'''


@pytest.fixture(scope="module")
def strings_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("regex") / "strings.json"
    path.write_text(json.dumps(_adversarial()), encoding="utf-8")
    return path


def _run(strings_file: Path, *args: str) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", CHILD, *args[:3], str(strings_file), *args[3:]],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    times: dict[str, float] = json.loads(proc.stdout)
    return times


@pytest.mark.parametrize(("module", "name", "how"), AUDITED, ids=[f"{m}.{n}" for m, n, _ in AUDITED])
def test_pattern_is_fast_on_adversarial_input(strings_file: Path, module: str, name: str, how: str) -> None:
    times = _run(strings_file, module, name, how)
    slow = {label: round(t, 2) for label, t in times.items() if t > BUDGET}
    assert not slow, f"{module}.{name} takes over {BUDGET}s of CPU on {slow}"


@pytest.mark.parametrize(("module", "pattern"), INLINE, ids=[f"{m}:{p}" for m, p in INLINE])
def test_inline_pattern_is_fast_on_adversarial_input(strings_file: Path, module: str, pattern: str) -> None:
    times = _run(strings_file, module, "", "inline", pattern)
    slow = {label: round(t, 2) for label, t in times.items() if t > BUDGET}
    assert not slow, f"{pattern!r} in {module} takes over {BUDGET}s of CPU on {slow}"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "rules":
        parts = ["wa_lint", "rules", *parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _regex_uses() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Module-level ``NAME = re.compile(...)`` and inline ``re.<fn>("literal", ...)`` in the sources."""
    compiled: set[tuple[str, str]] = set()
    inline: set[tuple[str, str]] = set()
    for path in sorted([*(ROOT / "wa_lint").rglob("*.py"), *(ROOT / "rules").rglob("*.py")]):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
                continue
            if node.func.attr in ("escape",):
                continue
            if node.func.attr == "compile":
                compiled.add((module, "?"))
            elif node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                inline.add((module, node.args[0].value))
            else:
                inline.add((module, "?"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                func = node.value.func
                if isinstance(func, ast.Attribute) and func.attr == "compile":
                    compiled |= {(module, t.id) for t in node.targets if isinstance(t, ast.Name)}
    return compiled, inline


def test_every_pattern_is_audited() -> None:
    compiled, inline = _regex_uses()
    known = {(m, n) for m, n, _ in AUDITED} | ELSEWHERE
    modules = {m for m, _ in known}
    # a module with re.compile inside a function (``?``) must have its patterns listed by name
    missing = {(m, n) for m, n in compiled if (m, n) not in known and (m, "*") not in known
               and not (n == "?" and m in modules)}
    assert not missing, f"patterns not in AUDITED: {sorted(missing)}"
    unlisted = {(m, p) for m, p in inline if (m, p) not in set(INLINE) and (m, "*") not in known}
    assert not unlisted, f"inline patterns not in INLINE: {sorted(unlisted)}"
