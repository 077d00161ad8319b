"""WA213: literal secrets in function environment variables (the value is never shown)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, rule
from wa_lint.model import Unknown
from wa_lint.values import branches, intrinsic

WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
#: Last word of a variable name that says it holds a secret.
SECRET_WORDS = frozenset({
    "password", "passwd", "pwd", "pass", "passphrase", "secret", "secrets", "token", "apikey",
    "credential", "credentials", "privatekey", "secretkey",
})
#: Last two words that say so (``API_KEY``, ``privateKey``, ``SIGNING_KEY``).
SECRET_PAIRS = frozenset({
    ("api", "key"), ("private", "key"), ("secret", "key"), ("signing", "key"), ("encryption", "key"),
    ("master", "key"), ("auth", "key"), ("hmac", "key"), ("jwt", "key"), ("access", "token"), ("access", "key"),
})
#: Trailing words that only describe the encoding (``PRIVATE_KEY_PEM``, ``DB_PASSWORD_VALUE``).
QUALIFIERS = frozenset({"value", "string", "str", "pem", "b64", "base64", "raw", "plain", "plaintext", "text"})
DYNAMIC_REFERENCE = "{{resolve:"
#: Literal values that name where a secret lives rather than being one.
REFERENCE_VALUE = re.compile(r"^(arn:|/[\w.\-/]+$|[\w.\-]+(/[\w.\-]+)+$)")
FIX = ("Keep the secret in AWS Secrets Manager and pass its ARN or name instead, read at runtime "
       "(the Parameters and Secrets Lambda extension caches it); at the least write "
       "'{{resolve:secretsmanager:<secret>:SecretString:<key>}}' or a NoEcho parameter instead of the literal.")


def secret_name(name: str) -> bool:
    """Whether an environment variable's name says it holds a secret (by its last words)."""
    words = [w.lower() for w in WORDS.findall(name)]
    while len(words) > 1 and words[-1] in QUALIFIERS:
        words.pop()
    if not words:
        return False
    return words[-1] in SECRET_WORDS or tuple(words[-2:]) in SECRET_PAIRS


def _has_dynamic_reference(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and DYNAMIC_REFERENCE in item:
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def literal(graph: Graph, value: Any) -> tuple[str, str | None] | None:
    """``(literal, parameter)`` when the value is a literal written in the template (directly, or
    as the default of a parameter without NoEcho); None for references and unknowns."""
    if value is None or _has_dynamic_reference(value):
        return None
    fn = intrinsic(value)
    parameter = None
    if fn is not None:
        if fn[0] != "Ref":
            known = graph.resolver.scalar(value)  # Sub/Join/FindInMap of literals only
            return (known, None) if isinstance(known, str) and _secret_like(known) else None
        param = graph.stack.parameters.get(fn[1]) if isinstance(fn[1], str) else None
        if not isinstance(param, dict):
            return None  # a resource (its name or ARN) or a pseudo parameter
        parameter = fn[1]
    known = graph.resolver.scalar(value)
    if isinstance(known, Unknown) or not isinstance(known, str) or not _secret_like(known):
        return None
    return known, parameter


def _secret_like(text: str) -> bool:
    stripped = text.strip()
    if not stripped or stripped.lower() in ("true", "false", "none", "null") or stripped.isdigit():
        return False
    return not REFERENCE_VALUE.match(stripped)


@rule(
    id="WA213",
    name="secret-in-environment",
    pillar=Pillar.SECURITY,
    severity=Severity.ERROR,
    lens="SEC 3",
)
def secret_in_environment(graph: Graph) -> Iterator[Finding]:
    """A function environment variable holds a secret written into the template.

    ## Why
    A literal in a template lives in version control, in every copy of the template, in the
    CloudFormation console and in the function's configuration, where anyone with
    `lambda:GetFunctionConfiguration` reads it. It cannot be rotated without a deployment.

    ## When it fires
    An environment variable whose name ends in a secret word (`PASSWORD`, `PASSWD`, `PWD`,
    `PASS`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY`, `SECRET_KEY`, `SIGNING_KEY`,
    `ACCESS_KEY`, `CREDENTIALS`, …, optionally followed by `_VALUE`, `_PEM`, `_B64`) holds a literal string:
    written directly, built with `Fn::Sub`/`Fn::Join` from literals, or the default of a parameter
    without `NoEcho`. With `Fn::If`, each branch is judged and the finding names its condition.
    The value itself is never shown: messages name the variable, and code frames mask it.

    ## When it stays silent
    - The value is a dynamic reference (`{{resolve:secretsmanager:…}}`,
      `{{resolve:ssm-secure:…}}`), a `Ref` to a `NoEcho` parameter or to a parameter without a
      default, or a reference to a resource (a secret's ARN, a parameter's name).
    - The value names where the secret lives (an ARN, an SSM parameter path, a `prod/db/password`
      style secret name), is empty, a number or a boolean.
    - The name only mentions a secret (`SECRET_ARN`, `TOKEN_TABLE`, `PASSWORD_MIN_LENGTH`).

    ## Fix
    ```yaml
    Environment:
      Variables:
        DB_SECRET_ARN: !Ref DatabaseSecret   # read the password at runtime
    ```
    """
    findings: list[Finding] = []
    for fn in graph.functions():
        variables = fn.prop("Environment", "Variables")
        if not isinstance(variables, dict):
            continue
        for name, value in variables.items():
            if isinstance(name, str) and secret_name(name):
                findings.extend(_findings(graph, fn, name, value))
    # A code frame shows the lines around a finding: mask every secret of the stack in each.
    secrets = list(dict.fromkeys(s for f in findings for s in f.masked))
    for finding in findings:
        finding.masked = secrets
        yield finding


def _written(value: Any) -> list[str]:
    """The texts a value is written with (``Fn::Sub`` templates, ``Fn::Join`` pieces): code frames
    show the template as written, so these are masked along with the resolved secret."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and len(item) >= 4:
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(v for k, v in item.items() if k not in ("Ref", "Fn::GetAtt"))
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _when(condition: str | None) -> str:
    """`` when IsProd is false`` for the ``!IsProd`` branch of an ``Fn::If``."""
    if not condition:
        return ""
    terms = [f"{t[1:]} is false" if t.startswith("!") else f"{t} is true" for t in condition.split("&")]
    return " when " + " and ".join(terms)


def _findings(graph: Graph, fn: Resource, name: str, value: Any) -> Iterator[Finding]:
    alternatives = list(branches(value, fn.condition))
    for condition, alt in alternatives:
        found = literal(graph, alt)
        if found is None:
            continue
        secret, parameter = found
        where = f"the default of parameter {parameter} (not NoEcho)" if parameter else "a literal value"
        when = _when(condition) if len(alternatives) > 1 else ""
        yield Finding.at(
            fn,
            f"{graph.label(fn.logical_id)}'s environment variable {name} holds {where}{when}: the secret is "
            "readable in the template and the function configuration",
            fix=FIX,
            line=fn.prop_line("Environment", "Variables", name),
            condition=condition,
            masked=list(dict.fromkeys([secret, *_written(alt)])),
        )
