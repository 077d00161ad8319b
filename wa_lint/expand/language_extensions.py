"""Expand the ``AWS::LanguageExtensions`` transform before any other stage sees the template.

CloudFormation runs this transform first, so the SAM translator, the graph and the rules must see
its output: ``Fn::ForEach`` loops unrolled, ``Fn::Length`` and ``Fn::ToJsonString`` evaluated,
``Fn::FindInMap`` defaults applied. The expansion is static: a loop whose collection the template
does not determine (a parameter without a default, an import, a condition) generates nothing
rather than resources with guessed names. Parameter defaults are used for collections and
``Fn::Length`` only, because without them no resource of the loop could be linted at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from wa_lint.model import InputError, Mark, MarkedDict, Unknown, mark_of, section

TRANSFORM = "AWS::LanguageExtensions"
_FOREACH = "Fn::ForEach::"
_MALFORMED = "expects [identifier, collection, template]"
MAX_GENERATED = 10_000
"""Keys all loops of one template may generate: CloudFormation allows 500 resources, and nested
loops over long lists would otherwise multiply into a hang."""

Env = Mapping[str, str]
Entry = tuple[Any, Any, Mark | None]
_Loop = tuple[str, Any, dict[Any, Any]]


def uses_language_extensions(template: dict[str, Any]) -> bool:
    """Whether ``Transform`` is, or lists, ``AWS::LanguageExtensions``."""
    if not isinstance(template, dict):
        return False
    transform = template.get("Transform")
    if isinstance(transform, str):
        return transform == TRANSFORM
    return isinstance(transform, list) and TRANSFORM in transform


def expand_language_extensions(template: dict[str, Any], display_path: str) -> dict[str, Any]:
    """A new template with the transform applied and removed from ``Transform``.

    The input is not modified. Generated keys carry the mark of the ``Fn::ForEach::`` key they
    came from, so findings on generated resources point at the loop. Raises :class:`InputError`
    for a loop that is not ``[identifier, collection, template]``, that generates a key twice,
    or that generates more than :data:`MAX_GENERATED` keys.
    """
    expander = _Expander(template, display_path)
    out = _like(template)
    for key, value, mark in expander.entries(template, {}):
        expander.put(out, key, value, mark)
    _drop_transform(out)
    return out


class _Expander:
    """One expansion: the template's parameters and mappings, and where to report errors."""

    def __init__(self, template: dict[str, Any], display_path: str) -> None:
        self.path = display_path
        self.parameters = section(template, "Parameters")
        self.mappings = section(template, "Mappings")
        self.generated = 0

    # -- walking ---------------------------------------------------------------------------

    def walk(self, value: Any, env: Env) -> Any:
        """A copy of ``value`` with loops expanded and the transform's functions evaluated."""
        if isinstance(value, dict):
            return self.mapping(value, env)
        if isinstance(value, list):
            return [self.walk(item, env) for item in value]
        return value

    def mapping(self, node: dict[Any, Any], env: Env) -> Any:
        """A mapping is either one of the functions the transform evaluates, or plain keys."""
        if len(node) == 1:
            ((key, arg),) = node.items()
            function = _FUNCTIONS.get(key)
            if function is not None:
                return function(self, node, key, arg, env)
        out = _like(node)
        for key, value, mark in self.entries(node, env):
            self.put(out, key, value, mark)
        return out

    def entries(self, node: dict[Any, Any], env: Env, mark: Mark | None = None) -> Iterator[Entry]:
        """Keys and walked values of ``node``, loops unrolled in place.

        ``mark`` replaces the marks of plain keys: a loop passes its own, so the keys it
        generates point at it; keys from a nested loop keep the nested loop's mark.
        """
        for key, value in node.items():
            if isinstance(key, str) and key.startswith(_FOREACH):
                yield from self.loop(node, key, value, env)
            else:
                new_key = _substitute(key, env) if isinstance(key, str) else key
                yield new_key, self.walk(value, env), mark or mark_of(node, key)

    def loop(self, parent: dict[Any, Any], key: str, value: Any, env: Env) -> Iterator[Entry]:
        """The entries a ``Fn::ForEach::<Name>`` generates; none if the collection is unknown."""
        spec = self.parse_loop(parent, key, value)
        if spec is None:
            return
        identifier, collection, body = spec
        items = self.collection(collection, env) or []
        self.generated += len(items) * len(body)
        if self.generated > MAX_GENERATED:
            raise self.error(parent, key, f"{key}: generates more than {MAX_GENERATED} keys")
        for item in items:
            yield from self.entries(body, {**env, identifier: item}, mark_of(parent, key))

    def parse_loop(self, parent: dict[Any, Any], key: str, value: Any) -> _Loop | None:
        """Check the loop's shape: malformed is the user's error, unknown parts skip the loop."""
        if isinstance(value, Unknown):
            return None
        if not isinstance(value, list) or len(value) != 3:
            raise self.error(parent, key, f"{key}: {_MALFORMED}")
        identifier, collection, body = value
        if any(isinstance(part, Unknown) for part in value):
            return None
        if not isinstance(identifier, str) or not identifier or not isinstance(body, dict):
            raise self.error(parent, key, f"{key}: {_MALFORMED}")
        if not isinstance(collection, list) and not _is_function(collection):
            raise self.error(parent, key, f"{key}: {_MALFORMED}")
        return identifier, collection, body

    def put(self, out: dict[Any, Any], key: Any, value: Any, mark: Mark | None) -> None:
        """Add one entry; a key generated twice would make CloudFormation reject the template."""
        if key in out:
            line = mark.line if mark else None
            raise InputError(self.path, line, f"duplicate key {key!r} after expanding Fn::ForEach")
        out[key] = value
        if isinstance(out, MarkedDict) and mark is not None:
            out.key_marks[key] = mark

    def error(self, node: dict[Any, Any], key: str, message: str) -> InputError:
        """An input error at the line of ``key``, when the loader marked it."""
        mark = mark_of(node, key)
        return InputError(self.path, mark.line if mark else None, message)

    # -- values the template determines ----------------------------------------------------

    def collection(self, raw: Any, env: Env) -> list[str] | None:
        """The loop's items as strings, or ``None`` when the template does not determine them."""
        values = self.list_value(self.walk(raw, env))
        if values is None:
            return None
        items = [self.scalar(value) for value in values]
        return None if any(item is None for item in items) else [str(item) for item in items]

    def list_value(self, value: Any) -> list[Any] | None:
        """A literal list, a list parameter's default, or a ``Fn::Split`` of a known string."""
        if isinstance(value, list):
            return value
        if not isinstance(value, dict) or len(value) != 1:
            return None
        ((key, arg),) = value.items()
        if key == "Ref" and isinstance(arg, str):
            default = self.parameter_default(arg, want_list=True)
            return default if isinstance(default, list) else None
        if key == "Fn::Split" and isinstance(arg, list) and len(arg) == 2:
            delimiter, source = arg[0], self.scalar(arg[1])
            if isinstance(delimiter, str) and delimiter and source is not None:
                return source.split(delimiter)
        return None

    def scalar(self, value: Any) -> str | None:
        """A literal scalar or a string parameter's default, as CloudFormation's string."""
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Ref"), str):
            default = self.parameter_default(value["Ref"], want_list=False)
            return default if isinstance(default, str) else None
        return _scalar_text(value)

    def parameter_default(self, name: str, want_list: bool) -> list[str] | str | None:
        """The default of parameter ``name`` when it has one of the wanted shape."""
        parameter = self.parameters.get(name)
        if not isinstance(parameter, dict) or "Default" not in parameter:
            return None
        kind = parameter.get("Type", "String")
        if not isinstance(kind, str) or kind.startswith("AWS::SSM::"):
            return None
        if (kind == "CommaDelimitedList" or kind.startswith("List<")) != want_list:
            return None
        default = parameter["Default"]
        return _split_default(default) if want_list else _scalar_text(default)

    def find_in_map(self, args: Any) -> tuple[bool, Any]:
        """``(True, value)`` for a literal lookup that finds a value or has a default."""
        if not isinstance(args, list) or len(args) not in (3, 4):
            return False, None
        keys = [_scalar_text(arg) for arg in args[:3]]
        if any(key is None for key in keys):
            return False, None
        found: Any = self.mappings
        for key in keys:
            found = _lookup(found, key)
        if found is not None:
            return True, _clone(found)
        default = args[3] if len(args) == 4 else None
        if isinstance(default, dict) and set(default) == {"DefaultValue"}:
            return True, default["DefaultValue"]
        return False, None


