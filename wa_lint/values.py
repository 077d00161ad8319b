"""Intrinsic functions: which resources a value points at, and what it evaluates to when it can.

Two questions, kept apart on purpose. *Which resources does this value reference?* is always
answerable (it only walks the structure) and feeds ``ref`` edges and target lookups. *What is this
value?* is answered only when the template determines it; otherwise the answer is an explicit
:class:`Unknown`, never a guess. Parameters resolve to their defaults; ``Fn::If`` is unknown unless
both branches agree (rules that care look at both branches with :func:`branches`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, overload

from wa_lint.model import Resource, Unknown

# A variable never contains "$": without that, every "${" of "${${${…" would scan to the end (quadratic).
SUB_VARIABLE = re.compile(r"\$\{([^!}$][^}$]*)\}")
NO_VALUE = "AWS::NoValue"
MAX_TEXT = 4 * 1024 * 1024
"""Longest text ``Fn::Sub``/``Fn::Join`` may build: a 100 KB parameter default referenced 20,000
times would otherwise build gigabytes. Longer results are unknown."""
MAX_INTEGER = 2**63

#: Pseudo parameters with a value that does not depend on where the stack is deployed.
#: Region and account do, so they stay unknown.
KNOWN_PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
PSEUDO_PREFIX = "AWS::"

INTRINSICS = frozenset(
    {
        "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If",
        "Fn::ImportValue", "Fn::FindInMap", "Fn::Base64", "Fn::GetAZs", "Fn::Cidr",
        "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition", "Fn::Transform",
        "Fn::Length", "Fn::ToJsonString", "Fn::ValueOf", "Fn::Contains",
    }
)


def intrinsic(value: Any) -> tuple[str, Any] | None:
    """``(name, argument)`` when ``value`` is a one-key intrinsic mapping, else None."""
    if isinstance(value, dict) and len(value) == 1:
        key, arg = next(iter(value.items()))
        if key in INTRINSICS:
            return key, arg
    return None


def sub_parts(arg: Any) -> tuple[str, dict[str, Any]] | None:
    """The template string and variable map of an ``Fn::Sub`` in either form."""
    if isinstance(arg, str):
        return arg, {}
    if isinstance(arg, list) and arg and isinstance(arg[0], str):
        variables = arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
        return arg[0], variables
    return None


def getatt_parts(arg: Any) -> tuple[str, str] | None:
    """``(logical id, attribute)`` of an ``Fn::GetAtt`` in list or dotted form."""
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
        attr = arg[1] if isinstance(arg[1], str) else ""
        return arg[0], attr
    if isinstance(arg, str) and "." in arg:
        name, attr = arg.split(".", 1)
        return name, attr
    return None


def references(value: Any) -> Iterator[tuple[str, str | None]]:
    """Every ``(name, attribute)`` that ``value`` references through Ref, GetAtt or Sub.

    Names may be resources, parameters or pseudo parameters; the caller filters.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            fn = intrinsic(item)
            if fn is None:
                stack.extend(item.values())
                continue
            name, arg = fn
            if name == "Ref" and isinstance(arg, str):
                yield arg, None
            elif name == "Fn::GetAtt":
                parts = getatt_parts(arg)
                if parts:
                    yield parts
                elif isinstance(arg, list):
                    stack.extend(arg)
            elif name == "Fn::Sub":
                parts_ = sub_parts(arg)
                if parts_ is not None:
                    text, variables = parts_
                    for var in SUB_VARIABLE.findall(text):
                        if var in variables:
                            continue
                        ref, _, attr = var.partition(".")
                        yield ref.strip(), attr or None
                    stack.extend(variables.values())
            else:
                stack.append(arg)
        elif isinstance(item, list):
            stack.extend(item)


def referenced_resources(value: Any, resource_ids: Mapping[str, Any] | set[str]) -> list[str]:
    """Logical ids of resources (not parameters) that ``value`` references, in first-seen order."""
    seen: dict[str, None] = {}
    for name, _attr in references(value):
        if name in resource_ids:
            seen.setdefault(name, None)
    return list(seen)


def target(value: Any, resource_ids: Mapping[str, Any] | set[str]) -> str | None:
    """The one resource an ARN/name-like value points at, or None when it is not exactly one.

    Understands ``Ref X``, ``GetAtt X.Arn``, ``Sub "…${X.Arn}…"``, ``Join`` and ``Select``/``Split``
    pieces of them, as CDK writes ARNs. ``Fn::If`` with two different targets is ambiguous: None.
    """
    found = referenced_resources(value, resource_ids)
    return found[0] if len(found) == 1 else None


