"""Linking as substitution: one stack's values rewritten so another stack's rules can read them.

Two rewrites, done in one copy-on-write walk (an unchanged subtree is returned as is, and
mappings keep their source marks):

- *namespacing* a foreign stack: every name it defines (resources, parameters, conditions,
  mappings) gets the stack's prefix (``Data/Queue``), wherever ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``,
  ``Fn::If``, ``Condition`` and ``Fn::FindInMap`` use it;
- *substituting* what a link resolved: an ``Fn::ImportValue`` whose name the index matched, a
  ``Ref`` to an ``AWS::SSM::Parameter::Value<…>`` parameter, a ``{{resolve:ssm:NAME}}`` reference,
  each replaced by the other stack's value expression (already in the host's namespace).

What is not matched stays as written, so it stays unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wa_lint.model import MarkedDict
from wa_lint.values import SUB_VARIABLE, Resolver, getatt_parts, intrinsic, sub_parts

MAX_DEPTH = 100
#: ``{{resolve:ssm:NAME}}`` or ``{{resolve:ssm:NAME:VERSION}}`` (SecureString ``ssm-secure`` is not
#: something a template can write, so it never links).
SSM_REFERENCE = re.compile(r"\{\{resolve:ssm:([A-Za-z0-9_.\-/]{1,2048}?)(?::\d{1,10})?\}\}")


@dataclass(slots=True)
class Namespace:
    """How one stack's values are rewritten for the host's view.

    ``prefix`` is empty for the host itself; ``names`` are the names the stack defines;
    ``imports`` maps an evaluated export name, ``ssm_params`` a parameter name and ``ssm_names``
    an SSM parameter name to the expression that replaces it; ``resolver`` evaluates this
    stack's import names (with the values a deployment passes)."""

    prefix: str
    names: frozenset[str]
    resolver: Resolver
    imports: Mapping[str, Any] = field(default_factory=dict)
    ssm_params: Mapping[str, Any] = field(default_factory=dict)
    ssm_names: Mapping[str, Any] = field(default_factory=dict)
    #: ``(nested stack resource, "Outputs.NAME")`` → that output's value: a parent reading what
    #: its nested stack gives back (``GetAtt Worker.Outputs.QueueArn``)
    outputs: Mapping[tuple[str, str], Any] = field(default_factory=dict)

    def name(self, local: str) -> str:
        return self.prefix + local if self.prefix and local in self.names else local

    @property
    def idle(self) -> bool:
        """Nothing to rename or replace: the walk can be skipped."""
        return not (self.prefix or self.imports or self.ssm_params or self.ssm_names or self.outputs)