# -- the functions the transform evaluates -----------------------------------------------------


def _ref(ex: _Expander, node: dict[Any, Any], key: str, arg: Any, env: Env) -> Any:
    """A loop identifier becomes its item; ``Ref`` of a ``Fn::Sub`` naming one is allowed too."""
    target = ex.walk(arg, env)
    if isinstance(target, str) and target in env:
        return env[target]
    return _single(node, key, target)


def _sub(ex: _Expander, node: dict[Any, Any], key: str, arg: Any, env: Env) -> Any:
    """Identifiers are replaced in the string; a string left without ``${`` needs no ``Fn::Sub``."""
    if isinstance(arg, list) and arg and isinstance(arg[0], str):
        text, rest = arg[0], [ex.walk(item, env) for item in arg[1:]]
    elif isinstance(arg, str):
        text, rest = arg, None
    else:
        return _single(node, key, ex.walk(arg, env))
    new = _substitute(text, env)
    if new != text and "${" not in new:
        return new
    return _single(node, key, new if rest is None else [new, *rest])


def _length(ex: _Expander, node: dict[Any, Any], key: str, arg: Any, env: Env) -> Any:
    walked = ex.walk(arg, env)
    values = ex.list_value(walked)
    return len(values) if values is not None else _single(node, key, walked)


