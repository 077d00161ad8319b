"""The report's JSON writer writes exactly what ``json.dumps(indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import enum
import json
import random
from collections import OrderedDict
from typing import Any

import pytest

from wa_lint.report.json_writer import dumps


def _reference(value: object, indent: int = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False)


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Tagged(dict):  # type: ignore[type-arg]
    def items(self):  # type: ignore[no-untyped-def]  # the pure encoder iterates items(): so must the writer
        return [(k, v) for k, v in sorted(super().items())]


class Seq(list):  # type: ignore[type-arg]
    pass


class Ratio(float):
    pass


STRINGS = ["", "plain", "quote \" and backslash \\", "line\nbreak\ttab\r", "nul \x00 bell \x07 esc \x1b",
           "del \x7f c1 \x85 \x9b", "sep \u2028 \u2029", "bidi \u202e \u2066", "lone \ud800 surrogate",
           "é ü ß 中文 …", "emoji 😀", "%s %d %% %(x)s", "{[]}", "]\x00[", ", ", ": "]
SCALARS: list[Any] = [None, True, False, 0, 1, -1, 2**63, -(10**40), 1.5, -0.0, 1e-7, 1e300, float("nan"),
                      float("inf"), float("-inf"), *STRINGS]

VALUES: list[Any] = [
    *SCALARS,
    [], {}, (), [[]], [{}], {"a": []}, {"a": {}}, [[], {}, ()], [[[]]],
    list(range(20)), tuple(STRINGS), {s: s for s in STRINGS},
    {"a": 1, "b": [1, 2, {"c": None}], "d": {"e": {"f": [[], [1], {}]}}},
    [{"k": i, "v": [i] * (i % 3), "w": {"x": i} if i % 2 else {}} for i in range(20)],  # a table with deep cells
    [{"k": i, "s": STRINGS[i % len(STRINGS)], "n": None} for i in range(12)],  # a table of leaves
    [{"k": 1}, {"k": 2, "extra": 3}] * 6,  # dicts of different keys
    [{"b": 1, "a": 2}, {"a": 2, "b": 1}] * 5,  # the same keys in another order
    [{"%s": 1, "%%": STRINGS[11]}] * 9,  # keys the template must not read as placeholders
    [{}] * 10, [[1, 2]] * 10, [1, [2], 3, {"a": [4]}, "x", []],
    {7: "int key", 2.5: "float key", True: "bool key", None: "none key", "s": "str key"},
    {"colour": Colour.RED, "level": Level.HIGH, "ratio": Ratio(0.25), Colour.RED: "enum key", Level.HIGH: 1},
    [Colour.RED, Level.HIGH, Ratio(2.0), Ratio("nan"), Ratio("inf"), Ratio("-inf")] * 4,
    {float("nan"): 1, float("inf"): 2, float("-inf"): 3, False: 4},
    Tagged(b=1, a=[1, 2]), Seq([1, Seq(), Tagged()]), OrderedDict([("z", 1), ("a", [OrderedDict()])]),
    {"findings": [{"rule": f"WA{i:03}", "related": [{"path": "p", "line": i}] if i % 4 == 0 else [],
                   "fix": "a\nb", "line": i} for i in range(30)], "summary": {"by_rule": {"WA001": 3}}},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_writes_what_json_dumps_writes(value: object) -> None:
    assert dumps(value) == _reference(value)


@pytest.mark.parametrize("indent", [0, 1, 4])
def test_other_indents(indent: int) -> None:
    for value in VALUES:
        assert dumps(value, indent=indent) == _reference(value, indent)


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(10 if depth < 5 else 4)
    if kind < 4:
        return rng.choice([*SCALARS, rng.randint(-(10**20), 10**20), rng.uniform(-1e6, 1e6), rng.random()])
    if kind < 6:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(12))]
    if kind < 8:
        keys = [rng.choice(STRINGS) + str(rng.randrange(4)) for _ in range(rng.randrange(8))]
        return {k: _random_value(rng, depth + 1) for k in keys}
    keys = rng.sample(STRINGS, rng.randrange(1, 5))
    return [{k: _random_value(rng, depth + 2) for k in keys} for _ in range(rng.randrange(6, 14))]  # a table


def test_random_values() -> None:
    rng = random.Random(18)
    for _ in range(400):
        value = _random_value(rng)
        assert dumps(value) == _reference(value)


def test_refuses_what_json_dumps_refuses() -> None:
    loop: list[Any] = [1]
    loop.append({"back": loop})
    rows: list[Any] = [{"k": i} for i in range(10)]
    rows[3]["k"] = rows
    for bad in (loop, rows, {"a": {1, 2}}, [object()], {("t",): 1}, b"bytes"):
        with pytest.raises((ValueError, TypeError)) as expected:
            _reference(bad)
        with pytest.raises(type(expected.value), match=str(expected.value).replace("(", r"\(").replace(")", r"\)")):
            dumps(bad)


def test_a_repeated_object_is_not_a_loop() -> None:
    shared = {"k": [1]}
    value = [shared] * 10 + [{"k": [shared]}]
    assert dumps(value) == _reference(value)


def test_without_the_c_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    assert dumps(VALUES) == _reference(VALUES)