def branches(value: Any, condition: str | None = None) -> Iterator[tuple[str | None, Any]]:
    """Each concrete alternative of a value under ``Fn::If``, with the condition that selects it.

    ``AWS::NoValue`` alternatives are yielded as None values so callers can see "absent".
    """
    fn = intrinsic(value)
    if fn and fn[0] == "Fn::If" and isinstance(fn[1], list) and len(fn[1]) == 3:
        cond, yes, no = fn[1]
        name = cond if isinstance(cond, str) else None
        yield from branches(yes, both(condition, name))
        yield from branches(no, both(condition, f"!{name}" if name else None))
        return
    if fn and fn[0] == "Ref" and fn[1] == NO_VALUE:
        yield condition, None
        return
    yield condition, value


def both(a: str | None, b: str | None) -> str | None:
    """Two conditions that must both hold, as ``A&B`` (``!A`` is the negation, as written by
    :func:`branches`); repeated terms are written once. The one condition combiner."""
    terms = [t for c in (a, b) if c for t in c.split("&")]
    return "&".join(dict.fromkeys(terms)) or None


def impossible(condition: str | None) -> bool:
    """Whether a combined condition requires a condition and its negation (nested ``Fn::If``
    on the same condition, as the SAM translator writes for conditional functions)."""
    terms = set(condition.split("&")) if condition else set()
    return any(f"!{t}" in terms for t in terms)


def walk(value: Any, path: tuple[str, ...], condition: str | None = None) -> Iterator[tuple[str | None, Any]]:
    """Each alternative of the value at ``path`` below ``value``, expanding ``Fn::If`` at every
    level; an absent key or ``AWS::NoValue`` yields None so callers can see "not always set"."""
    for cond, item in branches(value):
        cond = both(condition, cond)
        if impossible(cond):
            continue
        if not path:
            yield cond, item
        elif isinstance(item, dict) and path[0] in item:
            yield from walk(item[path[0]], path[1:], cond)
        else:
            yield cond, None


def each(value: Any, condition: str | None = None) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """The mapping elements of a list property, with the condition each is present under."""
    for cond, items in walk(value, (), condition):
        if not isinstance(items, list):
            continue
        for item in items:
            for cond2, element in branches(item):
                cond2 = both(cond, cond2)
                if isinstance(element, dict) and not impossible(cond2):
                    yield cond2, element


def at(res: Resource, *path: str) -> Iterator[tuple[str | None, Any]]:
    """Each present alternative of a resource property, with its condition."""
    for cond, value in walk(res.properties, path, res.condition):
        if value is not None:
            yield cond, value


def items(res: Resource, *path: str) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """The mapping elements of a list property of a resource, with their conditions."""
    for cond, value in at(res, *path):
        yield from each(value, cond)


class Resolver:
    """Evaluates values of one template where the template determines them."""

    def __init__(
        self,
        parameters: Mapping[str, Any] | None = None,
        mappings: Mapping[str, Any] | None = None,
        resource_ids: Mapping[str, Any] | set[str] | None = None,
    ) -> None:
        self.parameters = parameters or {}
        self.mappings = mappings or {}
        self.resource_ids = resource_ids if resource_ids is not None else set()

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """The literal value, with nested intrinsics evaluated, or an :class:`Unknown`."""
        if depth > 50:
            return Unknown("nesting too deep")
        if isinstance(value, list):
            return [self.resolve(v, depth + 1) for v in value]
        if not isinstance(value, dict):
            return value
        fn = intrinsic(value)
        if fn is None:
            return {k: self.resolve(v, depth + 1) for k, v in value.items()}
        name, arg = fn
        handler = _HANDLERS.get(name)
        if handler is None:
            return Unknown(name)
        try:
            return handler(self, arg, depth + 1)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError, OverflowError):
            return Unknown(f"malformed {name}")

    def scalar(self, value: Any) -> Any:
        """Like :meth:`resolve`, but anything that is not a plain scalar is unknown."""
        result = self.resolve(value)
        if isinstance(result, (str, int, float, bool)) or result is None:
            return result
        return Unknown("not a scalar")

    def switch(self, values: Iterable[Any]) -> str:
        """A boolean setting written as its alternatives (``Fn::If`` branches; None where a branch
        leaves it out): ``on`` when some alternative turns it on, ``unknown`` when one cannot be
        read, else ``off``. ``true``/``false`` strings count as CloudFormation reads them."""
        state = "off"
        for value in values:
            if value is None:
                continue
            known = self.scalar(value)
            if known is True or (isinstance(known, str) and known.lower() == "true"):
                return "on"
            if known is not False and not (isinstance(known, str) and known.lower() == "false"):
                state = "unknown"
        return state

    def ref(self, name: str) -> Any:
        if name in KNOWN_PSEUDO:
            return KNOWN_PSEUDO[name]
        if name == NO_VALUE:
            return None
        if name.startswith(PSEUDO_PREFIX):
            return Unknown(name)
        param = self.parameters.get(name)
        if isinstance(param, dict):
            if "Default" in param and param.get("NoEcho") not in (True, "true", "True"):
                default = param["Default"]
                if default == "":
                    # ``Default: ''`` means "not given" (a condition usually guards it): the
                    # deployed value is unknown, and no ARN or message is built from ''.
                    return Unknown(f"parameter {name}")
                ptype = str(param.get("Type", ""))
                if "List" in ptype and isinstance(default, str):
                    return [s.strip() for s in default.split(",")]
                if ptype.startswith("AWS::SSM::Parameter::Value"):
                    return Unknown(f"SSM parameter {name}")
                return default
            return Unknown(f"parameter {name}")
        return Unknown(f"Ref {name}")


