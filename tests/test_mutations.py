"""Property-based robustness: random mutations of fixture and corpus templates (dropped, retyped
and swapped values, intrinsics in the wrong form) never produce an internal error — only a clean
result or an ``InputError``; nor does the glue analysis fail on them (it would treat the failure
as "no evidence" and stay silent, so the test asks it)."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, ROOT
from tests.lint_helpers import all_rules
from wa_lint.code.glue import analysis_failures
from wa_lint.expand.template import stack_from_data, template_problem
from wa_lint.graph.builders import build_graph
from wa_lint.load import load_file
from wa_lint.model import InputError
from wa_lint.pipeline import run_rules

SUFFIXES = {".yaml", ".yml", ".json", ".template"}


def _templates() -> list[Path]:
    found = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.suffix in SUFFIXES
                   and not p.name.endswith((".expected.json", ".evaluated.json")) and "cdk.out" not in p.parts
                   and "loader" not in p.parts)
    corpus = CORPUS / "serverless-patterns"
    if corpus.is_dir():
        found += sorted(corpus.glob("*/template.y*ml"))[::10]  # every tenth, for variety
    return found


TEMPLATES = _templates()
_loaded: dict[Path, Any] = {}


def _load(path: Path) -> Any:
    if path not in _loaded:
        try:
            _loaded[path] = load_file(path, str(path))[0]
        except InputError:
            _loaded[path] = None
    return _loaded[path]


def _swap_intrinsic(value: dict[str, Any], rng: random.Random) -> Any:
    """The same reference written in another intrinsic form, or with a wrong argument."""
    name = next(iter(value.values()))
    target = name if isinstance(name, str) else "X"
    forms = [
        {"Ref": target}, {"Fn::GetAtt": [target, "Arn"]}, {"Fn::GetAtt": f"{target}.Arn"},
        {"Fn::Sub": "arn:${AWS::Partition}:x:::${" + target + "}"}, {"Fn::Join": ["", [{"Ref": target}]]},
        {"Fn::If": ["Cond", {"Ref": target}, {"Ref": "AWS::NoValue"}]}, {"Fn::ImportValue": target},
        {"Fn::Select": [rng.randint(-1, 3), {"Fn::Split": [",", target]}]}, {"Fn::GetAtt": []},
        {"Ref": [target]}, {"Fn::Sub": [target]}, {"Fn::Join": [target]},
    ]
    return rng.choice(forms)


def _random_value(rng: random.Random) -> Any:
    return rng.choice([None, 0, -1, 10**9, "", "x", True, [], {}, [None], {"Ref": "AWS::NoValue"},
                       {"Fn::If": ["C", 1]}, {"Ref": "Missing"}, "arn:aws:sqs:us-east-1:1:q", 3.5])


def _mutate(node: Any, rng: random.Random, depth: int = 0) -> Any:
    """One mutation somewhere below ``node``."""
    if isinstance(node, dict) and node and depth < 12:
        key = rng.choice(list(node))
        action = rng.random()
        if action < 0.15:
            del node[key]
        elif action < 0.3:
            node[key] = _random_value(rng)
        elif action < 0.4 and len(node) == 1 and str(key).startswith(("Ref", "Fn::")):
            return _swap_intrinsic(node, rng)
        elif action < 0.45:
            node[f"{key}2"] = copy.deepcopy(node[key])  # a near-duplicate key
        else:
            node[key] = _mutate(node[key], rng, depth + 1)
        return node
    if isinstance(node, list) and node and depth < 12:
        i = rng.randrange(len(node))
        if rng.random() < 0.2:
            node.pop(i)
        else:
            node[i] = _mutate(node[i], rng, depth + 1)
        return node
    return _random_value(rng) if rng.random() < 0.5 else node


@pytest.mark.skipif(not TEMPLATES, reason="no templates")
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(index=st.integers(min_value=0, max_value=max(0, len(TEMPLATES) - 1)),
       seed=st.integers(min_value=0, max_value=2**32 - 1), mutations=st.integers(min_value=1, max_value=8))
def test_mutated_templates_never_crash(index: int, seed: int, mutations: int) -> None:
    path = TEMPLATES[index]
    data = _load(path)
    if data is None:
        return
    rng = random.Random(seed)
    mutated = copy.deepcopy(data)
    for _ in range(mutations):
        mutated = _mutate(mutated, rng)
    if template_problem(mutated) is not None:
        return
    try:
        stack = stack_from_data(mutated, path, str(path), path.stem)
    except InputError:
        return
    graph = build_graph(stack)
    run_rules(stack, list(all_rules()), graph)
    assert [str(f) for f in analysis_failures(graph)] == []  # the glue analysis swallows errors: ask it