def _to_json_string(ex: _Expander, node: dict[Any, Any], key: str, arg: Any, env: Env) -> Any:
    """Only a value without intrinsics has a JSON text before deployment."""
    walked = ex.walk(arg, env)
    if _is_literal(walked):
        try:
            return json.dumps(walked, separators=(",", ":"))
        except (TypeError, ValueError):  # a YAML date or similar: leave it to CloudFormation
            pass
    return _single(node, key, walked)


def _find_in_map(ex: _Expander, node: dict[Any, Any], key: str, arg: Any, env: Env) -> Any:
    walked = ex.walk(arg, env)
    resolved, value = ex.find_in_map(walked)
    return value if resolved else _single(node, key, walked)


_Function = Callable[[_Expander, dict[Any, Any], str, Any, Env], Any]
_FUNCTIONS: dict[str, _Function] = {
    "Ref": _ref,
    "Fn::Sub": _sub,
    "Fn::Length": _length,
    "Fn::ToJsonString": _to_json_string,
    "Fn::FindInMap": _find_in_map,
}


# -- small helpers -----------------------------------------------------------------------------


def _like(node: dict[Any, Any]) -> dict[Any, Any]:
    """An empty mapping of the same kind, keeping the mapping's own mark."""
    if isinstance(node, MarkedDict):
        out = MarkedDict()
        out.mark = node.mark
        return out
    return {}


def _single(node: dict[Any, Any], key: str, value: Any) -> dict[Any, Any]:
    """A one-key mapping (an intrinsic left in place) with the original's marks."""
    out = _like(node)
    out[key] = value
    mark = mark_of(node, key)
    if isinstance(out, MarkedDict) and mark is not None:
        out.key_marks[key] = mark
    return out


def _clone(value: Any) -> Any:
    """A deep copy keeping marks, so a value taken from ``Mappings`` is not shared."""
    if isinstance(value, dict):
        out = _like(value)
        for key, item in value.items():
            out[key] = _clone(item)
        if isinstance(value, MarkedDict) and isinstance(out, MarkedDict):
            out.key_marks = dict(value.key_marks)
        return out
    if isinstance(value, list):
        return [_clone(item) for item in value]
    return value


def _substitute(text: str, env: Env) -> str:
    """``${Id}`` becomes the item, ``&{Id}`` the item with only its letters and digits."""
    for identifier, item in env.items():
        text = text.replace(f"${{{identifier}}}", item)
        alphanumeric = "".join(c for c in item if c.isascii() and c.isalnum())
        text = text.replace(f"&{{{identifier}}}", alphanumeric)
    return text


def _scalar_text(value: Any) -> str | None:
    """A YAML scalar as the string CloudFormation reads; ``None`` for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _split_default(default: Any) -> list[str] | None:
    """A list parameter's default: ``"a, b"`` or, as some templates write it, a YAML list."""
    if isinstance(default, str):
        return [part.strip() for part in default.split(",")] if default else []
    if isinstance(default, list):
        items = [_scalar_text(item) for item in default]
        return None if any(item is None for item in items) else [str(item) for item in items]
    return None


def _lookup(mapping: Any, key: str | None) -> Any:
    """``mapping[key]``, matching keys YAML read as numbers (account ids) by their text."""
    if not isinstance(mapping, dict) or key is None:
        return None
    if key in mapping:
        return mapping[key]
    return next((value for k, value in mapping.items() if _scalar_text(k) == key), None)


def _is_function(value: Any) -> bool:
    """A one-key mapping naming an intrinsic function."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


def _is_literal(value: Any) -> bool:
    """No intrinsic function and no unknown value anywhere inside."""
    if isinstance(value, Unknown) or _is_function(value):
        return False
    if isinstance(value, dict):
        return all(_is_literal(item) for item in value.values())
    if isinstance(value, list):
        return all(_is_literal(item) for item in value)
    return True


def _drop_transform(template: dict[Any, Any]) -> None:
    """Remove the transform from the (already copied) ``Transform``; keep any others."""
    transform = template.get("Transform")
    if isinstance(transform, list):
        rest = [entry for entry in transform if entry != TRANSFORM]
        if rest:
            template["Transform"] = rest
            return
    elif transform != TRANSFORM:
        return
    del template["Transform"]
    if isinstance(template, MarkedDict):
        template.key_marks.pop("Transform", None)