def _ref(r: Resolver, arg: Any, _depth: int) -> Any:
    return r.ref(arg) if isinstance(arg, str) else Unknown("malformed Ref")


def _sub(r: Resolver, arg: Any, depth: int) -> Any:
    parts = sub_parts(arg)
    if parts is None:
        return Unknown("malformed Fn::Sub")
    text, variables = parts
    unknown: list[Unknown] = []
    size = [len(text)]

    def replace(match: re.Match[str]) -> str:
        var = match.group(1).strip()
        if var in variables:
            value = r.resolve(variables[var], depth + 1)
        elif "." in var:
            value = Unknown(f"GetAtt {var}")
        else:
            value = r.ref(var)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            piece = str(value)
            size[0] += len(piece)
            if size[0] <= MAX_TEXT:
                return piece
            value = Unknown("Fn::Sub text too long")
        unknown.append(value if isinstance(value, Unknown) else Unknown(var))
        return ""

    result = SUB_VARIABLE.sub(replace, text)
    if unknown:
        return unknown[0]
    return result.replace("${!", "${")


def _join(r: Resolver, arg: Any, depth: int) -> Any:
    sep, items = arg
    items = r.resolve(items, depth)
    if not isinstance(sep, str) or not isinstance(items, list):
        return Unknown("Fn::Join")
    if any(not isinstance(i, (str, int, float)) or isinstance(i, bool) for i in items):
        return Unknown("Fn::Join of unknown parts")
    texts = [str(i) for i in items]
    if sum(map(len, texts)) + len(sep) * len(texts) > MAX_TEXT:
        return Unknown("Fn::Join text too long")
    return sep.join(texts)


def _select(r: Resolver, arg: Any, depth: int) -> Any:
    index, items = r.resolve(arg[0], depth), r.resolve(arg[1], depth)
    if isinstance(items, list) and isinstance(index, (int, str)) and not isinstance(index, bool):
        return items[int(index)]
    return Unknown("Fn::Select")


def _split(r: Resolver, arg: Any, depth: int) -> Any:
    sep, text = arg[0], r.resolve(arg[1], depth)
    if isinstance(sep, str) and isinstance(text, str):
        return text.split(sep)
    return Unknown("Fn::Split")


def _if(r: Resolver, arg: Any, depth: int) -> Any:
    _cond, yes, no = arg
    a, b = r.resolve(yes, depth), r.resolve(no, depth)
    if not isinstance(a, Unknown) and a == b:
        return a
    return Unknown("Fn::If")


def _find_in_map(r: Resolver, arg: Any, depth: int) -> Any:
    keys = [r.resolve(k, depth) for k in arg[:3]]
    if any(not isinstance(k, str) for k in keys):
        return Unknown("Fn::FindInMap")
    value = r.mappings.get(keys[0], {})
    for key in keys[1:]:
        if not isinstance(value, dict) or key not in value:
            return Unknown("Fn::FindInMap")
        value = value[key]
    return r.resolve(value, depth)


def _unknown(name: str) -> Any:
    return lambda _r, _arg, _depth: Unknown(name)


_HANDLERS: dict[str, Any] = {
    "Ref": _ref,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::If": _if,
    "Fn::FindInMap": _find_in_map,
    "Fn::GetAtt": _unknown("Fn::GetAtt"),
    "Fn::ImportValue": _unknown("Fn::ImportValue"),
}


