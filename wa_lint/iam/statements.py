"""Policy statements as written, normalised: one :class:`Statement` per statement of a document.

Values are *rendered*, not guessed: a literal stays itself, a parameter with a default or a known
pseudo parameter becomes its value, and anything else (``${Bucket}``, ``GetAtt``, an import) becomes
a ``${…}`` placeholder standing for "one specific value the template does not spell out". So
``arn:${AWS::Partition}:s3:::${Bucket}/*`` stays scoped and only a real ``*`` reads as a wildcard.
A value that cannot be rendered at all (``Fn::If`` with different branches, a list parameter) is
dropped and the statement marked ``partial``: rules stay silent on what they cannot see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wa_lint.model import mark_of
from wa_lint.values import Placeholders, Resolver, branches
from wa_lint.values import render as render_value

PLACEHOLDER = re.compile(r"\$\{[^}$]*\}")  # no "$" inside: linear on "${${${…"


@dataclass(eq=False, slots=True)
class Statement:
    """One statement and where it was written.

    ``policy`` is the logical id of the resource holding it (the role for inline ``Policies``, the
    ``AWS::IAM::Policy``/``ManagedPolicy``/``RolePolicy``), or the AWS managed policy's name.
    ``sam_template`` names the SAM policy template that produced it; ``sam_entry`` is the index
    of the SAM ``Policies`` entry it came from.
    """

    key: str
    policy: str
    policy_kind: str  # "inline", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "aws-managed"
    policy_name: str | None
    index: int
    line: int
    effect: str  # "Allow", "Deny", or "" when unknown
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] | None = None
    conditions: dict[str, Any] = field(default_factory=dict)
    raw_resources: Any = None
    condition: str | None = None  # template condition selecting it (Fn::If)
    partial: bool = False
    sam_template: str | None = None
    sam_entry: int | None = None

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def managed(self) -> bool:
        return self.policy_kind == "aws-managed"

    def condition_keys(self) -> list[str]:
        keys: list[str] = []
        for block in self.conditions.values():
            if isinstance(block, dict):
                keys.extend(str(k) for k in block)
        return keys

    def actions_text(self) -> str:
        if self.not_actions is not None:
            return "NotAction " + ", ".join(self.not_actions)
        return ", ".join(self.actions)

    def resources_text(self) -> str:
        if self.not_resources is not None:
            return "NotResource " + ", ".join(self.not_resources)
        return ", ".join(self.resources)

    def to_dict(self) -> dict[str, Any]:
        """The statement as plain JSON data (for the graph exporter)."""
        out: dict[str, Any] = {"Effect": self.effect or None}
        if self.not_actions is not None:
            out["NotAction"] = list(self.not_actions)
        else:
            out["Action"] = list(self.actions)
        if self.not_resources is not None:
            out["NotResource"] = list(self.not_resources)
        else:
            out["Resource"] = list(self.resources)
        if self.conditions:
            out["Condition"] = json.loads(json.dumps(self.conditions, default=str))
        return out


# -- rendering ---------------------------------------------------------------------------------


#: ``${X}`` for whatever the template leaves open (``${Bucket.Arn}``, ``${Import}``, ``${Fn::Select}``);
#: a value that is no text (a list, ``Fn::If`` with different branches) refuses.
STATEMENT_TEXT = Placeholders(
    ref=lambda name: "${" + name + "}",
    getatt=lambda dotted: "${" + dotted + "}",
    unknown=lambda name: "${Import}" if name == "Fn::ImportValue" else "${" + name + "}",
    keep_variables=True,
)


def render(value: Any, resolver: Resolver) -> str | None:
    """A string for ``value`` with placeholders for what the template does not determine."""
    return render_value(value, resolver, STATEMENT_TEXT)


def _strings(value: Any, resolver: Resolver) -> tuple[tuple[str, ...], bool]:
    """The rendered strings of a string-or-list field, and whether any could not be rendered."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    partial = False
    for item in items:
        text = render(item, resolver)
        if text is None:
            partial = True
        else:
            out.append(text)
    return tuple(out), partial


# -- documents ---------------------------------------------------------------------------------


def statements_of(
    document: Any,
    resolver: Resolver,
    *,
    key: str,
    policy: str,
    policy_kind: str,
    policy_name: str | None,
    line: int,
    condition: str | None = None,
) -> Iterator[Statement]:
    """Every statement of a policy document (``Statement`` as one mapping or a list, entries
    possibly under ``Fn::If``); ``key`` prefixes each statement's unique key."""
    for doc_cond, doc in branches(document, condition):
        if not isinstance(doc, dict):
            continue
        raw = doc.get("Statement")
        items = raw if isinstance(raw, list) else [raw]
        for index, item in enumerate(items):
            for cond, body in branches(item, doc_cond):
                if isinstance(body, dict):
                    suffix = f"#{index}" + (f"?{cond}" if cond and cond != condition else "")
                    yield _statement(body, resolver, f"{key}{suffix}", policy, policy_kind, policy_name,
                                     index, line, cond)


def _statement(
    body: dict[str, Any],
    resolver: Resolver,
    key: str,
    policy: str,
    policy_kind: str,
    policy_name: str | None,
    index: int,
    line: int,
    condition: str | None,
) -> Statement:
    mark = mark_of(body)
    effect = resolver.resolve(body.get("Effect"))
    st = Statement(
        key=key,
        policy=policy,
        policy_kind=policy_kind,
        policy_name=policy_name,
        index=index,
        line=mark.line if mark is not None else line,
        effect=effect if effect in ("Allow", "Deny") else "",
        condition=condition,
    )
    partial = False
    if "NotAction" in body:
        st.not_actions, partial = _strings(body["NotAction"], resolver)
    else:
        st.actions, partial = _strings(body.get("Action", []), resolver)
    if "NotResource" in body:
        st.not_resources, p2 = _strings(body["NotResource"], resolver)
    else:
        st.resources, p2 = _strings(body.get("Resource", []), resolver)
        st.raw_resources = body.get("Resource")
    cond = body.get("Condition")
    st.conditions = cond if isinstance(cond, dict) else ({"?": {}} if cond is not None else {})
    st.partial = partial or p2
    return st


# -- resources ---------------------------------------------------------------------------------


def unscoped(resource: str) -> bool:
    """Whether a rendered resource means "every resource" (of a type): ``*``, ``arn:aws:s3:::*``,
    ``arn:…:dynamodb:…:table/*``, ``arn:aws:logs:*:*:*``. A name, a prefix or a placeholder in
    the resource part scopes it. Resource-type words come from the IAM data set."""
    if resource == "*":
        return True
    text = PLACEHOLDER.sub("\u00a7", resource)  # a placeholder is one specific value
    if not text.startswith("arn:"):
        return False
    parts = text.split(":", 5)
    if len(parts) < 6 or "*" not in parts[5]:
        return False
    components = re.split(r"[/:]", parts[5])
    service = parts[2]
    if len(components) > 1 and "*" not in components[0] and "\u00a7" not in components[0]:
        from wa_lint.iam.data import resource_type_words

        if "*" in service or "\u00a7" in service or components[0] in resource_type_words(service):
            components = components[1:]
    return all(c in ("*", "") for c in components)
