"""Nested stacks with local template paths are loaded, linked to their parent and linted."""

from __future__ import annotations

from tests.lint_helpers import lint

NESTED = "fixtures/loader/nested"


def test_nested_stack_is_loaded_linked_and_linted() -> None:
    [result] = lint(f"{NESTED}/parent.yaml")
    assert result.error is None
    assert result.stacks == ["parent", "parent/Workers"]
    [finding] = [f for f in result.findings if f.rule == "WA101"]
    assert (finding.path, finding.line, finding.resource, finding.stack) == (
        f"{NESTED}/children/workers.yaml", 9, "Worker", "parent/Workers")


def test_nested_template_outside_the_linted_directory_is_refused() -> None:
    [result] = lint(f"{NESTED}/escape.yaml")
    assert result.stacks == ["escape"]
    assert result.error is not None
    assert result.error.startswith(f"{NESTED}/escape.yaml:4: nested stack Outside: template ")
    assert result.error.endswith("is outside the linted directory; not loaded")


def test_walking_the_directory_lints_the_child_once() -> None:
    results = [r for r in lint(NESTED) if not r.skipped]
    findings = [(f.path, f.line) for r in results for f in r.findings if f.rule == "WA101"]
    assert findings == [(f"{NESTED}/children/workers.yaml", 9)]


def test_preprocessor_resources_are_tolerated() -> None:
    """Rain modules (`Type: !Rain::Module` in YAML, {"Rain::Module": …} in JSON) are not errors."""
    [result] = lint("fixtures/loader/rain-module.json")
    assert result.error is None
    assert result.resources == 1
