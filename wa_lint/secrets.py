"""Literal secrets in function environments: WA213 reports them, and every output masks them.

Detection lives in the engine, not in the rule, because masking must happen whichever rules run:
a code frame of any finding may show a neighbouring line that holds a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wa_lint.graph.model import Graph
from wa_lint.model import Resource, Unknown
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
#: Last words of a name whose value is a password even when it is all digits (a PIN-like
#: ``DB_PASSWORD: 123456789``); a ``MAX_TOKEN: 4096`` or ``API_KEY_ID: 12`` is a count or an id.
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase"})
MIN_NUMERIC_PASSWORD = 4  # digits: shorter numbers are lengths, flags or ports' ends, not passwords
#: Trailing words that only describe the encoding (``PRIVATE_KEY_PEM``, ``DB_PASSWORD_VALUE``).
QUALIFIERS = frozenset({"value", "string", "str", "pem", "b64", "base64", "raw", "plain", "plaintext", "text"})
DYNAMIC_REFERENCE = "{{resolve:"
SECRETS_MEMO = "wa_lint.secrets.stack_secrets"  # graph.memo key of stack_secrets
#: Literal values that name where a secret lives rather than being one.
REFERENCE_VALUE = re.compile(r"^(arn:|/[\w.\-/]+$|[\w.\-]+(/[\w.\-]+)+$)")
SECRET_FIX = ("Keep the secret in AWS Secrets Manager and pass its ARN or name instead, read at runtime "
       "(the Parameters and Secrets Lambda extension caches it); at the least write "
       "'{{resolve:secretsmanager:<secret>:SecretString:<key>}}' or a NoEcho parameter instead of the literal.")


def _last_words(name: str) -> list[str]:
    words = [w.lower() for w in WORDS.findall(name)]
    while len(words) > 1 and words[-1] in QUALIFIERS:
        words.pop()
    return words


def secret_name(name: str) -> bool:
    """Whether an environment variable's name says it holds a secret (by its last words)."""
    words = _last_words(name)
    if not words:
        return False
    return words[-1] in SECRET_WORDS or tuple(words[-2:]) in SECRET_PAIRS


def password_name(name: str) -> bool:
    """Whether the name says a password (whose value may be all digits) rather than a token or key."""
    words = _last_words(name)
    return bool(words) and words[-1] in PASSWORD_WORDS


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


def literal(graph: Graph, value: Any, digits: bool = False) -> tuple[str, str | None] | None:
    """``(literal, parameter)`` when the value is a literal written in the template (directly, or
    as the default of a parameter without NoEcho); None for references and unknowns. A number
    counts only with ``digits`` (a password's name), and then with at least four digits."""
    if value is None or _has_dynamic_reference(value):
        return None
    fn = intrinsic(value)
    parameter = None
    if fn is not None:
        if fn[0] != "Ref":
            known = graph.resolver.scalar(value)  # Sub/Join/FindInMap of literals only
            return (known, None) if isinstance(known, str) and _secret_like(known, digits) else None
        param = graph.stack.parameters.get(fn[1]) if isinstance(fn[1], str) else None
        if not isinstance(param, dict):
            return None  # a resource (its name or ARN) or a pseudo parameter
        parameter = fn[1]
    known = graph.resolver.scalar(value)
    if digits and isinstance(known, int) and not isinstance(known, bool):
        known = str(known)  # DB_PASSWORD: 123456789, as YAML reads it
    if isinstance(known, Unknown) or not isinstance(known, str) or not _secret_like(known, digits):
        return None
    return known, parameter


def _secret_like(text: str, digits: bool = False) -> bool:
    stripped = text.strip()
    if not stripped or stripped.lower() in ("true", "false", "none", "null"):
        return False
    if stripped.isdigit():
        return digits and stripped.isascii() and len(stripped) >= MIN_NUMERIC_PASSWORD
    return not REFERENCE_VALUE.match(stripped)




def written(value: Any) -> list[str]:
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


@dataclass(frozen=True, slots=True)
class EnvironmentSecret:
    """One literal secret in one environment variable (one ``Fn::If`` branch of it)."""

    function: Resource
    variable: str
    condition: str | None
    value: str
    parameter: str | None
    texts: tuple[str, ...]
    alternatives: int


def environment_secrets(graph: Graph) -> Iterator[EnvironmentSecret]:
    """Every literal secret held by a function's environment variables."""
    for fn in graph.functions(include_internal=True):
        variables = fn.prop("Environment", "Variables")
        if not isinstance(variables, dict):
            continue
        for name, value in variables.items():
            if not isinstance(name, str) or not secret_name(name):
                continue
            alternatives = list(branches(value, fn.condition))
            for condition, alt in alternatives:
                found = literal(graph, alt, digits=password_name(name))
                if found is not None:
                    secret, parameter = found
                    texts = tuple(dict.fromkeys([secret, *written(alt)]))
                    yield EnvironmentSecret(fn, name, condition, secret, parameter, texts, len(alternatives))


def stack_secrets(graph: Graph) -> list[str]:
    """Every text no output may show for this stack (found once per graph); the pipeline masks
    them in every finding, whichever rule or stage produced it (:mod:`wa_lint.filter.masking`)."""
    found = graph.memo(SECRETS_MEMO, lambda: list(dict.fromkeys(
        t for s in environment_secrets(graph) for t in s.texts)))
    return list(found)