def integer(value: Any) -> int | None:
    """A numeric setting (``30``, ``30.0``, ``"30"``) as an int; None for booleans, other text, NaN,
    infinities (``.inf``, ``1e400``, ``Infinity``) and anything beyond 64 bits, which no AWS
    setting accepts: rules compare these, and ``int(inf)`` or ``float(10**400)`` raise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, str):
        if len(value) > 64:
            return None
        try:
            value = int(value) if value.strip().lstrip("+-").isdigit() else float(value)
        except ValueError:
            return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        value = int(value)
    return value if -MAX_INTEGER <= value < MAX_INTEGER else None


@overload
def cased(resolver: Resolver, value: Any, *, upper: bool = ..., unknown_none: Literal[True]) -> str | None: ...
@overload
def cased(resolver: Resolver, value: Any, *, upper: bool = ..., unknown_none: bool = ...) -> str | Unknown | None: ...
def cased(resolver: Resolver, value: Any, *, upper: bool = True, unknown_none: bool = False) -> str | Unknown | None:
    """An enum-like setting in one case (``AWS_PROXY``, ``tls_1_0``; booleans as ``TRUE`` / ``true``):
    None when absent, :class:`Unknown` when the template does not determine it (None too with
    ``unknown_none``, for tests like ``in ("LAMBDA", None)``). The one case normaliser for
    settings AWS compares case-insensitively."""
    if value is None:
        return None
    known = resolver.scalar(value)
    if isinstance(known, Unknown) or known is None:
        return None if unknown_none else known
    text = str(known).lower() if isinstance(known, bool) else str(known)
    return text.upper() if upper else text.lower()


# -- rendering ---------------------------------------------------------------------------------

MAX_RENDER_DEPTH = 20


def _refuse(_name: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class Placeholders:
    """How :func:`render` writes what the template does not determine; each convention a caller
    needs is one instance (``<Ref X>`` in messages, ``${X}`` in policies and names, an identifier
    in source code). A callable returning None refuses: the whole value renders as None.

    ``ref`` gets the name of a ``Ref`` / ``${Name}`` without a known value, ``getatt`` the dotted
    ``Res.Attr`` of a ``GetAtt`` / ``${Res.Attr}``, ``unknown`` the name of any other intrinsic the
    resolver cannot reduce to text; ``invalid`` stands for a value that is no text at all (a list,
    a boolean, a malformed intrinsic, an ``Fn::If`` whose branches differ).
    ``keep_variables``: an ``Fn::Sub`` variable whose value refuses is written as ``ref(name)``.
    ``opaque``: do not look inside pieces of ``Fn::Sub`` / ``Fn::Join``; each piece that is not
    literal text is ``ref``/``getatt`` by its variable name, or ``unknown("")``.
    """

    ref: Callable[[str], str | None] = _refuse
    getatt: Callable[[str], str | None] = _refuse
    unknown: Callable[[str], str | None] = _refuse
    invalid: str | None = None
    keep_variables: bool = False
    opaque: bool = False


def render(value: Any, resolver: Resolver | None, unknown: Placeholders, depth: int = 0) -> str | None:
    """A value as text: what the template determines written out, the rest as ``unknown`` says.
    The one value-to-text renderer; ``resolver`` None resolves nothing."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    fn = intrinsic(value)
    if fn is None or depth > MAX_RENDER_DEPTH:
        return unknown.invalid
    name, arg = fn
    if name == "Ref" and isinstance(arg, str):
        known = _known_text(resolver.ref(arg)) if resolver is not None else None
        return known if known is not None else unknown.ref(arg)
    if name == "Fn::GetAtt":
        parts = getatt_parts(arg)
        return unknown.getatt(".".join(parts)) if parts else unknown.invalid
    if name == "Fn::Sub":
        return _render_sub(arg, resolver, unknown, depth)
    if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) \
            and isinstance(arg[1], list):
        pieces = [unknown.unknown("") if unknown.opaque and not isinstance(item, str)
                  else render(item, resolver, unknown, depth + 1) for item in arg[1]]
        return None if any(p is None for p in pieces) else arg[0].join(p for p in pieces if p is not None)
    if name == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
        alternatives = {render(v, resolver, unknown, depth + 1) for _cond, v in branches(value)}
        return alternatives.pop() if len(alternatives) == 1 else unknown.invalid
    resolved = resolver.resolve(value) if resolver is not None else Unknown(name)
    if isinstance(resolved, str):
        return resolved
    return unknown.unknown(name) if isinstance(resolved, Unknown) else unknown.invalid


def _known_text(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else None


def _render_sub(arg: Any, resolver: Resolver | None, unknown: Placeholders, depth: int) -> str | None:
    parts = sub_parts(arg)
    if parts is None:
        return unknown.invalid
    template, variables = parts
    refused = False

    def replace(match: re.Match[str]) -> str:
        nonlocal refused
        var = match.group(1).strip()
        if var in variables and not unknown.opaque:
            text = render(variables[var], resolver, unknown, depth + 1)
            if text is None and unknown.keep_variables:
                text = unknown.ref(var)
        elif "." in var:
            text = unknown.getatt(var)
        else:
            text = unknown.ref(var) if unknown.opaque else render({"Ref": var}, resolver, unknown, depth + 1)
        refused = refused or text is None
        return text or ""

    text = SUB_VARIABLE.sub(replace, template)
    return None if refused else text.replace("${!", "${")


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)