def rewrite(value: Any, ns: Namespace, depth: int = 0) -> Any:
    """``value`` as the host sees it (see the module docstring); ``value`` itself when unchanged."""
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, str):
        return _dynamic(value, ns) if ns.ssm_names and "{{resolve:ssm:" in value else value
    if isinstance(value, list):
        items = [rewrite(v, ns, depth + 1) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not isinstance(value, dict):
        return value
    fn = intrinsic(value)
    if fn is not None:
        done = _intrinsic(fn[0], fn[1], ns, depth)
        if done is not None:
            return done
    items_ = {k: rewrite(v, ns, depth + 1) for k, v in value.items()}
    if all(items_[k] is v for k, v in value.items()):
        return value
    return like(value, items_)


def like(original: dict[str, Any], items: dict[str, Any]) -> dict[str, Any]:
    """A new mapping with ``items`` that keeps the marks of ``original``."""
    if not isinstance(original, MarkedDict):
        return items
    out = MarkedDict(items)
    out.mark = original.mark
    out.key_marks = original.key_marks
    return out


def _intrinsic(name: str, arg: Any, ns: Namespace, depth: int) -> Any:
    """The rewritten intrinsic, or None to rewrite its argument generically."""
    if name == "Ref" and isinstance(arg, str):
        if arg in ns.ssm_params:
            return ns.ssm_params[arg]
        renamed = ns.name(arg)
        return {"Ref": renamed} if renamed != arg else None
    if name == "Fn::ImportValue" and ns.imports:
        evaluated = ns.resolver.scalar(arg)
        if isinstance(evaluated, str) and evaluated in ns.imports:
            return ns.imports[evaluated]
        return None
    if name == "Fn::GetAtt":
        parts = getatt_parts(arg)
        if parts is not None and isinstance(parts[1], str) and (parts[0], parts[1]) in ns.outputs:
            return ns.outputs[parts[0], parts[1]]
        if parts is None or ns.name(parts[0]) == parts[0]:
            return None
        attr = arg[1] if isinstance(arg, list) else parts[1]
        return {"Fn::GetAtt": [ns.name(parts[0]), rewrite(attr, ns, depth + 1)]}
    if name == "Fn::Sub":
        return _sub(arg, ns, depth)
    if name == "Condition" and isinstance(arg, str):
        renamed = ns.name(arg)
        return {"Condition": renamed} if renamed != arg else None
    if name == "Fn::If" and isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str):
        rest = [rewrite(v, ns, depth + 1) for v in arg[1:]]
        return {"Fn::If": [ns.name(arg[0]), *rest]}
    if name == "Fn::FindInMap" and isinstance(arg, list) and arg and isinstance(arg[0], str):
        rest = [rewrite(v, ns, depth + 1) for v in arg[1:]]
        return {"Fn::FindInMap": [ns.name(arg[0]), *rest]}
    return None


def _sub(arg: Any, ns: Namespace, depth: int) -> Any:
    parts = sub_parts(arg)
    if parts is None:
        return None
    text, variables = parts
    new_vars = {k: rewrite(v, ns, depth + 1) for k, v in variables.items()}

    def replace(match: re.Match[str]) -> str:
        var = match.group(1).strip()
        if var in variables:
            return match.group(0)
        head, dot, attr = var.partition(".")
        if not dot and head in ns.ssm_params:
            new_vars[head] = ns.ssm_params[head]  # becomes a variable of this Sub
            return match.group(0)
        if dot and (head, attr) in ns.outputs:
            new_vars[var] = ns.outputs[head, attr]  # a nested stack's output: a variable of this Sub
            return match.group(0)
        renamed = ns.name(head)
        return "${" + renamed + dot + attr + "}" if renamed != head else match.group(0)

    new_text = SUB_VARIABLE.sub(replace, text)
    if ns.ssm_names and "{{resolve:ssm:" in new_text:
        new_text = SSM_REFERENCE.sub(lambda m: _sub_ssm(m, ns, new_vars), new_text)
    changed = new_text != text or any(new_vars.get(k) is not v for k, v in variables.items())
    if not changed and len(new_vars) == len(variables):
        return None
    return {"Fn::Sub": [new_text, new_vars] if new_vars else new_text}


def _sub_ssm(match: re.Match[str], ns: Namespace, variables: dict[str, Any]) -> str:
    """A dynamic reference inside ``Fn::Sub`` text becomes a variable of that Sub."""
    name = match.group(1)
    if name not in ns.ssm_names:
        return match.group(0)
    var = f"WaLintSsm{len(variables)}"
    variables[var] = ns.ssm_names[name]
    return "${" + var + "}"


def _dynamic(text: str, ns: Namespace) -> Any:
    """A string holding ``{{resolve:ssm:NAME}}`` references the run writes: the value itself when
    the string is one reference, else an ``Fn::Join`` of the text around them."""
    pieces: list[Any] = []
    last = 0
    for match in SSM_REFERENCE.finditer(text):
        if match.group(1) not in ns.ssm_names:
            continue
        if match.start() > last:
            pieces.append(text[last:match.start()])
        pieces.append(ns.ssm_names[match.group(1)])
        last = match.end()
    if not pieces:
        return text
    if last < len(text):
        pieces.append(text[last:])
    return pieces[0] if len(pieces) == 1 else {"Fn::Join": ["", pieces]}
